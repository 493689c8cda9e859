"""Shell command for facilitators and assessors: `cohort report`, many participants' survey
answers put together (statistics in domain.cohort, files gathered by transfer.cohort).

It reads no store of the data folder (no passphrase is asked): only the content folders, for the
survey's statements.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.cli.common import Commands, Shell, positive_int, say, write_private
from csa_companion.domain.wording import plural, shown
from csa_companion.errors import CompanionError, UsageError

if TYPE_CHECKING:
    from csa_companion.domain.cohort import CohortReport
    from csa_companion.storage.crypto import Cipher
    from csa_companion.transfer.team import Membership

FORMATS = ("markdown", "csv", "json")
__all__ = ["add_parsers", "run"]


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add `cohort report` to the main parser."""
    cohort = commands.add_parser(
        "cohort", help="put many participants' survey answers together (for an assessor)"
    )
    actions = cohort.add_subparsers(dest="cohort_command", metavar="ACTION", required=True)
    report = actions.add_parser(
        "report",
        help="paired before/after statistics per statement and session",
        description="Read survey CSVs (`survey export`), whole exports (`export`), folders of "
        "them or a team folder, and report for each statement and session: paired n, mean "
        "before and after, mean change, how many rose, stayed and fell, and Cohen's d_z.",
    )
    report.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="a file or folder to read"
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write the report to this file (Markdown: the chart is written beside it, "
        "as NAME-growth.svg)",
    )
    report.add_argument("--format", choices=FORMATS, default="markdown", help="markdown (default)")
    report.add_argument(
        "--min-n",
        type=positive_int,
        default=3,
        metavar="N",
        help="show a cell's numbers only with N or more participants (default 3)",
    )
    report.add_argument("--comments", action="store_true", help="include comments (no codes)")
    report.add_argument(
        "--chart", type=Path, metavar="FILE", help="write the SVG chart here (FILE.svg)"
    )


def run(args: argparse.Namespace, shell: Shell) -> int:
    from csa_companion.content.loader import load_library
    from csa_companion.domain.cohort import cohort_report, survey_statements
    from csa_companion.domain.cohort_render import csv_text, json_text, markdown, svg
    from csa_companion.transfer.cohort import gather

    chart: Path | None = args.chart
    if chart is None and args.out is not None and args.format == "markdown":
        chart = args.out.with_name(f"{args.out.stem}-growth.svg")
    shell.paths.check_out(chart, "--chart" if args.chart else "the chart")
    if chart is not None and chart.suffix.lower() != ".svg":
        raise UsageError(
            f"--chart {chart}: the chart is an SVG image; give a file name ending in .svg "
            "(nothing was written)"
        )
    answers = gather(args.paths, team_key=lambda folder: _team_key(shell, folder))
    if not answers.ratings:
        found = [*answers.skipped, *answers.problems, *answers.notices][:1]
        why = f" ({found[0]})" if found else ""
        raise CompanionError(
            f"no survey answers found in {', '.join(str(p) for p in args.paths)}{why}"
        )
    texts, earlier = survey_statements(load_library(shell.dirs))
    report = cohort_report(
        answers, texts, earlier=earlier, min_n=args.min_n, comments=args.comments
    )
    if args.format == "markdown":
        link = None
        if chart is not None and args.out is not None:  # as the Markdown file finds it
            link = Path(os.path.relpath(chart.absolute(), args.out.absolute().parent)).as_posix()
        text = markdown(report, link)
    else:
        text = csv_text(report) if args.format == "csv" else json_text(report)
    if chart is not None:
        write_private(chart, svg(report))
    if args.out is None:
        sys.stdout.write(text)
    else:
        from csa_companion.domain.survey import CSV_ENCODING

        write_private(args.out, text, encoding=CSV_ENCODING if args.format == "csv" else "utf-8")
        beside = f" (chart: {chart})" if chart is not None else ""
        from csa_companion.transfer.actions import plain_note

        print(f"cohort report written to {args.out}{beside}{plain_note(shell.paths)}")
    _summary(report, args.format, to_stdout=args.out is not None)
    return 0


def _team_key(shell: Shell, folder: Path) -> Cipher | None:
    """An encrypted team folder's key: the one this data folder keeps, if it is a member of
    that team; else from the team's passphrase (asked, or the first line of stdin). A wrong
    one stops the command (TeamError)."""
    from csa_companion.cli.crypto import ask
    from csa_companion.transfer.team import unlock_team

    own = _own_team(shell)
    if own is not None and own.folder.expanduser().resolve() == folder.resolve():
        return own.cipher()
    return unlock_team(folder, ask(f"Team passphrase for {folder}: ", env=False))


def _own_team(shell: Shell) -> Membership | None:
    """This data folder's team, when finding it costs no passphrase (a plain data folder)."""
    from csa_companion.storage.encryption import KEY_FILE
    from csa_companion.transfer.team import LOCAL, TeamCache

    root = shell.paths.root
    if not root.is_dir() or (root / KEY_FILE).exists():
        return None
    try:
        with shell.stores() as stores:
            return TeamCache(stores[LOCAL]).membership()
    except (CompanionError, OSError):
        return None


def _summary(report: CohortReport, form: str, *, to_stdout: bool) -> None:
    """What was read (on stdout, unless the report itself went there), and one line on
    stderr on what was left out: Markdown and JSON name each, CSV has no room for them."""
    from csa_companion.domain.cohort_render import count

    if to_stdout:
        print(
            f"{count(report.participants, 'participant')}, {count(report.answers, 'answer')} "
            f"from {count(report.files, 'file')}"
        )
    left = []
    if report.malformed:
        left.append(plural(report.malformed, "malformed row"))
    if report.skipped:
        left.append(plural(len(report.skipped), "file or folder", "files or folders"))
    if not left:
        return
    if form == "markdown":
        where = "the report's Notes name them"
    elif form == "json":
        where = 'the report\'s "problems" and "files_left_out" name them'
    else:
        first = (*report.problems, *report.skipped)[0]
        where = f"first: {shown(first)}; --format markdown names them all"
    say(f"{' and '.join(left)} left out; {where}")

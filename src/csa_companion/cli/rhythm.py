"""Shell commands for the program's rhythm: program, reflection, survey, journal on this day.

cli/parser.py adds these parsers and hands the parsed arguments here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.cli.common import Commands, Shell, write_private
from csa_companion.clock import SystemClock
from csa_companion.domain.wording import plural

if TYPE_CHECKING:
    from csa_companion.content.library import Library
    from csa_companion.domain.practice import LogEntry
    from csa_companion.paths import DataPaths
    from csa_companion.storage.program_repos import Rhythm
    from csa_companion.storage.repos import JournalRepo, SettingsRepo, WorksheetRepo
    from csa_companion.storage.store import Stores

# cli/parser.py imports this module for every shell command (to build the parser): the domain and
# storage modules these commands use are imported when one of them runs, so that `journal add`
# does not pay for them (a test holds this: tests/unit/test_import_cost.py).

NAMES = ("program", "reflections", "coaching", "surveys")
"""The stores of the program's rhythm (storage.program_repos.NAMES, named here so that
`where` does not import the repositories)."""
__all__ = ["NAMES", "add_parsers", "dispatch", "on_this_day", "run"]


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add the program, reflection and survey commands to the main parser."""
    program = commands.add_parser("program", help="show or import your program's calendar")
    program_cmds = program.add_subparsers(dest="program_command", metavar="ACTION", required=True)
    program_cmds.add_parser("show", help="print the calendar")
    imp = program_cmds.add_parser("import", help="read a cohort's calendar from a TOML file")
    imp.add_argument("file", type=Path, help="the calendar file (see the README for its shape)")

    reflection = commands.add_parser("reflection", help="list or export monthly reflections")
    ref_cmds = reflection.add_subparsers(dest="reflection_command", metavar="ACTION", required=True)
    rlist = ref_cmds.add_parser("list", help="months with their reflection's status")
    rlist.add_argument("--json", action="store_true", help="print JSON")
    rexp = ref_cmds.add_parser("export", help="a month as Markdown, with the month at a glance")
    rexp.add_argument("month", help="YYYY-MM")
    rexp.add_argument("--out", type=Path, help="write to this file instead of printing")

    survey = commands.add_parser("survey", help="export survey answers or set your code")
    survey_cmds = survey.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    sexp = survey_cmds.add_parser("export", help="every submitted answer as CSV")
    sexp.add_argument("--out", type=Path, help="write to this CSV file instead of printing")
    code = survey_cmds.add_parser("code", help="show or set your participant code (not a name)")
    code.add_argument("code", nargs="?", help="the code your program gave you")


def run(args: argparse.Namespace, shell: Shell) -> int:
    with shell.stores() as stores:
        return dispatch(args, stores, shell.dirs)


def dispatch(args: argparse.Namespace, stores: Stores, dirs: Sequence[Path]) -> int:
    """Run one of this module's commands (the caller shows the stores' notices after it)."""
    from csa_companion.content.loader import load_library
    from csa_companion.storage.program_repos import Rhythm
    from csa_companion.storage.repos import JournalRepo, SettingsRepo, WorksheetRepo

    rhythm = Rhythm.open(stores)
    library = load_library(dirs)
    if args.command == "program":
        if args.program_command == "show":
            return _program_show(rhythm)
        return _program_import(rhythm, args.file, frozenset(t.id for t in library.tools))
    if args.command == "reflection":
        journal, sheets = JournalRepo(stores["journal"]), WorksheetRepo(stores["worksheets"])
        if args.reflection_command == "list":
            return _reflection_list(rhythm, journal, sheets, as_json=args.json)
        from csa_companion.storage.practice_log import PracticeLogRepo

        practices = PracticeLogRepo(stores).all()
        text = _reflection_text(rhythm, journal, sheets, practices, library, args)
        return _write(text, args.out, "reflection", stores.paths) if text is not None else 2
    settings = SettingsRepo(stores["settings"])
    if args.survey_command == "code":
        return _survey_code(settings, args.code)
    from csa_companion.domain.survey import CSV_ENCODING

    text = _survey_text(rhythm, settings)
    return _write(text, args.out, "survey answers", stores.paths, encoding=CSV_ENCODING)


def _write(
    text: str, out: Path | None, what: str, paths: DataPaths, *, encoding: str = "utf-8"
) -> int:
    """`text` to stdout, or to the file `out` in `encoding` (saying where)."""
    if out is None:
        print(text, end="")
        return 0
    write_private(out, text, encoding=encoding)
    from csa_companion.transfer.actions import plain_note

    print(f"{what} written to {out}{plain_note(paths)}")
    return 0


def _program_show(rhythm: Rhythm) -> int:
    from csa_companion.domain.program import program_text

    print(program_text(rhythm.program.get(SystemClock().now().date())), end="")
    return 0


def _program_import(rhythm: Rhythm, file: Path, tools: frozenset[str]) -> int:
    from csa_companion.domain.program import CalendarError, program_from_toml

    if file.exists() and not file.is_file() and not file.is_dir():  # it could never end
        print(
            f"csa-companion: {file} is not a regular file (a device or a pipe); nothing was "
            "imported",
            file=sys.stderr,
        )
        return 1
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        print(f"csa-companion: cannot read {file}: {reason}", file=sys.stderr)
        return 1
    try:
        program = program_from_toml(text, tools)
    except CalendarError as error:
        print(f"csa-companion: {file}: {error}; nothing was imported", file=sys.stderr)
        return 1
    rhythm.program.save(program)
    print(f"imported {plural(len(program.events), 'event')} from {file}")
    return 0


def _reflection_list(
    rhythm: Rhythm, journal: JournalRepo, sheets: WorksheetRepo, *, as_json: bool
) -> int:
    from csa_companion.domain.reflection import month_name, month_of, months_listed, status_of

    reflections = {r.month: r for r in rhythm.reflections.all()}
    first = journal.earliest()
    dates = [w.created for w in sheets.all()] + ([first] if first else [])
    earliest = month_of(min(dates)) if dates else None
    months = months_listed(month_of(SystemClock().now()), list(reflections.values()), earliest)
    rows = [{"month": m, "status": status_of(reflections.get(m))} for m in months]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['month']}  {month_name(row['month']):<15}  {row['status']}")
    return 0


def _reflection_text(
    rhythm: Rhythm,
    journal: JournalRepo,
    sheets: WorksheetRepo,
    practices: list[LogEntry],
    library: Library,
    args: argparse.Namespace,
) -> str | None:
    """The month's reflection as Markdown; None (said on stderr) for a month that is none."""
    from csa_companion.domain.reflection import parse_month, reflection_markdown

    try:
        month = parse_month(args.month)
    except ValueError as error:
        print(f"csa-companion: {error}", file=sys.stderr)
        return None
    summary = rhythm.glance(month, journal.in_month(month, rhythm.zone), sheets.all(), practices)
    titles = {t.id: t.title for t in library.tools}
    return reflection_markdown(summary, rhythm.reflections.get(month), library.reflection, titles)


def _survey_code(settings: SettingsRepo, code: str | None) -> int:
    from csa_companion.domain.survey import PARTICIPANT

    if code is None:
        current = settings.get(PARTICIPANT)
        print(current or "no participant code set: `csa-companion survey code CODE` sets it")
        return 0
    if not code.strip() or len(code.strip()) > 40:
        print("csa-companion: a participant code is 1 to 40 characters", file=sys.stderr)
        return 2
    settings.set(PARTICIPANT, code.strip())
    print(f"participant code set to {code.strip()}")
    return 0


def _survey_text(rhythm: Rhythm, settings: SettingsRepo) -> str:
    from csa_companion.domain.survey import PARTICIPANT, survey_csv

    code = settings.get(PARTICIPANT) or ""
    if not code:
        print(
            "csa-companion: no participant code set; the column is empty "
            "(`csa-companion survey code CODE` sets it)",
            file=sys.stderr,
        )
    return survey_csv(rhythm.surveys.all(), code)


def on_this_day(journal: JournalRepo, sheets: WorksheetRepo, *, as_json: bool) -> int:
    """`journal list --on-this-day`: what was written about a week, a month, a year ago."""
    from csa_companion.domain.lookback import look_back, memories
    from csa_companion.storage.program_repos import look_back_entries

    now = SystemClock().now()
    found = look_back(memories(look_back_entries(journal.store, now), sheets.all()), now)
    if as_json:
        rows = [
            {
                "ago": m.label,
                "uid": m.uid,
                "kind": "worksheet" if m.is_worksheet else "entry",
                "title": m.title,
                "created": m.when.isoformat(),
            }
            for m in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for memory in found:
        kind = "worksheet" if memory.is_worksheet else "entry"
        print(f"{memory.label}: {memory.when:%Y-%m-%d}  {memory.title}  [{kind} {memory.uid}]")
    if not found:
        print("csa-companion: nothing from about a week, a month or a year ago", file=sys.stderr)
    return 0

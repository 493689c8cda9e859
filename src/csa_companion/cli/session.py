"""Shell commands for a facilitator's session plans: `session list`, `session show` (each block
with its planned start) and `session export` (a printable Markdown run sheet).

None of them asks for the passphrase: on an encrypted data folder the program calendar cannot be
read without it, so the plans use their own tools and `--start` gives the start time.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.cli.common import Commands, Shell, say, write_private
from csa_companion.errors import UsageError
from csa_companion.paths import DataPaths

if TYPE_CHECKING:
    from csa_companion.content.library import Library
    from csa_companion.content.model import SessionPlan
    from csa_companion.domain.program import Program
    from csa_companion.domain.session import Schedule

IDS_HELP = "orientation, 1 to 4, or a plan id (session list shows them)"


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    session = commands.add_parser(
        "session", help="the facilitator's session plans: list, show, export a run sheet"
    )
    cmds = session.add_subparsers(dest="session_command", metavar="ACTION", required=True)
    listing = cmds.add_parser("list", help="the orientation and learning session plans")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = cmds.add_parser("show", help="a plan's blocks with their planned start times")
    show.add_argument("id", help=IDS_HELP)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--start", type=_start, metavar="HH:MM", help="the session's start time")
    export = cmds.add_parser("export", help="a printable run sheet (Markdown) with times and notes")
    export.add_argument("id", help=IDS_HELP)
    export.add_argument("--out", type=Path, metavar="FILE", help="write it here (default: print)")
    export.add_argument("--start", type=_start, metavar="HH:MM", help="the session's start time")


def _start(text: str) -> str:
    from csa_companion.cli.present import _start as start

    return start(text)


def _calendar(paths: DataPaths) -> Program | None:
    """The program calendar (the template until one is set), read without the passphrase: None
    on an encrypted folder. What the store found on the way (a damaged file) is said."""
    from csa_companion.cli.common import print_notices
    from csa_companion.storage.encryption import read_key
    from csa_companion.storage.program_repos import Rhythm
    from csa_companion.storage.store import Stores

    if read_key(paths) is not None:
        return None
    stores = Stores(paths)
    try:
        return Rhythm.open(stores).program.get(datetime.now().date())
    finally:
        print_notices(stores)


def find(library: Library, wanted: str) -> SessionPlan:
    from csa_companion.domain.session import find_plan

    plan = find_plan(library, wanted)
    if plan is None:
        known = ", ".join(["orientation", "1-4", *(p.id for p in library.sessions)])
        raise UsageError(f"no session plan {wanted!r} (known: {known})")
    return plan


def run(args: argparse.Namespace, shell: Shell) -> int:
    from csa_companion.content.loader import load_library

    library = load_library(shell.dirs)
    if args.session_command == "list":
        return _list(library, as_json=args.json)
    plan = find(library, args.id)
    from csa_companion.domain.session import schedule_for

    program = _calendar(shell.paths)
    schedule, start = schedule_for(plan, library, program)
    where = "from the program calendar"
    if args.start:
        from csa_companion.domain.program import parse_time

        day = start.date() if start else datetime.now().date()
        start, where = datetime.combine(day, parse_time(args.start)), "--start"
    if program is None and not getattr(args, "json", False):
        say(
            "the program calendar cannot be read without the passphrase: the plan's own "
            f"tools{'' if args.start else ', and no start time (give --start)'}"
        )
    if args.session_command == "show":
        return _show(schedule, library, start, where, as_json=args.json)
    return _export(schedule, library, start, args.out, shell.paths)


def _list(library: Library, *, as_json: bool) -> int:
    plans = library.sessions
    if as_json:
        docs = [
            {
                "id": p.id,
                "session": p.session,
                "title": p.title,
                "minutes": p.minutes,
                "blocks": len(p.blocks),
                "source": str(p.source),
            }
            for p in plans
        ]
        print(json.dumps(docs, indent=2, ensure_ascii=False))
        return 0
    if not plans:
        print("no session plans")
        return 0
    for plan in plans:
        which = "orientation" if plan.session == "orientation" else f"session {plan.session}"
        print(f"{plan.id:<22} {which:<12} {plan.minutes:>4} min  {plan.title}")
    return 0


def _show(
    schedule: Schedule, library: Library, start: datetime | None, where: str, *, as_json: bool
) -> int:
    from csa_companion.domain.session_text import show_doc, show_lines

    if as_json:
        print(json.dumps(show_doc(schedule, library, start), indent=2, ensure_ascii=False))
    else:
        print(show_lines(schedule, library, start, where), end="")
    return 0


def _export(
    schedule: Schedule, library: Library, start: datetime | None, out: Path | None, paths: DataPaths
) -> int:
    from csa_companion.domain.session_text import run_sheet

    when = f"Planned start: {start:%A %d %B %Y, %H:%M}" if start else ""
    text = run_sheet(schedule, library, start, when)
    if out is None:
        print(text, end="")
        return 0
    if paths.would_replace_data(out):
        raise UsageError(f"{out} is in the data folder: it would replace your data")
    write_private(out, text)
    print(f"wrote the run sheet of {schedule.title} to {out}")
    return 0

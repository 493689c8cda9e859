"""Shell commands for teaching content: `content check` and `content list`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.cli.common import Commands, Shell, say
from csa_companion.cli.wiring import check_command
from csa_companion.domain.wording import plural
from csa_companion.errors import UsageError

if TYPE_CHECKING:
    from csa_companion.content.model import Item


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    content = commands.add_parser("content", help="check or list teaching content")
    content_cmds = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = content_cmds.add_parser(
        "check", help="validate the content the app loads; exit 1 on any problem"
    )
    check.add_argument("dir", nargs="?", type=Path, help="check only this folder")
    listing = content_cmds.add_parser("list", help="list content items")
    listing.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, shell: Shell) -> int:
    if args.content_command == "check":
        if args.dir is not None and not args.dir.is_dir():
            raise UsageError(f"{args.dir}: no such folder")
        return _content_check([args.dir] if args.dir else shell.dirs, explicit=args.dir is not None)
    check = check_command(shell.paths.root, shell.extra_content)
    return _content_list(shell.dirs, check, as_json=args.json)


def _content_check(dirs: Sequence[Path], *, explicit: bool) -> int:
    from csa_companion.content.loader import check_links, load_library

    if explicit:
        print(f"checking {dirs[0]}")
    else:
        bundled, user, *extra = dirs
        print(f"checking the bundled content: {bundled}")
        missing = "" if user.is_dir() else " (none yet)"
        print(f"checking your content folder: {user}{missing}")
        for folder in extra:
            print(f"checking --content {folder}")
    library = load_library(dirs)
    library.problems.extend(check_links(library))
    for problem in library.problems:
        print(problem)
    count = len(library.items)
    if library.problems:
        say(f"{plural(len(library.problems), 'problem')}; {plural(count, 'item')} loaded")
        return 1
    print(f"ok: {plural(count, 'item')}, no problems")
    return 0


def _parts(item: Item) -> dict[str, int]:
    from csa_companion.content.model import (
        Practice,
        QuestionBank,
        ReflectionPrompts,
        SessionPlan,
        Survey,
        Tool,
    )

    if isinstance(item, Tool):
        return {"steps": len(item.steps)}
    if isinstance(item, Practice):
        return {"phases": len(item.phases)}
    if isinstance(item, QuestionBank):
        return {"sets": len(item.sets)}
    if isinstance(item, ReflectionPrompts):
        return {"prompts": len(item.questions)}
    if isinstance(item, Survey):
        return {"items": len(item.items)}
    if isinstance(item, SessionPlan):
        return {"blocks": len(item.blocks)}
    return {}


def _content_list(dirs: Sequence[Path], check: str, *, as_json: bool) -> int:
    from csa_companion.content.loader import load_library

    library = load_library(dirs)
    if library.skipped:
        names = ", ".join(str(path) for path in library.skipped)
        say(f"skipped {plural(len(library.skipped), 'broken file')}: {names}; run `{check}`")
    items = sorted(library.items.values(), key=lambda i: (i.kind, i.id))
    if as_json:
        rows = [{"id": i.id, "kind": i.kind, "title": i.title, **_parts(i)} for i in items]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for item in items:
        count = " ".join(f"{n} {unit}" for unit, n in _parts(item).items())
        print(f"{item.id:<32} {item.kind:<10} {count:<10} {item.title}")
    return 0

"""Shell commands for tool worksheets: `worksheet list` and `worksheet export`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.cli.common import Commands, Shell, print_notices, say, write_private
from csa_companion.domain.wording import shown
from csa_companion.errors import CompanionError, UsageError
from csa_companion.storage.repos import WorksheetRepo

if TYPE_CHECKING:
    from csa_companion.content.library import Library
    from csa_companion.domain.worksheet import Worksheet


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    sheets = commands.add_parser("worksheet", help="list or export tool worksheets")
    sheet_cmds = sheets.add_subparsers(dest="worksheet_command", metavar="ACTION", required=True)
    slist = sheet_cmds.add_parser("list", help="list worksheets, most recently changed first")
    slist.add_argument("--tool", help="only worksheets of this tool id")
    slist.add_argument("--json", action="store_true", help="print JSON")
    export = sheet_cmds.add_parser("export", help="print or save a worksheet as Markdown")
    export.add_argument("id", help="the worksheet id (or its first characters)")
    export.add_argument("--out", type=Path, help="write to this file instead of printing")


def run(args: argparse.Namespace, shell: Shell) -> int:
    from csa_companion.content.loader import load_library  # not needed by journal commands

    with shell.stores() as stores:
        sheets = WorksheetRepo(stores["worksheets"])
        print_notices(stores)
        if args.worksheet_command == "list":
            return _worksheet_list(sheets, load_library(shell.dirs), args)
        return _worksheet_export(sheets, load_library(shell.dirs), args, shell)


def _worksheet_list(repo: WorksheetRepo, library: Library, args: argparse.Namespace) -> int:
    from csa_companion.domain.worksheet import status_words

    sheets = repo.all(args.tool)
    if args.tool is not None and not sheets and args.tool not in {t.id for t in library.tools}:
        tools = ", ".join(tool.id for tool in library.tools)
        raise UsageError(f"there is no tool {args.tool!r}; the tools are: {tools}")
    if args.json:
        docs = [_worksheet_json(w, library) for w in sheets]
        print(json.dumps(docs, indent=2, ensure_ascii=False))
        return 0
    # Group worksheets (typed on a shared screen) are listed apart, after the person's own.
    for group in (False, True):
        mine = [w for w in sheets if w.group is group]
        if group and mine:
            print("group worksheets:")
        for sheet in mine:
            tool = library.get(sheet.tool_id)
            name = tool.title if tool else f"{sheet.tool_id} (not in your content)"
            when = f"{sheet.updated:%Y-%m-%d %H:%M}"
            status = status_words(sheet.status)
            print(f"{sheet.uid}  {when}  {status:<8}  {shown(sheet.title)}  [{name}]")
    if not sheets:
        say("no worksheets" + (f" for {args.tool}" if args.tool else ""))
    return 0


def _worksheet_json(sheet: Worksheet, library: Library) -> dict[str, object]:
    """A worksheet as stored (`answers` exactly as kept: nothing is reshaped or lost), plus
    `choices`: each answered choice step taken apart into {"choice", "words"}, which only the
    tool's content can do (a worksheet whose tool is not loaded has none)."""
    from csa_companion.content.model import Tool
    from csa_companion.domain.worksheet import split_choice

    doc: dict[str, object] = sheet.to_doc()
    tool = library.get(sheet.tool_id)
    if isinstance(tool, Tool):
        parts = {
            step.id: split_choice(step, sheet.answer(step.id))
            for step in tool.steps
            if step.choices and sheet.answer(step.id)
        }
        if parts:
            doc["choices"] = {k: {"choice": c, "words": w} for k, (c, w) in parts.items()}
    return doc


def _worksheet_export(
    repo: WorksheetRepo, library: Library, args: argparse.Namespace, shell: Shell
) -> int:
    if not args.id.strip():  # '' starts every id: it would name them all
        raise UsageError("give a worksheet id; `worksheet list` shows them")
    matches = repo.find(args.id)
    if len(matches) != 1:
        problem = "no worksheet has" if not matches else f"{len(matches)} worksheets have"
        raise CompanionError(f"{problem} an id starting with {args.id!r}")
    from csa_companion.content.model import Tool

    sheet = matches[0]
    tool = library.get(sheet.tool_id)
    if not isinstance(tool, Tool):
        raise CompanionError(
            f"the tool {sheet.tool_id!r} is not in your content; "
            "add it back (or use `worksheet list --json` to see the raw answers)"
        )
    from csa_companion.domain.export import worksheet_markdown  # rich is only needed here

    text = worksheet_markdown(tool, sheet)
    if args.out is None:
        print(text, end="")
        return 0
    write_private(args.out, text)
    from csa_companion.transfer.actions import plain_note

    print(f"exported to {args.out}{plain_note(shell.paths)}")
    return 0

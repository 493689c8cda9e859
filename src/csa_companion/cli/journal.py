"""Shell commands for the journal: `journal add` (quick capture: it must start fast, so this
module imports only what it needs at the top) and `journal list`."""

from __future__ import annotations

import argparse
import json
import sys

from csa_companion.cli.common import (
    Commands,
    Shell,
    not_utf8,
    positive_int,
    print_notices,
    repaired,
    say,
)
from csa_companion.clock import SystemClock
from csa_companion.domain.journal import JournalEntry, normalise_tag
from csa_companion.errors import UsageError
from csa_companion.platforms import utf8_input
from csa_companion.storage.repos import JournalRepo, WorksheetRepo
from csa_companion.storage.store import Stores


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    journal = commands.add_parser("journal", help="add to or list your journal from the shell")
    journal_cmds = journal.add_subparsers(dest="journal_command", metavar="ACTION", required=True)
    add = journal_cmds.add_parser("add", help="add an entry (text from the argument or stdin)")
    add.add_argument("text", nargs="?", help="the entry's text; '-' or nothing reads stdin")
    add.add_argument("--title", default="", help="a title for the entry")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    jlist = journal_cmds.add_parser("list", help="list entries, newest first")
    jlist.add_argument("--search", default="", help="only entries containing all these words")
    jlist.add_argument("--tag", help="only entries with this tag")
    jlist.add_argument("--limit", type=positive_int, help="at most N entries")
    jlist.add_argument("--json", action="store_true", help="print JSON")
    jlist.add_argument(
        "--on-this-day",
        action="store_true",
        help="entries and worksheets from about a week, a month and a year ago",
    )


def run(args: argparse.Namespace, shell: Shell) -> int:
    with shell.stores() as stores:
        if args.journal_command == "add":
            return _journal_add(stores, args)
        repo = JournalRepo(stores["journal"])
        print_notices(stores)
        if args.on_this_day:
            from csa_companion.cli.rhythm import on_this_day

            return on_this_day(repo, WorksheetRepo(stores["worksheets"]), as_json=args.json)
        entries = _journal_list(repo, args)
        print_notices(stores)  # what reading the months found (a month recovered, say)
        return _print_entries(entries, args)


def _journal_add(stores: Stores, args: argparse.Namespace) -> int:
    text = args.text
    if text in (None, "-"):
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("give the entry's text, or pipe it in")
        utf8_input(sys.stdin)  # bad bytes are repaired below
        text = sys.stdin.read()
        if not_utf8(text):  # kept with U+FFFD, as for arguments (see _check_text)
            text = repaired(text)
            args.not_utf8.insert(0, "the text")
    if not text.strip():
        raise UsageError("the entry is empty; nothing was added")
    for raw in args.tag:
        if not normalise_tag(raw):  # named, so that no word the user typed goes unmentioned
            say(f"left out the tag {raw!r}: a tag needs a letter or a digit")
    tags = tuple(dict.fromkeys(t for t in (normalise_tag(raw) for raw in args.tag) if t))
    entry = JournalEntry.new(text.strip("\n"), SystemClock().now(), title=args.title, tags=tags)
    from csa_companion.storage.documents import too_large

    if why := too_large(entry.to_doc()):
        raise UsageError(f"the entry cannot be added: {why}; nothing was added")
    repo = JournalRepo(stores["journal"])
    print_notices(stores)
    repo.add(entry)
    print(f"added {entry.uid}: {entry.display_title}")
    return 0


def _journal_list(repo: JournalRepo, args: argparse.Namespace) -> list[JournalEntry]:
    tag = normalise_tag(args.tag) if args.tag is not None else None
    if tag == "":  # it would match nothing, and "the journal is empty" would follow
        raise UsageError(f"{args.tag!r} is no tag: a tag needs a letter or a digit")
    if args.limit is not None and not args.search and tag is None:
        return repo.recent(args.limit)  # the newest months only, not the whole journal
    return repo.search(args.search, tag)[: args.limit]  # month by month


def _print_entries(entries: list[JournalEntry], args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps([e.to_doc() for e in entries], indent=2, ensure_ascii=False))
        return 0
    for entry in entries:
        tags = " ".join(f"#{t}" for t in entry.tags)
        star = "*" if entry.starred else " "
        when = f"{entry.created:%Y-%m-%d %H:%M}"
        print(f"{entry.uid}  {when} {star} {entry.display_title}  {tags}".rstrip())
    if not entries:
        say("no entries match" if (args.search or args.tag) else "the journal is empty")
    return 0

"""The command line, and the only place that wires the pieces together (make_app).

Shell commands (journal add, content check, ...) never import Textual, so they start fast.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion import __version__, cli_rhythm
from csa_companion.clock import Clock, SystemClock
from csa_companion.domain.journal import JournalEntry, filter_entries, normalise_tag
from csa_companion.domain.wording import plural
from csa_companion.errors import CompanionError
from csa_companion.paths import DataPaths, bundled_content_dir, default_data_dir
from csa_companion.storage.repos import JournalRepo, WorksheetRepo
from csa_companion.storage.store import Stores

if TYPE_CHECKING:
    from csa_companion.app import CompanionApp
    from csa_companion.content.model import Item, Library
    from csa_companion.services import PresentTarget

# Only what `journal add` needs is imported at the top: each shell command imports the rest
# (content, export, Textual) when it runs, so quick capture starts fast.


def content_dirs(paths: DataPaths, extra: Sequence[Path] = ()) -> list[Path]:
    """Bundled content, then the user's content folder, then --content folders (later wins)."""
    return [bundled_content_dir(), paths.user_content, *extra]


def make_app(
    *,
    data_dir: Path,
    content_dirs: Sequence[Path],
    clock: Clock | None = None,
    lock_timeout: float = 5.0,
    refresh_seconds: float = 2.0,
    present: PresentTarget | None = None,
) -> CompanionApp:
    """Build the app on a data dir and content folders; tests call this with a tmp_path.

    With `present`, the app is a presentation for a shared screen: its personal stores are an
    empty folder removed at exit, so nothing personal can be shown."""
    from csa_companion.app import CompanionApp  # Textual is imported only to run the app
    from csa_companion.content.loader import load_library

    # Start-up makes many long-lived objects (the stored data, the widgets): collecting garbage
    # among them only costs time. The app turns collection back on once its first frame is up.
    gc.disable()
    stores = Stores(DataPaths(data_dir), lock_timeout=lock_timeout)
    try:
        stores["journal"]  # open now, so a locked or too-new store stops us before the UI starts
    except BaseException:
        gc.enable()
        raise
    library = load_library(content_dirs)
    return CompanionApp(
        stores=stores,
        library=library,
        clock=clock or SystemClock(),
        refresh_seconds=refresh_seconds,
        present=present,
        blank=_blank_stores() if present is not None else None,
    )


def _blank_stores() -> Stores:
    """Empty stores in a temporary folder, removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="csa-companion-present-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Stores(DataPaths(folder))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csa-companion",
        description="An offline learning companion for the Compassionate Systems framework. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"csa-companion {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where your journal and worksheets are kept (default: $CSA_COMPANION_DATA_DIR, "
        "else your platform's user data folder)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of content files that add to or replace the bundled ones (repeatable)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="open the app (the default)")
    commands.add_parser("where", help="print where your data and your own content live")

    present = commands.add_parser(
        "present", help="a shared screen for a group: a practice, or a tool walked together"
    )
    present_cmds = present.add_subparsers(dest="present_command", metavar="WHAT", required=True)
    present_practice = present_cmds.add_parser("practice", help="run a practice full screen")
    present_practice.add_argument("id", nargs="?", help="the practice (default: pick from a list)")
    present_tool = present_cmds.add_parser(
        "tool", help="walk a group through a tool; saved as a group worksheet"
    )
    present_tool.add_argument("id", help="the tool, e.g. iceberg")

    serve = commands.add_parser(
        "serve", help="the presentation in a web browser (to share a tab in a video call)"
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument("--port", type=_positive_int, default=8642, help="(default: %(default)s)")
    what = serve.add_mutually_exclusive_group()
    what.add_argument("--practice", metavar="ID", help="present this practice")
    what.add_argument("--tool", metavar="ID", help="walk a group through this tool")
    what.add_argument("--app", action="store_true", help="the whole app, personal data included")

    content = commands.add_parser("content", help="check or list teaching content")
    content_cmds = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = content_cmds.add_parser("check", help="validate content files; exit 1 on any problem")
    check.add_argument("dir", nargs="?", type=Path, help="check only this folder")
    listing = content_cmds.add_parser("list", help="list content items")
    listing.add_argument("--json", action="store_true", help="print JSON")

    sheets = commands.add_parser("worksheet", help="list or export tool worksheets")
    sheet_cmds = sheets.add_subparsers(dest="worksheet_command", metavar="ACTION", required=True)
    slist = sheet_cmds.add_parser("list", help="list worksheets, most recently changed first")
    slist.add_argument("--tool", help="only worksheets of this tool id")
    slist.add_argument("--json", action="store_true", help="print JSON")
    export = sheet_cmds.add_parser("export", help="print or save a worksheet as Markdown")
    export.add_argument("id", help="the worksheet id (or its first characters)")
    export.add_argument("--out", type=Path, help="write to this file instead of printing")

    journal = commands.add_parser("journal", help="add to or list your journal from the shell")
    journal_cmds = journal.add_subparsers(dest="journal_command", metavar="ACTION", required=True)
    add = journal_cmds.add_parser("add", help="add an entry (text from the argument or stdin)")
    add.add_argument("text", nargs="?", help="the entry's text; '-' or nothing reads stdin")
    add.add_argument("--title", default="", help="a title for the entry")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    jlist = journal_cmds.add_parser("list", help="list entries, newest first")
    jlist.add_argument("--search", default="", help="only entries containing all these words")
    jlist.add_argument("--tag", help="only entries with this tag")
    jlist.add_argument("--limit", type=_positive_int, help="at most N entries")
    jlist.add_argument("--json", action="store_true", help="print JSON")
    jlist.add_argument(
        "--on-this-day",
        action="store_true",
        help="entries and worksheets from about a week, a month and a year ago",
    )
    cli_rhythm.add_parsers(commands)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    paths = DataPaths(args.data_dir or default_data_dir())
    for folder in args.content:
        if not folder.is_dir():
            print(f"csa-companion: --content {folder}: no such folder", file=sys.stderr)
            return 2
    try:
        return _dispatch(args, paths)
    except CompanionError as error:
        print(f"csa-companion: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, paths: DataPaths) -> int:
    dirs = content_dirs(paths, args.content)
    if args.command in (None, "run"):
        app = make_app(data_dir=paths.root, content_dirs=dirs)
        app.run()
        return app.return_code or 0
    if args.command == "where":
        return _where(paths)
    if args.command == "present":
        return _present(args, paths, dirs)
    if args.command == "serve":
        return _serve(args, paths, dirs)
    if args.command in cli_rhythm.COMMANDS:
        return cli_rhythm.dispatch(args, paths, dirs)
    stores = Stores(paths)
    try:
        return _store_command(args, dirs, stores)
    finally:
        _print_notices(stores)  # also those found while reading (documents set aside)


def _store_command(args: argparse.Namespace, dirs: list[Path], stores: Stores) -> int:
    if args.command == "journal":
        repo = JournalRepo(stores["journal"])
        _print_notices(stores)
        if args.journal_command == "add":
            return _journal_add(repo, args)
        if args.on_this_day:
            return cli_rhythm.on_this_day(
                repo, WorksheetRepo(stores["worksheets"]), as_json=args.json
            )
        return _journal_list(repo, args)
    from csa_companion.content.loader import load_library  # not needed by journal commands

    if args.command == "content":
        if args.content_command == "check":
            if args.dir is not None and not args.dir.is_dir():
                print(f"csa-companion: {args.dir}: no such folder", file=sys.stderr)
                return 2
            return _content_check([args.dir] if args.dir else dirs)
        return _content_list(load_library(dirs), as_json=args.json)
    sheets = WorksheetRepo(stores["worksheets"])
    _print_notices(stores)
    if args.worksheet_command == "list":
        return _worksheet_list(sheets, load_library(dirs), args)
    return _worksheet_export(sheets, load_library(dirs), args)


def _present(args: argparse.Namespace, paths: DataPaths, dirs: Sequence[Path]) -> int:
    from csa_companion.content.loader import load_library
    from csa_companion.services import PresentTarget, check_target

    target = PresentTarget(args.present_command, args.id)
    problem = check_target(load_library(dirs), target)
    if problem is not None:
        print(f"csa-companion: {problem}", file=sys.stderr)
        return 2
    app = make_app(data_dir=paths.root, content_dirs=dirs, present=target)
    app.run()
    return app.return_code or 0


def _serve(args: argparse.Namespace, paths: DataPaths, dirs: Sequence[Path]) -> int:
    from csa_companion.content.loader import load_library
    from csa_companion.serve import app_command, serve
    from csa_companion.services import PresentTarget, check_target

    present: list[str] | None = None
    if not args.app:
        kind, item_id = ("tool", args.tool) if args.tool else ("practice", args.practice)
        problem = check_target(load_library(dirs), PresentTarget(kind, item_id))
        if problem is not None:
            print(f"csa-companion: {problem}", file=sys.stderr)
            return 2
        present = [kind, *([item_id] if item_id else [])]
    return serve(app_command(paths.root, args.content, present), args.host, args.port)


def _print_notices(stores: Stores) -> None:
    for notice in stores.take_notices():
        print(f"csa-companion: {notice}", file=sys.stderr)


def _worksheet_list(repo: WorksheetRepo, library: Library, args: argparse.Namespace) -> int:
    sheets = repo.all(args.tool)
    if args.json:
        print(json.dumps([w.to_doc() for w in sheets], indent=2, ensure_ascii=False))
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
            print(f"{sheet.uid}  {when}  {sheet.status:<8}  {sheet.title}  [{name}]")
    if not sheets:
        print("no worksheets" + (f" for {args.tool}" if args.tool else ""), file=sys.stderr)
    return 0


def _worksheet_export(repo: WorksheetRepo, library: Library, args: argparse.Namespace) -> int:
    matches = repo.find(args.id)
    if len(matches) != 1:
        problem = "no worksheet has" if not matches else f"{len(matches)} worksheets have"
        print(f"csa-companion: {problem} an id starting with {args.id!r}", file=sys.stderr)
        return 1
    from csa_companion.content.model import Tool

    sheet = matches[0]
    tool = library.get(sheet.tool_id)
    if not isinstance(tool, Tool):
        print(
            f"csa-companion: the tool {sheet.tool_id!r} is not in your content; "
            "add it back (or use `worksheet list --json` to see the raw answers)",
            file=sys.stderr,
        )
        return 1
    from csa_companion.domain.export import worksheet_markdown  # rich is only needed here

    text = worksheet_markdown(tool, sheet)
    if args.out is None:
        print(text, end="")
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"csa-companion: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"exported to {args.out}")
    return 0


def _where(paths: DataPaths) -> int:
    rows = [("data dir:", paths.root)]
    for name in (*Stores.NAMES, *cli_rhythm.NAMES):
        file = paths.store_file(name)
        rows += [(f"{name} file:", file), ("  backup:", file.with_name(file.name + ".bak"))]
    rows.append(("your content:", paths.user_content))
    width = max(len(label) for label, _ in rows) + 1  # at least one space after every label
    for label, path in rows:
        print(f"{label:<{width}}{path}")
    return 0


def _content_check(dirs: Sequence[Path]) -> int:
    from csa_companion.content.loader import check_links, load_library

    library = load_library(dirs)
    library.problems.extend(check_links(library))
    for problem in library.problems:
        print(problem)
    count = len(library.items)
    if library.problems:
        problems = plural(len(library.problems), "problem")
        print(f"{problems}; {plural(count, 'item')} loaded", file=sys.stderr)
        return 1
    print(f"ok: {plural(count, 'item')}, no problems")
    return 0


def _parts(item: Item) -> dict[str, int]:
    from csa_companion.content.model import Practice, QuestionBank, Tool

    if isinstance(item, Tool):
        return {"steps": len(item.steps)}
    if isinstance(item, Practice):
        return {"phases": len(item.phases)}
    if isinstance(item, QuestionBank):
        return {"sets": len(item.sets)}
    return {}


def _content_list(library: Library, *, as_json: bool) -> int:
    items = sorted(library.items.values(), key=lambda i: (i.kind, i.id))
    if as_json:
        rows = [{"id": i.id, "kind": i.kind, "title": i.title, **_parts(i)} for i in items]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for item in items:
        count = " ".join(f"{n} {unit}" for unit, n in _parts(item).items())
        print(f"{item.id:<32} {item.kind:<9} {count:<10} {item.title}")
    return 0


def _journal_add(repo: JournalRepo, args: argparse.Namespace) -> int:
    text = args.text
    if text in (None, "-"):
        if sys.stdin is None or sys.stdin.isatty():
            print("csa-companion: give the entry's text, or pipe it in", file=sys.stderr)
            return 2
        text = sys.stdin.read()
    if not text.strip():
        print("csa-companion: the entry is empty; nothing was added", file=sys.stderr)
        return 2
    tags = tuple(dict.fromkeys(t for t in (normalise_tag(raw) for raw in args.tag) if t))
    entry = JournalEntry.new(text.strip("\n"), SystemClock().now(), title=args.title, tags=tags)
    repo.add(entry)
    print(f"added {entry.uid}: {entry.display_title}")
    return 0


def _journal_list(repo: JournalRepo, args: argparse.Namespace) -> int:
    tag = normalise_tag(args.tag) if args.tag else None
    entries = filter_entries(repo.all(), args.search, tag)[: args.limit]
    if args.json:
        print(json.dumps([e.to_doc() for e in entries], indent=2, ensure_ascii=False))
        return 0
    for entry in entries:
        tags = " ".join(f"#{t}" for t in entry.tags)
        star = "*" if entry.starred else " "
        when = f"{entry.created:%Y-%m-%d %H:%M}"
        print(f"{entry.uid}  {when} {star} {entry.display_title}  {tags}".rstrip())
    if not entries:
        print(
            "no entries match" if (args.search or tag) else "the journal is empty", file=sys.stderr
        )
    return 0

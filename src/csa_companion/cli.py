"""The command line, and the only place that wires the pieces together (make_app).

Shell commands (journal add, content check, ...) never import Textual, so they start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion import __version__, cli_crypto, cli_data, cli_rhythm
from csa_companion.clock import Clock, SystemClock
from csa_companion.domain.journal import JournalEntry, filter_entries, normalise_tag
from csa_companion.domain.wording import plural, shown
from csa_companion.errors import CompanionError, UsageError
from csa_companion.paths import DATA_DIR_ENV, DataPaths, bundled_content_dir, default_data_dir
from csa_companion.storage.encryption import KEY_FILE, read_key
from csa_companion.storage.repos import JournalRepo, WorksheetRepo
from csa_companion.storage.store import Stores

if TYPE_CHECKING:
    from csa_companion.app import CompanionApp
    from csa_companion.content.model import Item, Library
    from csa_companion.domain.worksheet import Worksheet
    from csa_companion.services import PresentTarget
    from csa_companion.storage.crypto import Cipher

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
    daily_backup: bool = False,
    cipher: Cipher | None = None,
) -> CompanionApp:
    """Build the app on a data dir and content folders; tests call this with a tmp_path.

    With `present`, the app is a presentation for a shared screen: its personal stores are an
    empty folder removed at exit, so nothing personal can be shown. With `daily_backup`, the
    first start of each day takes a snapshot (in a thread, once the first frame is up). On an
    encrypted data folder the app asks for the passphrase first, unless `cipher` (the unlocked
    key) is given."""
    from csa_companion.app import CompanionApp  # Textual is imported only to run the app
    from csa_companion.content.loader import load_library

    # Start-up makes many long-lived objects (the stored data, the widgets): collecting garbage
    # among them only costs time. The app turns collection back on once its first frame is up.
    gc.disable()
    paths = DataPaths(data_dir)
    clock = clock or SystemClock()
    sink = None
    try:
        key_record = read_key(paths)
        stores = Stores(paths, lock_timeout=lock_timeout, cipher=cipher)
        if present is not None and key_record is not None and cipher is None:
            # A presentation never asks for the passphrase: it opens nothing encrypted, and
            # what it saves is sealed for the owner (NoOwnerKey before the first unlock).
            from csa_companion.storage.inbox import PresentationSink

            sink = PresentationSink.open(paths, clock.now)
        # Open now, so a locked or too-new store stops us before the UI starts (a presentation
        # opens only what it uses: it never reads the journal). An encrypted folder is opened
        # once the app has asked for the passphrase.
        elif key_record is None or cipher is not None:
            stores["settings" if present is not None else "journal"]
    except BaseException:
        gc.enable()
        raise
    library = load_library(content_dirs)
    own = {bundled_content_dir(), stores.paths.user_content}
    return CompanionApp(
        stores=stores,
        library=library,
        clock=clock,
        refresh_seconds=refresh_seconds,
        present=present,
        blank=_blank_stores() if present is not None else None,
        check_command=check_command(data_dir, [d for d in content_dirs if d not in own]),
        daily_backup=daily_backup,
        key_record=key_record,
        sink=sink,
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
    serve.add_argument("--port", type=_port, default=8642, help="(default: %(default)s)")
    what = serve.add_mutually_exclusive_group()
    what.add_argument("--practice", metavar="ID", help="present this practice")
    what.add_argument("--tool", metavar="ID", help="walk a group through this tool")
    what.add_argument("--app", action="store_true", help="the whole app, personal data included")

    content = commands.add_parser("content", help="check or list teaching content")
    content_cmds = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = content_cmds.add_parser(
        "check", help="validate the content the app loads; exit 1 on any problem"
    )
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
    cli_data.add_parsers(commands)
    cli_crypto.add_parsers(commands)
    _global_options(parser)
    return parser


def _global_options(parser: argparse.ArgumentParser, level: int = 0) -> None:
    """Add --data-dir and --content to the parser and to every (sub)command below it, so that
    they are accepted anywhere on the line.

    Each level keeps them under its own names (argparse copies a subcommand's values over its
    parent's), and `_merged_globals` combines them: the last --data-dir wins, every --content
    counts.
    """
    suffix = f"_{level}" if level else ""
    parser.add_argument(
        "--data-dir",
        dest=f"data_dir{suffix}",
        type=Path,
        metavar="DIR",
        default=None if level == 0 else argparse.SUPPRESS,
        help="where your journal and worksheets are kept (default: $CSA_COMPANION_DATA_DIR, "
        "else your platform's user data folder)",
    )
    parser.add_argument(
        "--content",
        dest=f"content{suffix}",
        type=Path,
        action="append",
        metavar="DIR",
        default=[] if level == 0 else argparse.SUPPRESS,
        help="a folder of content files that add to or replace the bundled ones (repeatable)",
    )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in {id(p): p for p in action.choices.values()}.values():
                _global_options(sub, level + 1)


def _merged_globals(args: argparse.Namespace) -> tuple[Path | None, list[Path]]:
    """The --data-dir and --content values, wherever they were given."""
    suffixes = {
        key.rpartition("_")[2] for key in vars(args) if key.startswith(("data_dir_", "content_"))
    }
    levels = ["", *(f"_{n}" for n in sorted(int(s) for s in suffixes if s.isdecimal()))]
    data_dirs = [getattr(args, f"data_dir{level}", None) for level in levels]
    data_dir = next((d for d in reversed(data_dirs) if d is not None), None)
    content = [folder for level in levels for folder in getattr(args, f"content{level}", [])]
    return data_dir, content


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:  # bind() would fail with OverflowError
        raise argparse.ArgumentTypeError("must be 1 to 65535")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. Whatever goes wrong ends in one line on
    stderr (or, for a closed pipe, in silence), never a traceback."""
    try:
        code = _main(argv)
        if sys.stdout is not None:
            sys.stdout.flush()  # a closed pipe or a full disk shows here, not at exit
        return code
    except BrokenPipeError:
        # The reader went away (`| head -1`): stop quietly, as Unix tools do, with the status
        # a shell reports for a process ended by SIGPIPE (128 + 13).
        _discard_output()
        return 141
    except CompanionError as error:
        _say(str(error))
        return error.exit_code
    except OSError as error:
        # The store and the content loader explain their own OSErrors; one without a file
        # name here came from writing our output (a full disk, a closed stdout).
        if error.filename is None:
            _say(f"cannot write the output: {error.strerror or error}")
        else:
            _say(f"{error.filename}: {error.strerror or error}")
        return 1
    except KeyboardInterrupt:
        return 130


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    data_dir, extra_content = _merged_globals(args)
    paths = DataPaths(data_dir or default_data_dir())
    for folder in extra_content:
        if not folder.is_dir():
            raise UsageError(f"--content {folder}: no such folder")
    if args.command not in (None, "run", "present", "serve"):  # these hand the terminal over
        _guard_stdio()
    problem = paths.problem()
    if problem is not None:
        if args.command == "where":
            _where(paths, problem)
        raise UsageError(f"{problem}; give --data-dir a folder (or set {DATA_DIR_ENV})")
    args.not_utf8 = _check_text(args)
    _check_out(getattr(args, "out", None), paths)
    code = _dispatch(args, paths, extra_content)
    if code == 0 and args.not_utf8:
        _say(
            f"{' and '.join(args.not_utf8)} had bytes that are not UTF-8: each was saved as \ufffd"
        )
    return code


def _check_out(out: Path | None, paths: DataPaths) -> None:
    """Refuse an --out that would replace the data folder or a file in it."""
    if out is not None and paths.would_replace_data(out):
        raise UsageError(
            f"{out} is in the data folder, where it could replace your data; write it "
            f"somewhere else (such as {paths.root / 'exports'})"
        )


def _say(message: str) -> None:
    """One line on stderr."""
    with contextlib.suppress(OSError):
        print(f"csa-companion: {message}", file=sys.stderr)


def _discard_output() -> None:
    """Point stdout at /dev/null, so that flushing what is left at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class _ClosedOutput(io.TextIOBase):
    """Stands in for a closed stdout (`>&-`), where Python would drop output silently: the
    first write fails as it does for other Unix tools."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _guard_stdio() -> None:
    """Shell commands: fail on a closed stdout; write file names that are not UTF-8 back as
    the bytes they came from instead of failing on them."""
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    elif isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="surrogateescape")


def _dispatch(args: argparse.Namespace, paths: DataPaths, extra_content: list[Path]) -> int:
    dirs = content_dirs(paths, extra_content)
    if args.command in (None, "run"):
        app = make_app(data_dir=paths.root, content_dirs=dirs, daily_backup=True)
        app.run()
        return app.return_code or 0
    if args.command == "where":
        return _where(paths)
    if args.command == "present":
        return _present(args, paths, dirs)
    if args.command == "serve":
        return _serve(args, paths, dirs, extra_content)
    if args.command in cli_crypto.COMMANDS:
        return cli_crypto.dispatch(args, paths)
    if args.command in (*cli_rhythm.COMMANDS, *cli_data.COMMANDS):
        stores = _stores(paths)
        try:
            if args.command in cli_data.COMMANDS:
                return cli_data.dispatch(args, stores, dirs)
            return cli_rhythm.dispatch(args, stores, dirs)
        finally:
            _print_notices(stores)  # also those found while reading (documents set aside)
    if args.command == "content":
        if args.content_command == "check":
            if args.dir is not None and not args.dir.is_dir():
                raise UsageError(f"{args.dir}: no such folder")
            return _content_check([args.dir] if args.dir else dirs, explicit=args.dir is not None)
        return _content_list(dirs, check_command(paths.root, extra_content), as_json=args.json)
    stores = _stores(paths)
    try:
        return _store_command(args, dirs, stores)
    finally:
        _print_notices(stores)  # also those found while reading (documents set aside)


def _stores(paths: DataPaths) -> Stores:
    """The stores for a shell command; on an encrypted folder, after asking the passphrase
    (what presentations saved meanwhile then joins the data: storage/inbox.py)."""
    stores = Stores(paths, cipher=cli_crypto.unlock(paths))
    if stores.cipher is not None:
        from csa_companion.storage.inbox import join_inbox

        stores.notices += join_inbox(stores)
    return stores


def _store_command(args: argparse.Namespace, dirs: list[Path], stores: Stores) -> int:
    if args.command == "journal":
        if args.journal_command == "add":
            return _journal_add(stores, args)
        repo = JournalRepo(stores["journal"])
        _print_notices(stores)
        if args.on_this_day:
            return cli_rhythm.on_this_day(
                repo, WorksheetRepo(stores["worksheets"]), as_json=args.json
            )
        return _journal_list(repo, args)
    from csa_companion.content.loader import load_library  # not needed by journal commands

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
        raise UsageError(problem)
    app = make_app(data_dir=paths.root, content_dirs=dirs, present=target)
    app.run()
    return app.return_code or 0


def _serve(
    args: argparse.Namespace, paths: DataPaths, dirs: Sequence[Path], extra_content: list[Path]
) -> int:
    from csa_companion.content.loader import load_library
    from csa_companion.serve import app_command, serve
    from csa_companion.services import PresentTarget, check_target

    present: list[str] | None = None
    if not args.app and read_key(paths) is not None:
        from csa_companion.storage.inbox import PresentationSink

        PresentationSink.open(paths)  # before the first browser asks: NoOwnerKey if no unlock yet
    if not args.app:
        kind, item_id = ("tool", args.tool) if args.tool else ("practice", args.practice)
        problem = check_target(load_library(dirs), PresentTarget(kind, item_id))
        if problem is not None:
            raise UsageError(problem)
        present = [kind, *([item_id] if item_id else [])]
    return serve(app_command(paths.root, extra_content, present), args.host, args.port)


def _not_utf8(text: str) -> bool:
    """True if the text holds bytes that were not UTF-8 (Python keeps them as lone
    surrogates, which the store's JSON cannot hold)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _repaired(text: str) -> str:
    """The text with each byte that is not UTF-8 (a lone surrogate) replaced by U+FFFD."""
    if not _not_utf8(text):
        return text
    try:  # bytes from the command line or stdin come back as they were
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates from elsewhere: each becomes U+FFFD too
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


# Arguments whose text is saved, as the user names them; every other text argument is used to
# look something up (a tool, an id, a search).
SAVED_TEXT = {"text": "the text", "title": "the title", "tag": "a tag", "code": "the code"}
POSITIONAL = {"id": "the id", "month": "the month", "practice": "the practice"}


def _check_text(args: argparse.Namespace) -> list[str]:
    """Text arguments holding bytes that are not UTF-8: text to be saved keeps U+FFFD for
    each bad byte (the rest of what was written is not lost; the names of what was repaired
    are returned, to tell the user); text used to look something up is refused, as a guess
    would find nothing, or the wrong thing."""
    repaired = []
    lookup_tag = args.command == "journal" and args.journal_command == "list"
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if not any(isinstance(v, str) and _not_utf8(v) for v in values):
            continue
        if name not in SAVED_TEXT or (name == "tag" and lookup_tag):
            shown = POSITIONAL.get(name, f"--{name.replace('_', '-')}")
            raise UsageError(f"{shown} is not valid UTF-8 text; nothing was looked up")
        fixed = [_repaired(v) for v in values]
        setattr(args, name, fixed if isinstance(value, list) else fixed[0])
        repaired.append(SAVED_TEXT[name])
    return repaired


def _print_notices(stores: Stores) -> None:
    for notice in stores.take_notices():
        _say(notice)


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
        _say("no worksheets" + (f" for {args.tool}" if args.tool else ""))
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


def _worksheet_export(repo: WorksheetRepo, library: Library, args: argparse.Namespace) -> int:
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
    print(f"exported to {args.out}")
    return 0


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, all at once (private_files.write_private), and
    turn a failure into one clear line."""
    from csa_companion import private_files

    try:
        private_files.write_private(path, text)
    except OSError as error:
        raise CompanionError(f"cannot write {path}: {error.strerror or error}") from None


def _where(paths: DataPaths, problem: str | None = None) -> int:
    note = f"  (not usable: {problem})" if problem else ""
    rows: list[tuple[str, object]] = [("data dir:", f"{paths.root}{note}")]
    for name in (*Stores.NAMES, *cli_rhythm.NAMES):
        file = paths.store_file(name)
        rows += [(f"{name} file:", file), ("  backup:", file.with_name(file.name + ".bak"))]
    rows += [
        ("shared with me:", paths.store_file("shared")),
        ("snapshots:", paths.backups),
    ]
    key = paths.root / KEY_FILE
    on = "on" if problem is None and key.exists() else "off"
    rows.append(("key file:", f"{key}  (encryption {on})"))
    rows.append(("your content:", paths.user_content))
    width = max(len(label) for label, _ in rows) + 1  # at least one space after every label
    for label, path in rows:
        print(f"{label:<{width}}{path}")
    return 0


def check_command(data_dir: Path, extra_content: Sequence[Path]) -> str:
    """The `content check` command that checks what an app on these folders loads."""
    import shlex

    words = ["csa-companion"]
    if data_dir != default_data_dir():
        words += ["--data-dir", str(data_dir)]
    for folder in extra_content:
        words += ["--content", str(folder)]
    return shlex.join([*words, "content", "check"])


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
        _say(f"{plural(len(library.problems), 'problem')}; {plural(count, 'item')} loaded")
        return 1
    print(f"ok: {plural(count, 'item')}, no problems")
    return 0


def _parts(item: Item) -> dict[str, int]:
    from csa_companion.content.model import Practice, QuestionBank, ReflectionPrompts, Survey, Tool

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
    return {}


def _content_list(dirs: Sequence[Path], check: str, *, as_json: bool) -> int:
    from csa_companion.content.loader import load_library

    library = load_library(dirs)
    if library.skipped:
        names = ", ".join(str(path) for path in library.skipped)
        _say(f"skipped {plural(len(library.skipped), 'broken file')}: {names}; run `{check}`")
    items = sorted(library.items.values(), key=lambda i: (i.kind, i.id))
    if as_json:
        rows = [{"id": i.id, "kind": i.kind, "title": i.title, **_parts(i)} for i in items]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for item in items:
        count = " ".join(f"{n} {unit}" for unit, n in _parts(item).items())
        print(f"{item.id:<32} {item.kind:<10} {count:<10} {item.title}")
    return 0


def _journal_add(stores: Stores, args: argparse.Namespace) -> int:
    text = args.text
    if text in (None, "-"):
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("give the entry's text, or pipe it in")
        if isinstance(sys.stdin, io.TextIOWrapper) and sys.stdin.errors != "surrogateescape":
            sys.stdin.reconfigure(errors="surrogateescape")  # bad bytes are repaired below
        text = sys.stdin.read()
        if _not_utf8(text):  # kept with U+FFFD, as for arguments (see _check_text)
            text = _repaired(text)
            args.not_utf8.insert(0, "the text")
    if not text.strip():
        raise UsageError("the entry is empty; nothing was added")
    for raw in args.tag:
        if not normalise_tag(raw):  # named, so that no word the user typed goes unmentioned
            _say(f"left out the tag {raw!r}: a tag needs a letter or a digit")
    tags = tuple(dict.fromkeys(t for t in (normalise_tag(raw) for raw in args.tag) if t))
    entry = JournalEntry.new(text.strip("\n"), SystemClock().now(), title=args.title, tags=tags)
    repo = JournalRepo(stores["journal"])
    _print_notices(stores)
    repo.add(entry)
    print(f"added {entry.uid}: {entry.display_title}")
    return 0


def _journal_list(repo: JournalRepo, args: argparse.Namespace) -> int:
    tag = normalise_tag(args.tag) if args.tag is not None else None
    if tag == "":  # it would match nothing, and "the journal is empty" would follow
        raise UsageError(f"{args.tag!r} is no tag: a tag needs a letter or a digit")
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
        _say("no entries match" if (args.search or tag) else "the journal is empty")
    return 0

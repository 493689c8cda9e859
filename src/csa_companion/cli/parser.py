"""The command line: the parser, `main`, and handing each command to its area's module.

Each command area is a module of this package with `add_parsers(commands)` and
`run(args, shell)`; AREAS names each area's module and the commands it owns, in the order
`--help` shows them. A new area is one line there.

Shell commands (journal add, content check, ...) never import Textual, so they start fast;
and only the area of the command being run is imported and given its parsers (quick capture
must start fast): the whole parser is built for help, --version and errors, so that these
read the same whichever command they are about.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import os
import re
import sys
from collections.abc import Sequence
from functools import partial
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from csa_companion import __version__
from csa_companion.cli.common import Shell, not_utf8, repaired, say
from csa_companion.cli.wiring import content_dirs, make_app
from csa_companion.errors import CompanionError, UsageError
from csa_companion.paths import DATA_DIR_ENV, DataPaths, default_data_dir
from csa_companion.platforms import guard_output
from csa_companion.storage.encryption import KEY_FILE
from csa_companion.storage.store import Stores

AREAS = {  # area (the module cli/<area>.py) -> the commands it owns
    "present": ("present", "serve"),
    "session": ("session",),
    "content": ("content",),
    "worksheet": ("worksheet",),
    "journal": ("journal",),
    "rhythm": ("program", "reflection", "survey"),
    "data": ("export", "import", "backup", "share"),
    "team": ("team",),
    "cohort": ("cohort",),
    "crypto": ("encrypt", "decrypt", "passphrase"),
}
AREA_OF = {command: area for area, commands in AREAS.items() for command in commands}


def area(name: str) -> ModuleType:
    """The module of the command area `name` (a key of AREAS), imported when first asked."""
    return import_module(f"{__package__}.{name}")


class _Parser(argparse.ArgumentParser):
    """argparse's parser, saying what to do when text that begins with '-' was taken for an
    option (`journal add "-5 minutes late"` went wrong without a word on how to write it).
    Every subcommand's parser is one too (argparse makes them of the parent's class)."""

    def error(self, message: str) -> NoReturn:
        super().error(message + _dash_hint(message))


def _dash_hint(message: str) -> str:
    extra = message.partition("unrecognized arguments: ")[2]
    if any(word.startswith("-") for word in extra.split()):
        return (
            "; text that begins with '-' goes after '--', as in "
            "`csa-companion journal add -- '-noted'`"
        )
    if "expected one argument" in message:
        # "argument --search: expected one argument": the example names that option.
        named = re.match(r"argument ([^\s:/]+)", message)
        option = named.group(1) if named and named.group(1).startswith("--") else "--title"
        return (
            "; a value that begins with '-' is joined to its option with '=', as in "
            f"`{option}=-noted`"
        )
    return ""


class _Quick(_Parser):
    """A parser of some commands only: whatever it would print (help, the version, an
    error: argparse prints them all through `_print_message`) or exit for stops it, and the
    whole parser then reads the line again (see `_parse`)."""

    def __init__(self, **kwargs: Any) -> None:
        # Nothing it formats is shown: a width of its own spares asking the terminal's, and
        # importing shutil to ask (~4 ms).
        kwargs["formatter_class"] = partial(argparse.HelpFormatter, width=100)
        super().__init__(**kwargs)

    def _print_message(self, message: str, file: object = None) -> None:
        raise _Whole

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _Whole

    def error(self, message: str) -> NoReturn:
        raise _Whole


class _Whole(Exception):
    """The line needs the whole parser."""


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line read by a parser of only the area its command is in (its first word
    that names a command; none, for the app or `where`): building every area's parsers took
    longer than the rest of `journal add`. Help, --version and errors come from the whole
    parser, as does a line that the quick parser does not read as the whole one would (a
    successful quick reading is the whole parser's: the same options, the same command)."""
    words = list(sys.argv[1:] if argv is None else argv)
    before_dashes = words[: words.index("--")] if "--" in words else words
    command = next((word for word in before_dashes if word in AREA_OF), None)
    try:
        return _parser([AREA_OF[command]] if command else [], quick=True).parse_args(words)
    except _Whole:
        return _parser().parse_args(words)


def _parser(areas: Sequence[str] | None = None, *, quick: bool = False) -> argparse.ArgumentParser:
    """The parser of the areas named (each a key of AREAS; all by default, in their order)."""
    parser = (_Quick if quick else _Parser)(
        prog="csa-companion",
        description="An offline learning companion for the Compassionate Systems framework. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"csa-companion {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="open the app (the default)")
    commands.add_parser("where", help="print where your data and your own content live")
    for name in AREAS if areas is None else areas:
        area(name).add_parsers(commands)
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
        say(str(error))
        return error.exit_code
    except OSError as error:
        # The store and the content loader explain their own OSErrors; one without a file
        # name here came from writing our output (a full disk, a closed stdout).
        if error.filename is None:
            say(f"cannot write the output: {error.strerror or error}")
        else:
            say(f"{error.filename}: {error.strerror or error}")
        return 1
    except KeyboardInterrupt:
        return 130


def _main(argv: Sequence[str] | None) -> int:
    args = _parse(argv)
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
    paths.check_out(getattr(args, "out", None))
    code = _dispatch(args, paths, extra_content)
    if code == 0 and args.not_utf8:
        say(f"{' and '.join(args.not_utf8)} had bytes that are not UTF-8: each was saved as \ufffd")
    return code


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
    the bytes they came from, and characters the output's encoding lacks (a redirect on
    Windows) as '?', instead of failing on them (platforms.guard_output)."""
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    else:
        guard_output(sys.stdout)


def _dispatch(args: argparse.Namespace, paths: DataPaths, extra_content: list[Path]) -> int:
    shell = Shell(paths, content_dirs(paths, extra_content), extra_content)
    if args.command in (None, "run"):
        app = make_app(
            data_dir=paths.root, content_dirs=shell.dirs, daily_backup=True, ask_role=True
        )
        app.run()
        return app.return_code or 0
    if args.command == "where":
        return _where(paths)
    code: int = area(AREA_OF[args.command]).run(args, shell)
    return code


# Arguments whose text is saved, as the user names them; every other text argument is used to
# look something up (a tool, an id, a search).
SAVED_TEXT = {"text": "the text", "title": "the title", "tag": "a tag", "code": "the code"}
POSITIONAL = {
    "id": "the id",
    "month": "the month",
    "practice": "the practice",
    "folder": "the team folder",
}


def _check_text(args: argparse.Namespace) -> list[str]:
    """Text arguments holding bytes that are not UTF-8: text to be saved keeps U+FFFD for
    each bad byte (the rest of what was written is not lost; the names of what was repaired
    are returned, to tell the user); text used to look something up is refused, as a guess
    would find nothing, or the wrong thing."""
    names = []
    lookup_tag = args.command == "journal" and args.journal_command == "list"
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if not any(isinstance(v, str) and not_utf8(v) for v in values):
            continue
        if name not in SAVED_TEXT or (name == "tag" and lookup_tag):
            shown = POSITIONAL.get(name, f"--{name.replace('_', '-')}")
            raise UsageError(f"{shown} is not valid UTF-8 text; nothing was looked up")
        fixed = [repaired(v) for v in values]
        setattr(args, name, fixed if isinstance(value, list) else fixed[0])
        names.append(SAVED_TEXT[name])
    return names


def _where(paths: DataPaths, problem: str | None = None) -> int:
    note = f"  (not usable: {problem})" if problem else ""
    rows: list[tuple[str, object]] = [("data dir:", f"{paths.root}{note}")]
    from csa_companion.cli.rhythm import NAMES as RHYTHM_NAMES

    for name in (*Stores.NAMES, *RHYTHM_NAMES):
        if name == "journal":  # one file per month, each with its backup beside it
            rows.append(("journal:", f"{paths.root / 'journal'}{os.sep}YYYY-MM.json (.bak)"))
            continue
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

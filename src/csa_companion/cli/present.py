"""Shell commands that hand the terminal to a shared screen: `present` (a practice, or a tool
walked together) and `serve` (the presentation, or the whole app, in a web browser)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from csa_companion.cli.common import Commands, Shell, positive_int
from csa_companion.cli.wiring import make_app
from csa_companion.errors import UsageError
from csa_companion.paths import DataPaths
from csa_companion.storage.encryption import read_key


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
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
    present_session = present_cmds.add_parser(
        "session", help="run a learning session: the presenter view, or --audience"
    )
    present_session.add_argument("id", help="orientation, 1 to 4, or a plan id")
    present_session.add_argument(
        "--audience", action="store_true", help="the group's view, following the presenter's run"
    )
    present_session.add_argument(
        "--auto", action="store_true", help="each block starts when the one before ends"
    )
    present_session.add_argument(
        "--start", type=_start, metavar="HH:MM", help="the start time (else the calendar's)"
    )

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
    what.add_argument(
        "--session", metavar="ID", help="the audience view of a session (orientation, 1 to 4)"
    )
    what.add_argument("--app", action="store_true", help="the whole app, personal data included")


def run(args: argparse.Namespace, shell: Shell) -> int:
    if args.command == "present":
        return _present(args, shell.paths, shell.dirs)
    return _serve(args, shell.paths, shell.dirs, shell.extra_content)


def _port(text: str) -> int:
    value = positive_int(text)
    if value > 65535:  # bind() would fail with OverflowError
        raise argparse.ArgumentTypeError("must be 1 to 65535")
    return value


def _start(text: str) -> str:
    from csa_companion.domain.program import CalendarError, parse_time

    try:
        parse_time(text)
    except CalendarError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _present(args: argparse.Namespace, paths: DataPaths, dirs: Sequence[Path]) -> int:
    from csa_companion.content.loader import load_library
    from csa_companion.services import PresentTarget, check_target

    target = PresentTarget(args.present_command, args.id)
    if args.present_command == "session":
        target = PresentTarget(
            "session", args.id, audience=args.audience, auto=args.auto, start=args.start
        )
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
    from csa_companion.services import PresentTarget, check_target
    from csa_companion.web.serve import app_command, serve

    present: list[str] | None = None
    if not args.app and read_key(paths) is not None:
        from csa_companion.storage.inbox import PresentationSink

        PresentationSink.open(paths)  # before the first browser asks: NoOwnerKey if no unlock yet
    if args.session:
        problem = check_target(load_library(dirs), PresentTarget("session", args.session))
        if problem is not None:
            raise UsageError(problem)
        present = ["session", args.session, "--audience"]
    elif not args.app:
        kind, item_id = ("tool", args.tool) if args.tool else ("practice", args.practice)
        problem = check_target(load_library(dirs), PresentTarget(kind, item_id))
        if problem is not None:
            raise UsageError(problem)
        present = [kind, *([item_id] if item_id else [])]
    command = app_command(paths.root, extra_content, present)
    return serve(command, args.host, args.port, whole_app=args.app)

"""Shell commands for the person's data as a whole: export, import, backup, share.

cli/parser.py adds these parsers and hands the parsed arguments here. Every refusal is a
CompanionError (one line on stderr, exit 1 or 2) and changes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from csa_companion.cli.common import Commands, Shell, positive_int
from csa_companion.clock import Clock, SystemClock
from csa_companion.errors import UsageError
from csa_companion.storage.store import Stores


def add_parsers(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add export, import, backup and share to the main parser."""
    export = commands.add_parser("export", help="everything you wrote, as JSON or Markdown")
    export.add_argument("--format", choices=("json", "markdown"), default="json")
    export.add_argument(
        "--out", type=Path, required=True, help="the file (json) or folder (markdown) to write"
    )
    export.add_argument(
        "--encrypt", action="store_true", help="encrypt the JSON file with a passphrase of its own"
    )

    imp = commands.add_parser(
        "import", help="merge an export, a share bundle or a jrnl export into your data"
    )
    imp.add_argument("file", type=Path, help="the file to import")
    imp.add_argument(
        "--from", dest="source", choices=("jrnl",), help="the file is `jrnl --export json` output"
    )
    imp.add_argument(
        "--settings",
        action="store_true",
        help="also apply the settings in the file (snapshots kept, idle lock, theme...)",
    )

    backup = commands.add_parser("backup", help="take, list or restore snapshots of your data")
    backup.add_argument(
        "--keep",
        type=positive_int,
        help="keep this many snapshots from now on (default 10, at least 3)",
    )
    backup_cmds = backup.add_subparsers(dest="backup_command", metavar="ACTION")
    backup_cmds.add_parser("list", help="the snapshots, oldest first")
    restore = backup_cmds.add_parser(
        "restore", help="go back to a snapshot (the current state is kept as a snapshot first)"
    )
    restore.add_argument("name", help="the snapshot's name, as `backup list` shows it")

    share = commands.add_parser(
        "share", help="write chosen worksheets, reflections and entries to a bundle for others"
    )
    share.add_argument("--worksheet", action="append", default=[], metavar="ID")
    share.add_argument("--reflection", action="append", default=[], metavar="YYYY-MM")
    share.add_argument("--entry", action="append", default=[], metavar="ID")
    share.add_argument("--name", help="the name others will see (remembered)")
    share.add_argument("--out", type=Path, required=True, help="the bundle file to write")
    share.add_argument(
        "--encrypt", action="store_true", help="encrypt the bundle with a passphrase of its own"
    )


def run(args: argparse.Namespace, shell: Shell) -> int:
    with shell.stores() as stores:
        return dispatch(args, stores, shell.dirs)


def dispatch(
    args: argparse.Namespace, stores: Stores, dirs: Sequence[Path], clock: Clock | None = None
) -> int:
    """Run one of this module's commands."""
    clock = clock or SystemClock()
    now = clock.now()
    if args.command == "export":
        if args.encrypt and args.format != "json":
            raise UsageError("--encrypt works with --format json (a Markdown folder is plain)")
        return _export(stores, dirs, args.format, args.out, now, _new_passphrase(args))
    if args.command == "import":
        zone = getattr(clock, "zone", None)
        return _import(stores, args.file, args.source, now, zone, settings=args.settings)
    if args.command == "backup":
        return _backup(stores, args, now)
    return _share(stores, dirs, args, now)


def _new_passphrase(args: argparse.Namespace) -> str | None:
    """With --encrypt, the file's own passphrase (asked twice, never the data folder's
    environment variable: the file is meant for someone else)."""
    from csa_companion.cli.crypto import ask_new

    return ask_new("Passphrase for the file", env=False) if args.encrypt else None


def _file_passphrase(name: str) -> str:
    from csa_companion.cli.crypto import ask

    return ask(f"Passphrase of {name}: ", env=False)


def _export(
    stores: Stores,
    dirs: Sequence[Path],
    fmt: str,
    out: Path,
    now: datetime,
    passphrase: str | None = None,
) -> int:
    from csa_companion.transfer import actions as data_actions

    if fmt == "markdown":
        from csa_companion.content.loader import load_library

        print(data_actions.export_markdown(stores, load_library(dirs), out))
    else:
        print(data_actions.export_json(stores, out, now, passphrase=passphrase))
    return 0


def _import(
    stores: Stores,
    file: Path,
    source: str | None,
    now: datetime,
    zone: tzinfo | None,
    *,
    settings: bool = False,
) -> int:
    from csa_companion.transfer.actions import import_file

    print(
        import_file(
            stores,
            file,
            now,
            jrnl=source == "jrnl",
            zone=zone,
            passphrase=_file_passphrase,
            settings=settings,
        )
    )
    return 0


def _backup(stores: Stores, args: argparse.Namespace, now: datetime) -> int:
    from csa_companion.storage.repos import SettingsRepo
    from csa_companion.transfer import snapshots as backup
    from csa_companion.transfer.actions import human_size

    if args.backup_command == "list":
        found = backup.snapshots(stores)
        for snap in found:
            print(f"{snap.name}  {human_size(snap.size)}  {backup.describe(stores, snap)}")
        if not found:
            print(f"no snapshots yet in {backup.folder(stores)}")
        return 0
    if args.backup_command == "restore":
        restored, kept = backup.restore(stores, args.name, now)
        print(f"restored {restored.name}; the state before it is kept as {kept.name}")
        return 0
    if args.keep is not None:
        why = backup.keep_problem(args.keep)
        if why:
            raise UsageError(f"backup --keep {args.keep}: {why}")
        SettingsRepo(stores["settings"]).set(backup.KEEP_SETTING, args.keep)
    for kept in backup.keep_pre_split(stores, now):
        print(f"wrote {kept.path}: {backup.describe(stores, kept)}")
    snap = backup.take(stores, now)
    keep = backup.keep_count(stores)
    print(f"wrote {snap.path} ({human_size(snap.size)}); keeping the last {keep}")
    return 0


def _share(stores: Stores, dirs: Sequence[Path], args: argparse.Namespace, now: datetime) -> int:
    from csa_companion.content.loader import load_library
    from csa_companion.storage.repos import SettingsRepo
    from csa_companion.transfer.actions import SHARE_NAME, share
    from csa_companion.transfer.bundles import choose

    name = (args.name or SettingsRepo(stores["settings"]).get(SHARE_NAME) or "").strip()
    if not name:
        raise UsageError("give --name NAME: the name the people you share with will see")
    items = choose(stores, load_library(dirs), args.worksheet, args.reflection, args.entry)
    print(f"sharing as {name}:")
    for item in items:
        print(f"  {item.title}")
    print(share(stores, items, name, args.out, now, _new_passphrase(args)))
    return 0

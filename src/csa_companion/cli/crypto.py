"""Shell commands for encryption at rest (encrypt, decrypt, passphrase), and the passphrase
prompt every shell command uses on an encrypted data folder.

Where a passphrase comes from, first match wins:
1. the environment variable CSA_COMPANION_PASSPHRASE (for scripts);
2. the terminal, when standard input is one (getpass: never echoed);
3. otherwise one line of standard input per passphrase asked: for `journal add` with piped
   text, the first line is the passphrase and the rest is the entry.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from csa_companion.errors import UsageError
from csa_companion.paths import DataPaths
from csa_companion.platforms import utf8_input
from csa_companion.storage.crypto import Cipher, new_cipher, wrap
from csa_companion.storage.encryption import (
    DEFAULT_LOCK_MINUTES,
    LOCK_SETTING,
    Converted,
    decrypt_folder,
    encrypt_folder,
    lock_problem,
    read_key,
    remove_key,
    write_key,
)
from csa_companion.storage.inbox import ensure_owner_key, forget_owner_key, join_inbox

if TYPE_CHECKING:
    from csa_companion.cli.common import Shell

PASSPHRASE_ENV = "CSA_COMPANION_PASSPHRASE"
MIN_LENGTH = 8
"""Characters a new passphrase needs, spaces and other invisible characters not counted: a
passphrase of eight spaces was taken."""


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    encrypt = commands.add_parser(
        "encrypt",
        help="turn encryption on (a passphrase, asked twice) and encrypt the data folder",
    )
    encrypt.add_argument(
        "--lock-after",
        type=_minutes,
        metavar="MINUTES",
        help=f"the app locks after this many idle minutes (default {DEFAULT_LOCK_MINUTES:g}; "
        "0 never)",
    )
    commands.add_parser("decrypt", help="turn encryption off and decrypt the data folder")
    commands.add_parser("passphrase", help="change the passphrase (the data key is kept)")


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if problem := lock_problem(value):
        raise argparse.ArgumentTypeError(problem)
    return value


def ask(prompt: str, *, env: bool = True) -> str:
    """One passphrase, from the environment, the terminal or a line of stdin (see above)."""
    import os

    if env and os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(prompt, stream=sys.stderr)
        except EOFError:
            raise UsageError("no passphrase was given; nothing was changed") from None
    # as `journal add` reads the rest: UTF-8, and bytes that are not must not stop the read
    utf8_input(sys.stdin)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        where = f"standard input, or set {PASSPHRASE_ENV}" if env else "standard input"
        raise UsageError(
            "a passphrase is needed: type it in a terminal, give it as the first line of "
            f"{where}; nothing was changed"
        )
    return line.rstrip("\r\n")


def ask_new(what: str = "New passphrase", *, env: bool = True) -> str:
    """A new passphrase, asked twice; both must match."""
    first = ask(f"{what}: ", env=env)
    again = ask(f"{what} again: ", env=env)
    if first != again:
        raise UsageError("the two passphrases differ; nothing was changed")
    if visible_length(first) < MIN_LENGTH:
        raise UsageError(
            f"a passphrase needs at least {MIN_LENGTH} characters besides spaces "
            "(a few words are easy to remember); nothing was changed"
        )
    return first


def visible_length(passphrase: str) -> int:
    """How many characters of `passphrase` can be seen: spaces, tabs, control and format
    characters (a zero-width space) are not counted."""
    import unicodedata

    return sum(
        1
        for char in passphrase
        if not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zs")
    )


def run(args: argparse.Namespace, shell: Shell) -> int:
    return dispatch(args, shell.paths)


def dispatch(args: argparse.Namespace, paths: DataPaths) -> int:
    paths.ensure()
    if args.command == "encrypt":
        return _encrypt(paths, args.lock_after)
    if args.command == "decrypt":
        return _decrypt(paths)
    return _change(paths)


def _say(message: str) -> None:
    print(f"csa-companion: {message}", file=sys.stderr)


def _report(done: Converted, verb: str) -> int:
    count = len(done.changed)
    print(f"{verb} {count} file{'' if count == 1 else 's'} in the data folder")
    if done.failed:
        _say(f"could not convert: {'; '.join(done.failed)}")
        return 1
    return 0


def _encrypt(paths: DataPaths, lock_after: int | None) -> int:
    record = read_key(paths)
    if record is not None:  # already on: finish an interrupted run
        cipher = record.unlock(ask("Passphrase: "))
        print("encryption is already on")
        code = _report(encrypt_folder(paths, cipher), "encrypted")
    else:
        passphrase = ask_new("New passphrase")
        cipher = new_cipher()
        # The key file first: a run cut short leaves a folder that opens (plain files are
        # read as they are) and that `encrypt` finishes.
        write_key(paths, wrap(cipher, passphrase))
        code = _report(encrypt_folder(paths, cipher), "encrypted")
        ensure_owner_key(paths, cipher)  # so presenting never asks for the passphrase
        print(
            "encryption is on: keep your passphrase safe, it cannot be recovered "
            "(and keep key.json with your data)"
        )
    _say_plain_left(paths)
    if lock_after is not None:
        from csa_companion.storage.repos import SettingsRepo
        from csa_companion.storage.store import Stores

        SettingsRepo(Stores(paths, cipher=cipher)["settings"]).set(LOCK_SETTING, lock_after)
        print(f"the app locks after {lock_after} idle minutes" if lock_after else "no idle lock")
    return code


def _say_plain_left(paths: DataPaths) -> None:
    """Name what `encrypt` leaves plain on purpose: exports and screenshots already made
    (files made to read or hand on), which someone might take for encrypted now."""
    folders = [name for name in ("exports", "screenshots") if (paths.root / name).is_dir()]
    found = [p for name in folders for p in (paths.root / name).rglob("*") if p.is_file()]
    if not found:
        return
    where = " and ".join(str(paths.root / name) for name in folders)
    count = f"{len(found)} file{'s' if len(found) != 1 else ''}"
    stay = "stays" if len(found) == 1 else "stay"
    print(
        f"{count} already in {where} {stay} plain text, as exports are made to read or hand "
        "on: delete those that should not stay readable"
    )


def _decrypt(paths: DataPaths) -> int:
    record = read_key(paths)
    if record is None:  # already as asked
        _say("encryption is not on in this data folder; nothing was changed")
        return 0
    cipher = record.unlock(ask("Passphrase: "))
    _join(paths, cipher)  # what presentations sealed opens only with this key: join it first
    done = decrypt_folder(paths, cipher)
    code = _report(done, "decrypted")
    if code:
        _say("encryption stays on until every file is decrypted; run `decrypt` again")
        return code
    remove_key(paths)
    forget_owner_key(paths)
    print("encryption is off")
    return 0


def _join(paths: DataPaths, cipher: Cipher) -> None:
    """An unlock: what presentations saved joins the data (storage/inbox.py)."""
    from csa_companion.storage.store import Stores

    stores = Stores(paths, cipher=cipher)
    for notice in join_inbox(stores) + stores.take_notices():
        _say(notice)


def _change(paths: DataPaths) -> int:
    record = read_key(paths)
    if record is None:
        _say("encryption is not on in this data folder; nothing was changed (see `encrypt`)")
        return 0
    cipher = record.unlock(ask("Current passphrase: "))
    _join(paths, cipher)
    write_key(paths, wrap(cipher, ask_new("New passphrase", env=False)))
    print("passphrase changed (your files were not rewritten: the data key is the same)")
    return 0

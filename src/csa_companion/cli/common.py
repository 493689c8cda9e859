"""What every command area shares: the `Shell` each command runs in, one-line messages, the
argument types, private files, and repairing text that is not UTF-8.

Light on purpose: every shell command imports it (see tests/unit/test_import_cost.py).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from csa_companion.errors import CompanionError
from csa_companion.paths import DataPaths
from csa_companion.storage.encryption import read_key
from csa_companion.storage.store import Stores

Commands = argparse._SubParsersAction  # what an area's `add_parsers` adds its commands to


@dataclass
class Shell:
    """What a command runs with: the data folder and the content folders."""

    paths: DataPaths
    dirs: list[Path]
    """Every content folder, in the order they load (wiring.content_dirs)."""
    extra_content: list[Path]
    """The --content folders alone."""

    @contextlib.contextmanager
    def stores(self) -> Iterator[Stores]:
        """The stores (on an encrypted folder, after asking the passphrase; what presentations
        saved meanwhile then joins the data: storage/inbox.py); the notices they gather are
        printed when the command is done, also those found while reading (documents set
        aside)."""
        record = read_key(self.paths)
        if record is None:
            stores = Stores(self.paths)
        else:  # encrypted: the passphrase, and the code that asks for it, only now
            from csa_companion.cli.crypto import ask
            from csa_companion.storage.inbox import join_inbox

            stores = Stores(self.paths, cipher=record.unlock(ask("Passphrase: ")))
            stores.notices += join_inbox(stores)
        try:
            yield stores
        finally:
            print_notices(stores)


def say(message: str) -> None:
    """One line on stderr."""
    with contextlib.suppress(OSError):
        print(f"csa-companion: {message}", file=sys.stderr)


def print_notices(stores: Stores) -> None:
    for notice in stores.take_notices():
        say(notice)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def write_private(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write a file only its owner can read, all at once (private_files.write_private), and
    turn a failure into one clear line."""
    from csa_companion.storage import private_files

    try:
        private_files.write_private(path, text, encoding=encoding)
    except OSError as error:
        raise CompanionError(f"cannot write {path}: {error.strerror or error}") from None


def not_utf8(text: str) -> bool:
    """True if the text holds bytes that were not UTF-8 (Python keeps them as lone
    surrogates, which the store's JSON cannot hold)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def repaired(text: str) -> str:
    """The text with each byte that is not UTF-8 (a lone surrogate) replaced by U+FFFD."""
    if not not_utf8(text):
        return text
    try:  # bytes from the command line or stdin come back as they were
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates from elsewhere: each becomes U+FFFD too
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")

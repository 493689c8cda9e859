"""What is kept beside a journal month, made from it, so that the whole month need not be
read: its words (`journal/YYYY-MM.words`), for a search from the shell, and the rows the
journal screen lists (`journal/YYYY-MM.rows`), for the app.

A month's words are the distinct words (runs without white space) of its entries' search text,
folded as search folds them. A searched word holds no white space, so an entry holds it only if
one of the entry's words does: a month none of whose words holds every searched word has no
entry that matches, and its file is not read. A row keeps of an entry what the list shows and
its search text, each word once (domain/journal.py, JournalRow).

Each file is derived, and never trusted over the month: it names the month file it was made
from (the generation in its first line, its inode, size and time), and one that names another,
or is missing, cut off or damaged (it is compressed, and the compression's checksum is
checked), is not used: the month is read and the file written anew. Under an encrypted folder
it is encrypted as every data file is (`encrypt` and `decrypt` convert it with the rest); a
plain one in an encrypted folder, or one that does not open, is not used.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from pathlib import Path
from typing import Any

import orjson

from csa_companion.domain.journal import SEARCH_FORM
from csa_companion.storage.crypto import Cipher, SealError
from csa_companion.storage.fileformat import identity
from csa_companion.storage.private_files import write_atomic

WORDS = ".words"
ROWS = ".rows"


def kept_path(month: Path, kind: str) -> Path:
    """Where `kind` (WORDS or ROWS) of the month file `month` (`YYYY-MM.json`) is kept."""
    return month.with_suffix(kind)


def month_key(month: Path) -> list[Any] | None:
    """What names this version of a month file: the generation in its first line, its inode,
    size and modification time; None if it cannot be read."""
    try:
        with month.open("rb") as file:
            first = file.readline(4096)
            st = os.fstat(file.fileno())
    except OSError:
        return None
    return [identity(first.rstrip(b"\n")), st.st_ino, st.st_size, st.st_mtime_ns]


def read_kept(month: Path, kind: str, key: list[Any] | None, cipher: Cipher | None) -> Any:
    """What is kept of `kind` for the month, if it was made from the month file `key` names;
    else None."""
    if key is None:
        return None
    try:
        raw = kept_path(month, kind).read_bytes()  # plain under a cipher, or sealed without, fails
        kept = orjson.loads(zlib.decompress(cipher.open(raw) if cipher is not None else raw))
    except (OSError, SealError, zlib.error, orjson.JSONDecodeError):
        return None
    if not isinstance(kept, dict) or kept.get("month") != key or kept.get("kind") != kind:
        return None
    if kept.get("fold") != SEARCH_FORM:  # made by another search_form
        return None
    return kept.get("value")


def keep(
    month: Path,
    kind: str,
    key: list[Any] | None,
    value: Any,
    cipher: Cipher | None,
    key_file: Path | None,
) -> None:
    """Keep `value` as `kind` of the month, made from the month file `key` names, if the month
    is still that file; nothing is kept when the file cannot be written (a read-only folder, a
    full disk), nor when encryption was turned on or off meanwhile (`key_file`, the folder's
    key file, exists exactly when there is a `cipher`): the month is read again next time."""
    if key is None or month_key(month) != key:
        return  # the month changed meanwhile
    if key_file is not None and key_file.exists() != (cipher is not None):
        return
    kept = {"month": key, "kind": kind, "fold": SEARCH_FORM, "value": value}
    payload = zlib.compress(orjson.dumps(kept), 1)
    if cipher is not None:
        payload = cipher.seal(payload)
    with contextlib.suppress(OSError):
        # not fsynced: a file cut off by a crash fails its checksum and is made again
        write_atomic(kept_path(month, kind), payload, durable=False)

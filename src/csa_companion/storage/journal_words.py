"""The words of a journal month, kept beside it (`journal/YYYY-MM.words`) so that a search from
the shell reads only the months that can hold what it looks for.

A month's words are the distinct words (runs without white space) of its entries' search text,
folded as search folds them. A searched word holds no white space, so an entry holds it only if
one of the entry's words does: a month none of whose words holds every searched word has no
entry that matches, and its file is not read.

The file is derived, and never trusted over the month: it names the month file it was made from
(the generation in its first line, its inode, size and time), and one that names another, or is
missing, cut off or damaged, is not used; the search reads the month and writes it anew. Under
an encrypted folder it is encrypted as every data file is (`encrypt` and `decrypt` convert it
with the rest); a plain one in an encrypted folder, or one that does not open, is not used.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from csa_companion.storage.crypto import Cipher, SealError
from csa_companion.storage.fileformat import DamagedFile, check, encode, identity
from csa_companion.storage.private_files import write_atomic

SUFFIX = ".words"
_TABLE = "words"
_SCHEMA = 1


def words_path(month: Path) -> Path:
    """Where the words of the month file `month` (`YYYY-MM.json`) are kept."""
    return month.with_suffix(SUFFIX)


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


def read_words(month: Path, key: list[Any] | None, cipher: Cipher | None) -> str | None:
    """The month's words, one a line, if its words file was made from the month file `key`
    names; else None."""
    if key is None:
        return None
    try:
        raw = words_path(month).read_bytes()  # plain under a cipher, or sealed without, fails
        tables = check(cipher.open(raw) if cipher is not None else raw).tables()
        kept = tables[_TABLE]["1"]
    except (OSError, SealError, DamagedFile, LookupError, TypeError):
        return None
    if not isinstance(kept, dict) or kept.get("month") != key:
        return None
    words = kept.get("words")
    return words if isinstance(words, str) else None


def write_words(
    month: Path,
    key: list[Any] | None,
    words: Iterable[str],
    cipher: Cipher | None,
    key_file: Path | None,
) -> None:
    """Keep the month's words, made from the month file `key` names, if the month is still
    that file; nothing is kept when the file cannot be written (a read-only folder, a full
    disk), nor when encryption was turned on or off meanwhile (`key_file`, the folder's key
    file, exists exactly when there is a `cipher`): the next search reads the month again."""
    if key is None or month_key(month) != key:
        return  # the month changed meanwhile
    if key_file is not None and key_file.exists() != (cipher is not None):
        return
    payload = encode({_TABLE: {"1": {"month": key, "words": "\n".join(sorted(words))}}}, _SCHEMA)
    if cipher is not None:
        payload = cipher.seal(payload)
    with contextlib.suppress(OSError):
        write_atomic(words_path(month), payload, durable=False)  # checked as read

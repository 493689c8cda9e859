"""The on-disk format of a store file: a one-line checksummed header, then the JSON body.

    {"format": "csa-companion", "schema": 1, "length": N, "crc32": C, "preview": P,
     "id": ID, "parent": PARENT}
    <P bytes: an optional JSON preview line>
    <the JSON body: every table>

`length` and `crc32` cover everything after the header line, preview included. A file that
parses but is incomplete (a short write, a copy cut off) fails that test, so it is never
mistaken for good data. The preview is a small extract of the body (the newest journal
entries) that lets Home show them without parsing a large body. A file without a preview (or
with "preview": 0) is read the same way. `id` names this generation of the file (random, new
at every write) and `parent` the generation it was made from by a save, which that save kept
as the `.bak`: so the store can tell whether the current file descends from its backup (see
safe_storage.py); files written before these fields are read the same way. A plain TinyDB
JSON file (no header) is read as schema 0 so that it can be migrated, provided it is one: a
JSON object holding at least one table (an object; the store also wants its own tables, with
a record it can read). Anything else without a header is a damaged file.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

FORMAT_NAME = "csa-companion"

Tables = dict[str, dict[str, Any]]


class DamagedFile(Exception):
    """The bytes are not a complete, valid store file; the message says why."""


@dataclass(frozen=True)
class Checked:
    """A file whose framing and checksum are good; its body is parsed only when asked."""

    schema: int
    body: bytes | memoryview
    preview: Any = None
    parent: str | None = None  # the generation this one was saved from (its `.bak`), if known

    def tables(self) -> Tables:
        return _tables(self.body)


def encode(
    tables: Tables,
    schema: int,
    preview: Any = None,
    *,
    ident: str | None = None,
    parent: str | None = None,
) -> bytes:
    """Serialize tables (and an optional preview) under a header with length and CRC-32;
    `ident` and `parent` name this generation and the one it was saved from."""
    head = b"" if preview is None else orjson.dumps(preview) + b"\n"
    body = orjson.dumps(tables)
    crc = zlib.crc32(body, zlib.crc32(head))
    header = orjson.dumps(
        {
            "format": FORMAT_NAME,
            "schema": schema,
            "length": len(head) + len(body),
            "crc32": crc,
            "preview": len(head),
        }
        | ({} if ident is None else {"id": ident})
        | ({} if parent is None else {"parent": parent})
    )
    return header + b"\n" + head + body


def identity(first_line: bytes) -> str:
    """The generation a file holds, from its first line (read without the rest): the header's
    `id`, else (a file written before ids, or no store at all) a hash of the line. An
    encrypted file's header carries the `id` of the plaintext it holds."""
    try:
        header = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        header = None
    if isinstance(header, dict) and isinstance(header.get("id"), str):
        return str(header["id"])
    return "h:" + hashlib.blake2b(first_line, digest_size=12).hexdigest()


def header_id(raw: bytes | memoryview) -> str | None:
    """The `id` in a framed file's header line, if it has one (to carry it into the header of
    its encrypted form)."""
    end = bytes(raw[:4096]).find(b"\n")
    if end < 0 or bytes(raw[:9]) != b'{"format"':
        return None
    try:
        found = orjson.loads(bytes(raw[:end])).get("id")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def check(raw: bytes) -> Checked:
    """Verify a store file's framing and checksum without parsing its body."""
    if not raw.strip():
        raise DamagedFile("the file is empty")
    if not raw.startswith(b'{"format"'):
        plain = Checked(0, raw)
        if not plain.tables():  # `{}`: nothing says what this file is, so it cannot be trusted
            raise DamagedFile("it holds no tables: it is neither a csa-companion nor a TinyDB file")
        return plain
    end = raw.find(b"\n")
    if end < 0:
        raise DamagedFile("the file ends inside its header")
    rest = memoryview(raw)[end + 1 :]  # no copy of a large body
    try:
        header = orjson.loads(raw[:end])
        schema, length, crc = int(header["schema"]), int(header["length"]), int(header["crc32"])
        preview_length = int(header.get("preview", 0))
    except (
        orjson.JSONDecodeError,
        LookupError,
        TypeError,
        ValueError,
        ArithmeticError,
        AttributeError,
    ) as error:
        raise DamagedFile(f"the header is not valid ({error})") from None
    if schema < 0:
        raise DamagedFile(f"the header's schema ({schema}) is not valid")
    if header.get("format") != FORMAT_NAME:
        raise DamagedFile("the header names another format")
    if len(rest) != length:
        raise DamagedFile(f"the file is incomplete ({len(rest)} of {length} bytes)")
    if zlib.crc32(rest) != crc:
        raise DamagedFile("the checksum does not match the contents")
    if not 0 <= preview_length <= length:
        raise DamagedFile("the header's preview length is not valid")
    preview = None
    if preview_length:
        try:
            preview = orjson.loads(rest[:preview_length])
        except orjson.JSONDecodeError as error:
            raise DamagedFile(f"the preview is not valid JSON ({error})") from None
    parent = header.get("parent")
    return Checked(
        schema, rest[preview_length:], preview, parent if isinstance(parent, str) else None
    )


def decode(raw: bytes) -> tuple[int, Tables]:
    """Parse a store file; return (schema, tables) or raise DamagedFile."""
    checked = check(raw)
    return checked.schema, checked.tables()


def _tables(body: bytes | memoryview) -> Tables:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise DamagedFile(f"the contents are not valid JSON ({error})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DamagedFile("the contents are not a set of tables")
    return data

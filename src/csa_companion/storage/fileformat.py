"""The on-disk format of a store file: a one-line checksummed header, then the JSON body.

A file that parses but is incomplete (a short write, a copy cut off) fails the length or
checksum test, so it is never mistaken for good data. A plain TinyDB JSON file (no header)
is read as schema 0 so that it can be migrated.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

FORMAT_NAME = "csa-companion"

Tables = dict[str, dict[str, Any]]


class DamagedFile(Exception):
    """The bytes are not a complete, valid store file; the message says why."""


def encode(tables: Tables, schema: int) -> bytes:
    """Serialise tables with a header naming the schema, body length and CRC-32."""
    body = orjson.dumps(tables)
    header = orjson.dumps(
        {"format": FORMAT_NAME, "schema": schema, "length": len(body), "crc32": zlib.crc32(body)}
    )
    return header + b"\n" + body


def decode(raw: bytes) -> tuple[int, Tables]:
    """Parse a store file; return (schema, tables) or raise DamagedFile."""
    if not raw.strip():
        raise DamagedFile("the file is empty")
    if raw.startswith(b'{"format"'):
        return _decode_framed(raw)
    return 0, _tables(raw)


def _decode_framed(raw: bytes) -> tuple[int, Tables]:
    end = raw.find(b"\n")
    if end < 0:
        raise DamagedFile("the file ends inside its header")
    head, body = raw[:end], memoryview(raw)[end + 1 :]  # no copy of a large body
    try:
        header = orjson.loads(head)
        schema, length, crc = int(header["schema"]), int(header["length"]), int(header["crc32"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise DamagedFile(f"the header is not valid ({error})") from None
    if header.get("format") != FORMAT_NAME:
        raise DamagedFile("the header names another format")
    if len(body) != length:
        raise DamagedFile(f"the file is incomplete ({len(body)} of {length} bytes)")
    if zlib.crc32(body) != crc:
        raise DamagedFile("the checksum does not match the contents")
    return schema, _tables(body)


def _tables(body: bytes | memoryview) -> Tables:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise DamagedFile(f"the contents are not valid JSON ({error})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DamagedFile("the contents are not a set of tables")
    return data

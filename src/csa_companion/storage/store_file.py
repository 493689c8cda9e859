"""One store file: a TinyDB database on a SafeJSONStorage file (`Store`), and the preview of
the newest documents kept in a file's header (`Newest`). `store.py` groups them (`Stores`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from heapq import nlargest
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.table import Table

from csa_companion.storage.crypto import Cipher
from csa_companion.storage.fileformat import Tables
from csa_companion.storage.migrations import SCHEMA_VERSION, migrate
from csa_companion.storage.safe_storage import PreviewOf, SafeJSONStorage

Document = dict[str, Any]

TABLES: Mapping[str, tuple[str, ...]] = {
    "practice": ("log",),
    "team": ("membership", "copies", "folder"),  # transfer/team.py
}
"""The tables of each store file whose tables are not named after it (`practice.json` holds
the practice log). Every other store file holds one table of its own name."""


def tables_of(file_name: str) -> tuple[str, ...]:
    """The tables a store file (`journal.json`) holds."""
    name = file_name.removesuffix(".json")
    return TABLES.get(name, (name,))


class _FreshIdTable(Table):
    """Works the next id out from the data at every insert: another process may have inserted
    since (TinyDB caches the next id between calls)."""

    def insert(self, document: Mapping[str, Any]) -> int:
        self._next_id = None
        return int(super().insert(document))

    def insert_multiple(self, documents: Iterable[Mapping[str, Any]]) -> list[int]:
        self._next_id = None
        return list(super().insert_multiple(documents))


class _CompanionDB(TinyDB):
    table_class = _FreshIdTable


class Store:
    """One database file. Every change goes through `transaction()`."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = 5.0,
        preview_of: PreviewOf | None = None,
        cipher: Cipher | None = None,
        key_file: Path | None = None,
        tables: tuple[str, ...] | None = None,
    ) -> None:
        """`tables`: the tables the file holds (default: named after the file, `tables_of`)."""
        self.storage = SafeJSONStorage(
            path,
            schema=SCHEMA_VERSION,
            migrate=migrate,
            lock_timeout=lock_timeout,
            preview_of=preview_of,
            cipher=cipher,
            key_file=key_file,
            tables=tables_of(path.name) if tables is None else tables,
        )
        self.db = _CompanionDB(storage=lambda: self.storage)

    @property
    def path(self) -> Path:
        return self.storage.path

    @property
    def generation(self) -> int:
        """Changes whenever the data may have changed (a write here or a re-read)."""
        return self.storage.generation

    def table(self, name: str) -> Table:
        return self.db.table(name)

    def preview(self) -> Any:
        """The extract of the data kept in the file's header (see `Stores.PREVIEWS`), read
        without parsing the rest when it can be checked against the body; None if the file
        has none. Always agrees with the data."""
        return self.storage.trusted_preview()

    def documents(self, table: str) -> list[Document]:
        """A table's documents as stored, for reading only: no per-document copies, which
        matters for a 5,000-entry journal. Change documents through `table()`."""
        return list(self.storage.read().get(table, {}).values())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Lock, catch up with other processes, then let the caller change tables."""
        with self.storage.transaction():
            self.db.clear_cache()
            yield

    def refresh(self) -> bool:
        """Re-read the file if another process wrote it; True if it did."""
        changed = self.storage.refresh()
        if changed:
            self.db.clear_cache()
        return changed

    def take_notices(self) -> list[str]:
        """Recovery notices not yet shown to the user."""
        notices, self.storage.notices = self.storage.notices, []
        return notices


class Newest:
    """A preview: the `count` newest documents of a table by an ISO 8601 timestamp field,
    newest first, and how many documents the table holds."""

    def __init__(self, table: str, field: str, count: int) -> None:
        self.table, self.field, self.count = table, field, count

    def __call__(self, tables: Tables) -> dict[str, Any]:
        docs = tables.get(self.table, {}).values()
        return {"total": len(docs), "newest": nlargest(self.count, docs, key=self._when)}

    @staticmethod
    def agrees(preview: Any, body: bytes | memoryview) -> bool:
        """Whether every document the preview shows is a record in the (unparsed) body, as
        written: its exact JSON after a numeric id. A search, ~2 ms for a 5,000-entry journal
        where parsing takes ~25 ms. False (a document changed, missing, or only set aside
        under "document") sends the caller to the records."""
        newest = preview.get("newest") if isinstance(preview, dict) else None
        if not isinstance(newest, list):
            return False
        raw = body.obj if isinstance(body, memoryview) else body
        if not isinstance(raw, bytes):
            return False
        start = len(raw) - len(body)  # the body runs to the end of the file's bytes
        return all(_is_record(raw, start, doc) for doc in newest)

    def _when(self, doc: Document) -> float:
        """Seconds since the epoch; a document without a readable time sorts as oldest
        (it runs on every write, so one odd document must not stop saving)."""
        try:
            return datetime.fromisoformat(doc[self.field]).timestamp()
        except (KeyError, TypeError, ValueError):
            return float("-inf")


def _is_record(raw: bytes, start: int, doc: Any) -> bool:
    """True if `doc`, serialized as the store writes it, follows `"<id>":` in raw[start:]."""
    needle = orjson.dumps(doc)
    found = raw.find(needle, start)
    while found >= 0:
        if _RECORD_KEY.search(raw, max(start, found - 24), found):
            return True
        found = raw.find(needle, found + 1)
    return False


_RECORD_KEY = re.compile(rb'"\d+":$')

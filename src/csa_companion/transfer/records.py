"""Everything in the data folder as one JSON file, and merging such a file back in.

The export holds every document of every store file, as stored, under a format name and
version, with a record count and a SHA-256 checksum of the contents. An import is checked
completely before anything is written (a newer version, a damaged, cut-off or foreign file
changes nothing), then merged store by store: a document is matched by its stable id (uid, key
or month; the whole document for tables without one), so importing the same file twice adds
nothing. When both sides hold a changed document, the one changed last is kept (the caller
keeps a snapshot of the store first).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from csa_companion import __version__
from csa_companion.errors import CompanionError
from csa_companion.storage.documents import (
    QUARANTINE,
    QUICK,
    problem,
    set_aside_problem,
    too_large,
)
from csa_companion.storage.fileformat import Tables
from csa_companion.storage.migrations import SCHEMA_VERSION, migrate
from csa_companion.storage.program_repos import NAMES as RHYTHM_NAMES
from csa_companion.storage.store import Store, Stores, tables_of

FORMAT = "csa-companion-export"
VERSION = 1
SHELF = "shared"  # the "Shared with me" shelf: its own store file
STORE_NAMES: tuple[str, ...] = (*Stores.NAMES, *RHYTHM_NAMES, SHELF)

# The field that identifies a document of each table across machines and imports.
KEYS: Mapping[str, str] = {
    "journal": "uid",
    "worksheets": "uid",
    "coaching": "uid",
    "drafts": "key",
    "settings": "key",
    "program": "key",
    "surveys": "key",
    "reflections": "month",
    SHELF: "key",
}
# Which of two versions of a document is newer; a document without one keeps the local copy.
CHANGED = ("updated", "saved_at", "shared_at")
FUTURE_SLACK = timedelta(days=1)
"""How far ahead of this computer's clock a record's change may lie (clocks and zones differ);
one further ahead would win every merge: a file with `updated = 2099` replaced every entry."""

Document = dict[str, Any]
Contents = dict[str, dict[str, list[Document]]]  # store -> table -> documents
Progress = Callable[[int, int], None]  # (done, total)


class TransferError(CompanionError):
    """A file that cannot be imported; nothing was changed."""


@dataclass
class Counts:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # differed, but the local copy was changed later
    by_table: dict[str, int] = field(default_factory=dict)  # added or updated per table

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def add(self, other: Counts) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.kept += other.kept
        for table, n in other.by_table.items():
            self.by_table[table] = self.by_table.get(table, 0) + n

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated"]
        parts.append(f"{self.unchanged} already here")
        if self.kept:
            parts.append(f"{self.kept} kept as they are here (changed here later)")
        return ", ".join(parts)


def contents(stores: Stores, names: Iterable[str] = STORE_NAMES) -> Contents:
    """Every document of the named stores, as stored (empty tables left out)."""
    found: Contents = {}
    for name in names:
        tables = {t: list(docs.values()) for t, docs in stores[name].storage.read().items() if docs}
        if tables:
            found[name] = tables
    return found


def count(found: Contents) -> int:
    return sum(len(docs) for tables in found.values() for docs in tables.values())


def digest(value: Any) -> str:
    """A checksum of parsed JSON, the same however the file was laid out (keys sorted)."""
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()


def check_digest(data: dict[str, Any], value: Any, name: str) -> None:
    """Refuse a file whose contents do not match the checksum written with them (a flipped
    bit, a hand edit, a copy that lost part of a record)."""
    if data.get("sha256") != digest(value):
        raise TransferError(
            f"{name} is damaged: its contents do not match its checksum; nothing was imported"
        )


def envelope(kind: str, version: int, now: datetime, **fields: Any) -> dict[str, Any]:
    """The header fields every file this app exchanges starts with."""
    head = {"format": kind, "version": version, "app": __version__, "written": now.isoformat()}
    return head | fields


def export_bytes(stores: Stores, now: datetime, progress: Progress | None = None) -> bytes:
    """The whole data folder as an export file's bytes."""
    return export_payload(stores, now, progress)[0]


def export_payload(
    stores: Stores, now: datetime, progress: Progress | None = None
) -> tuple[bytes, int]:
    """An export file's bytes, and how many records it holds."""
    found: Contents = {}
    for done, name in enumerate(STORE_NAMES, start=1):
        found.update(contents(stores, [name]))
        if progress:
            progress(done, len(STORE_NAMES) + 1)
    head = envelope(
        FORMAT, VERSION, now, schema=SCHEMA_VERSION, count=count(found), sha256=digest(found)
    )
    payload = orjson.dumps(head | {"stores": found}, option=orjson.OPT_INDENT_2) + b"\n"
    if progress:
        progress(len(STORE_NAMES) + 1, len(STORE_NAMES) + 1)
    return payload, head["count"]


def read_file(path: Path) -> bytes:
    """A file's bytes, or a TransferError saying why it cannot be read."""
    if path.exists() and not path.is_file() and not path.is_dir():
        # /dev/zero or a pipe: reading it would go on until memory runs out.
        raise TransferError(
            f"{path} is not a regular file (a device or a pipe); nothing was imported"
        )
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise TransferError(f"{path} is a folder, not a file; nothing was imported") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise TransferError(f"cannot read {path}: {reason}; nothing was imported") from None


def load_json(raw: bytes, name: str) -> Any:
    """Parse JSON, or say plainly that the file is empty, cut off or damaged."""
    if not raw.strip():
        raise TransferError(f"{name} is empty; nothing was imported")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise TransferError(
            f"{name} is damaged or cut off (not valid JSON: {error}); nothing was imported"
        ) from None


def check_header(data: Any, name: str, kind: str, version: int, what: str) -> None:
    """Refuse a file that is not of this kind, or is of a newer version than this app reads."""
    if not isinstance(data, dict) or data.get("format") != kind:
        raise TransferError(f"{name} is not {what}; nothing was imported")
    found = data.get("version")
    if type(found) is not int or found < 1:
        raise TransferError(f"{name}: its format version is not valid; nothing was imported")
    if found > version:
        raise TransferError(
            f"{name} was written by a newer csa-companion (format version {found}; this "
            f"version reads up to {version}); update csa-companion to import it; nothing "
            "was imported"
        )


def parse_export(raw: bytes, name: str) -> Contents:
    """Check an export file completely; return its contents, migrated to this app's schema."""
    return export_contents(load_json(raw, name), name)


def export_contents(data: Any, name: str, *, whole_checksum: bool = True) -> Contents:
    """`parse_export` on parsed JSON. Without `whole_checksum`, the caller has matched every
    piece against a checksum of its own (a snapshot's parts: snapshots.py)."""
    check_header(data, name, FORMAT, VERSION, "a csa-companion export")
    schema, stores, expected = data.get("schema"), data.get("stores"), data.get("count")
    if type(schema) is not int or schema < 0:
        raise TransferError(f"{name}: its data schema is not valid; nothing was imported")
    if schema > SCHEMA_VERSION:
        raise TransferError(
            f"{name} holds data of a newer csa-companion (schema {schema}; this version "
            f"understands up to {SCHEMA_VERSION}); nothing was imported"
        )
    found = check_contents(stores, name, STORE_NAMES)
    if expected != count(found):
        raise TransferError(
            f"{name} is incomplete ({count(found)} records of {expected}); nothing was imported"
        )
    if whole_checksum:
        check_digest(data, found, name)
    if schema < SCHEMA_VERSION:
        found = {store: _migrated(schema, tables) for store, tables in found.items()}
        check_contents(found, name, STORE_NAMES)
    return found


def _migrated(schema: int, tables: dict[str, list[Document]]) -> dict[str, list[Document]]:
    numbered: Tables = {t: {str(i): d for i, d in enumerate(docs, 1)} for t, docs in tables.items()}
    return {t: list(docs.values()) for t, docs in migrate(schema, numbered).items()}


def check_contents(value: Any, name: str, allowed: Iterable[str]) -> Contents:
    """Every store, table and document must be of the right shape and readable by the app."""
    allowed = set(allowed)
    if not isinstance(value, dict):
        raise TransferError(f"{name} holds no stores; nothing was imported")
    for store, tables in value.items():
        if store not in allowed:
            raise TransferError(f"{name} holds an unknown store {store!r}; nothing was imported")
        if not isinstance(tables, dict):
            raise TransferError(f"{name}: {store} is not a set of tables; nothing was imported")
        own = tables_of(f"{store}.json")
        for table, docs in tables.items():
            where = f"{name}: {store}/{table}"
            if table not in own and table != QUARANTINE:
                raise TransferError(f"{where}: {store} holds no such table; nothing was imported")
            if not isinstance(docs, list):
                raise TransferError(f"{where} is not a list; nothing was imported")
            for number, doc in enumerate(docs, start=1):
                why = _problem(table, doc, own)
                if why:
                    raise TransferError(
                        f"{where} record {number} cannot be read ({why}); nothing was imported"
                    )
    return value


def _problem(table: str, doc: Any, own: Collection[str]) -> str | None:
    if not isinstance(doc, dict):
        return "it is not a document"
    if table == QUARANTINE:
        # What the store set aside is kept unread, but only in the shape the store writes.
        return set_aside_problem(doc, own) or too_large(doc)
    quick = QUICK.get(table)
    if quick is not None and quick(doc):
        # the store's own fast check (5,000 journal entries: ~5 ms, not ~130)
        return too_large(doc)
    return problem(table, "1", doc) or too_large(doc)


def check_times(found: Contents, name: str, now: datetime) -> None:
    """Refuse a file holding a record changed more than a day after `now`: it would win
    every merge, now and later (see FUTURE_SLACK)."""
    limit = now + FUTURE_SLACK
    for store, tables in found.items():
        for table, docs in tables.items():
            if table == QUARANTINE:
                continue
            for number, doc in enumerate(docs, start=1):
                when = _changed(doc)
                if when is not None and when > limit:
                    key = KEYS.get(table)
                    ident = f" ({key} {doc[key]})" if key and isinstance(doc.get(key), str) else ""
                    raise TransferError(
                        f"{name}: {store}/{table} record {number}{ident} was changed on "
                        f"{when:%Y-%m-%d %H:%M}, more than a day from now (check the clock of "
                        "the computer that wrote it); nothing was imported"
                    )


def check_written(written: str, name: str, now: datetime) -> None:
    """Refuse a share bundle written more than a day after `now` (its date is every shared
    record's change time, see check_times)."""
    when = _changed({"shared_at": written})
    if when is not None and when > now + FUTURE_SLACK:
        raise TransferError(
            f"{name} was written on {when:%Y-%m-%d %H:%M}, more than a day from now (check "
            "the clock of the computer that wrote it); nothing was imported"
        )


def _changed(doc: Document) -> datetime | None:
    """The latest of a document's change times, if it has an aware one."""
    times = []
    for field_name in CHANGED:
        value = doc.get(field_name)
        with contextlib.suppress(TypeError, ValueError):
            when = datetime.fromisoformat(value) if isinstance(value, str) else None
            if when is not None and when.tzinfo is not None:
                times.append(when)
    return max(times, default=None)


# -- merging --------------------------------------------------------------------------------


def identity(table: str, doc: Document) -> Any:
    """What makes two documents of a table the same record."""
    key = KEYS.get(table)
    if key is not None and isinstance(doc.get(key), str):
        return (key, doc[key])
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def _newer(incoming: Document, current: Document) -> bool:
    for name in CHANGED:
        try:
            return datetime.fromisoformat(incoming[name]) > datetime.fromisoformat(current[name])
        except (KeyError, TypeError, ValueError):
            continue
    return False


def merge_table(table: str, current: dict[str, Document], incoming: list[Document]) -> Counts:
    """Merge documents into a table (its id -> document mapping, changed in place)."""
    counts = Counts()
    index = {identity(table, doc): doc_id for doc_id, doc in current.items()}
    next_id = max((int(k) for k in current if k.isdecimal()), default=0) + 1
    for doc in incoming:
        ident = identity(table, doc)
        doc_id = index.get(ident)
        if doc_id is None:
            current[str(next_id)] = doc
            index[ident] = str(next_id)
            next_id += 1
            counts.added += 1
        elif current[doc_id] == doc:
            counts.unchanged += 1
        elif _newer(doc, current[doc_id]):
            current[doc_id] = doc
            counts.updated += 1
        else:
            counts.kept += 1
    if counts.changed:
        counts.by_table[table] = counts.added + counts.updated
    return counts


def merge_into(store: Store, tables: Mapping[str, list[Document]], *, write: bool) -> Counts:
    """Merge into one store in a single atomic write (or only count, with write=False)."""
    counts = Counts()

    def merged() -> Tables:
        data = store.storage.read()
        for table, docs in tables.items():
            counts.add(merge_table(table, data.setdefault(table, {}), docs))
        return data

    if not write:
        merged()
        return counts
    with store.transaction():
        data = merged()
        if counts.changed:
            replace_tables(store, data)
    return counts


def replace_tables(store: Store, data: Tables) -> None:
    """Write a store's whole contents at once (inside its transaction): one atomic write."""
    store.storage.write(data)
    store.db.clear_cache()


def import_contents(
    stores: Stores,
    found: Contents,
    *,
    before: Callable[[], object] | None = None,
    progress: Progress | None = None,
) -> Counts:
    """Merge checked contents into the stores. `before` runs first if anything will change
    (to keep a snapshot of the current state)."""
    planned = Counts()
    for store, tables in found.items():
        planned.add(merge_into(stores[store], tables, write=False))
    if not planned.changed:
        return planned
    if before is not None:
        before()
    counts = Counts()
    for done, (store, tables) in enumerate(found.items(), start=1):
        counts.add(merge_into(stores[store], tables, write=True))
        if progress:
            progress(done, len(found))
    return counts

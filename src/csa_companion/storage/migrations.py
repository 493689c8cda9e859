"""Schema migrations: each turns the tables of one schema version into the next, in memory.

Schema 0 is a plain TinyDB JSON file (what TinyDB's default storage writes, e.g. from a
facilitator's own script or an early prototype): no header, and journal documents that may lack
fields this version relies on. Schema 1 is the first framed, checksummed format.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from csa_companion.storage.fileformat import Tables

SCHEMA_VERSION = 1


def _from_plain_tinydb(tables: Tables) -> Tables:
    """0 -> 1: give every journal document the fields the app relies on. What cannot be
    made sense of (a document that is not an object, a date that is not a date) is left as it
    is: the store sets such documents aside afterwards, and keeps the rest."""
    for doc in tables.get("journal", {}).values():
        if isinstance(doc, dict):
            _normalise_entry(doc)
    return tables


def _normalise_entry(doc: dict[str, Any]) -> None:
    doc.setdefault("uid", uuid.uuid4().hex)
    doc.setdefault("title", "")
    doc.setdefault("body", "")
    tags = doc.get("tags", [])
    if isinstance(tags, str):
        doc["tags"] = [t for t in (part.strip() for part in tags.split(",")) if t]
    elif isinstance(tags, list | tuple):
        doc["tags"] = list(tags)
    doc.setdefault("starred", False)
    for key in ("created", "updated"):
        if key in doc:
            doc[key] = _iso_time(doc[key])
    now = datetime.now(UTC).isoformat()
    doc.setdefault("created", now)
    doc.setdefault("updated", doc["created"])


def _iso_time(value: Any) -> Any:
    """A timestamp or a naive ISO time as an ISO time with a zone; anything else unchanged."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC).isoformat()
        if isinstance(value, str):
            when = datetime.fromisoformat(value)
            return (when if when.tzinfo else when.astimezone()).isoformat()
    except (ValueError, OverflowError, OSError):  # not a date, or out of any calendar's range
        pass
    return value


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _from_plain_tinydb}


def migrate(schema: int, tables: Tables) -> Tables:
    """Apply every migration from `schema` up to SCHEMA_VERSION."""
    for version in range(schema, SCHEMA_VERSION):
        tables = MIGRATIONS[version](tables)
    return tables

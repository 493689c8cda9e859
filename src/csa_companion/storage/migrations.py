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
    """0 -> 1: give every journal document the fields the app relies on."""
    journal = tables.get("journal", {})
    for doc in journal.values():
        _normalise_entry(doc)
    return tables


def _normalise_entry(doc: dict[str, Any]) -> None:
    doc.setdefault("uid", uuid.uuid4().hex)
    doc.setdefault("title", "")
    doc.setdefault("body", "")
    tags = doc.get("tags", [])
    if isinstance(tags, str):
        tags = [t for t in (part.strip() for part in tags.split(",")) if t]
    doc["tags"] = list(tags)
    doc.setdefault("starred", False)
    for key in ("created", "updated"):
        value = doc.get(key)
        if isinstance(value, int | float):
            doc[key] = datetime.fromtimestamp(value, UTC).isoformat()
        elif isinstance(value, str) and datetime.fromisoformat(value).tzinfo is None:
            doc[key] = datetime.fromisoformat(value).astimezone().isoformat()
    now = datetime.now(UTC).isoformat()
    doc.setdefault("created", now)
    doc.setdefault("updated", doc["created"])


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _from_plain_tinydb}


def migrate(schema: int, tables: Tables) -> Tables:
    """Apply every migration from `schema` up to SCHEMA_VERSION."""
    for version in range(schema, SCHEMA_VERSION):
        tables = MIGRATIONS[version](tables)
    return tables

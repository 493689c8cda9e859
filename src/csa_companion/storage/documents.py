"""Which stored documents the app can read, and setting aside those it cannot.

One unreadable document (not an object, a missing uid or date, a date that is not a date, a
field of the wrong type) must neither hide the others nor stop the store from opening. It is
moved, unchanged, into the file's `_quarantine` table together with where it was and what is
wrong with it: kept in the file, never served, and named in a notice. The move happens in
memory when the file is read; the next save writes it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import orjson

from csa_companion.storage.fileformat import Tables

QUARANTINE = "_quarantine"
SHOWN = 5  # documents named in one notice; the rest are counted
MAX_RECORD_BYTES = 4 * 1024 * 1024
"""The largest record that comes in from outside (an import, a bundle, `journal add`): 4 MiB
of JSON, some 1,200 pages of text. A 200 MB entry was imported without a word, and then slowed
every save of the journal."""

Check = Callable[[dict[str, Any]], "str | None"]


def _text(doc: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    if key not in doc:
        return f"{key} is missing" if required else None
    value = doc[key]
    if not isinstance(value, str) or (required and not value):
        return f"{key} is not text ({_show(value)})"
    return None


def _text_or_none(doc: dict[str, Any], key: str) -> str | None:
    return None if doc.get(key) is None else _text(doc, key)


def _time(doc: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    """A timezone-aware ISO 8601 time (naive and aware times cannot be sorted together)."""
    if key not in doc:
        return f"{key} is missing" if required else None
    value = doc[key]
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return f"{key} is not a date ({_show(value)})"
    if when.tzinfo is None:
        return f"{key} has no time zone ({_show(value)})"
    return None if _in_range(when) else f"{key} is out of range ({_show(value)})"


def _in_range(when: datetime) -> bool:
    """Years 2 to 9998: whatever its zone, the moment then converts to any other (year 1 at
    +14:00 is year 0 in UTC, which months, exports and sorting cannot handle)."""
    return 1 < when.year < 9999


def _text_list(doc: dict[str, Any], key: str) -> str | None:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return f"{key} is not a list of text ({_show(value)})"
    return None


def _flag(doc: dict[str, Any], key: str) -> str | None:
    value = doc.get(key, False)
    return None if isinstance(value, bool) else f"{key} is not true or false ({_show(value)})"


def _first(*problems: str | None) -> str | None:
    return next((p for p in problems if p), None)


def _journal(doc: dict[str, Any]) -> str | None:
    return _first(
        _text(doc, "uid", required=True),
        _time(doc, "created"),
        _time(doc, "updated"),
        _text(doc, "title"),
        _text(doc, "body"),
        _text_list(doc, "tags"),
        _flag(doc, "starred"),
        _text_or_none(doc, "worksheet_uid"),
    )


def _observations(doc: dict[str, Any]) -> str | None:
    value = doc.get("observations", [])
    if not isinstance(value, list) or not all(isinstance(o, dict) for o in value):
        return f"observations is not a list of observations ({_show(value)})"
    return _first(*(_first(_text(o, "act", required=True), _time(o, "at")) for o in value))


def _answers(doc: dict[str, Any]) -> str | None:
    value = doc.get("answers", {})
    return None if isinstance(value, dict) else f"answers is not a set of answers ({_show(value)})"


def _worksheet(doc: dict[str, Any]) -> str | None:
    return _first(
        _text(doc, "uid", required=True),
        _text(doc, "tool_id", required=True),
        _time(doc, "created"),
        _time(doc, "updated"),
        _text(doc, "title"),
        _text(doc, "status"),
        _text_or_none(doc, "current_step"),
        _answers(doc),
        _observations(doc),
    )


def _draft(doc: dict[str, Any]) -> str | None:
    return _first(
        _time(doc, "saved_at"),
        _text(doc, "key"),
        _text(doc, "title"),
        _text(doc, "body"),
        _text(doc, "tags"),
        _text_or_none(doc, "entry_uid"),
        _text_or_none(doc, "worksheet_uid"),
    )


def _setting(doc: dict[str, Any]) -> str | None:
    return _text(doc, "key", required=True) or (None if "value" in doc else "value is missing")


def _readable_entry(doc: Any) -> bool:
    """A quick yes for a journal document `_journal` accepts (5,000 of them are checked
    whenever the journal is read: ~5 ms this way, ~30 ms through `_journal`). False only sends
    the document through `_journal`, which has the last word."""
    iso = datetime.fromisoformat
    try:
        tags = doc.get("tags", [])
        return (
            type(doc["uid"]) is str
            and doc["uid"] != ""
            and _aware(iso(doc["created"]))
            and _aware(iso(doc["updated"]))
            and type(doc.get("title", "")) is str
            and type(doc.get("body", "")) is str
            and type(doc.get("starred", False)) is bool
            and type(tags) is list
            and all(type(tag) is str for tag in tags)
            and (doc.get("worksheet_uid") is None or type(doc["worksheet_uid"]) is str)
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return False


def _aware(when: datetime) -> bool:
    return when.tzinfo is not None and _in_range(when)


QUICK: dict[str, Callable[[Any], bool]] = {"journal": _readable_entry}


def _converts(module: str, name: str) -> Check:
    """The check of a table read by a domain class's `from_doc` and given no check of its own
    above: the document must convert. The class is imported when a document is checked."""

    def check(doc: dict[str, Any]) -> str | None:
        try:
            getattr(importlib.import_module(module), name).from_doc(dict(doc))
        except KeyError as error:
            return f"{error.args[0]} is missing"
        except (TypeError, ValueError, AttributeError, ArithmeticError) as error:
            return f"it is not a readable {name} ({error})"
        return None

    return check


CHECKS: dict[str, Check] = {
    "journal": _journal,
    "worksheets": _worksheet,
    "drafts": _draft,
    "settings": _setting,
    "log": _converts("csa_companion.domain.practice", "LogEntry"),
    "program": _converts("csa_companion.domain.program", "Program"),
    "reflections": _converts("csa_companion.domain.reflection", "Reflection"),
    "coaching": _converts("csa_companion.domain.coaching", "CoachingNote"),
    "surveys": _converts("csa_companion.domain.survey", "SurveyResponse"),
}


def problem(table: str, doc_id: str, doc: Any) -> str | None:
    """What makes this document unreadable, or None. Every table needs integer ids and object
    documents (TinyDB's own rules); the app's tables also need the fields the app reads."""
    try:
        int(doc_id)
    except ValueError:
        return f"its id {_show(doc_id)} is not a number"
    if not isinstance(doc, dict):
        return f"it is not a document ({_show(doc)})"
    check = CHECKS.get(table)
    return check(doc) if check else None


def too_large(doc: Any) -> str | None:
    """Why a record is too large to take in (its size, or nesting deeper than the store can
    write), or None."""
    try:
        size = len(orjson.dumps(doc))
    except TypeError:  # orjson writes at most 254 levels
        return "it is nested too deeply"
    if size <= MAX_RECORD_BYTES:
        return None
    limit = MAX_RECORD_BYTES // 1024 // 1024
    return f"it is {size / 1024 / 1024:.1f} MB; a record may be at most {limit} MB"


def set_aside_problem(doc: Any, tables: Collection[str]) -> str | None:
    """What is wrong with an entry of a `_quarantine` table (from an import or a snapshot),
    or None: it must be one the store wrote, naming a table of its file, with the document
    it set aside (which may be anything: it could not be read)."""
    if not isinstance(doc, dict) or set(doc) != {"table", "id", "problem", "document"}:
        return "it is not a record set aside by csa-companion"
    if doc["table"] not in tables:
        return f"it names a table this file does not hold ({_show(doc['table'])})"
    if not isinstance(doc["id"], str) or not isinstance(doc["problem"], str):
        return "it is not a record set aside by csa-companion"
    return None


def quarantine(tables: Tables) -> list[str]:
    """Move every unreadable document (in place) into the quarantine table; return a short
    description of each one moved."""
    moved: list[str] = []
    for name, table in list(tables.items()):
        if name == QUARANTINE:
            continue
        quick = QUICK.get(name, lambda doc: False)
        bad = [
            (doc_id, why)
            for doc_id, doc in table.items()
            if not (doc_id.isdecimal() and quick(doc)) and (why := problem(name, doc_id, doc))
        ]
        if not bad:
            continue
        kept = tables.setdefault(QUARANTINE, {})
        next_id = max((int(k) for k in kept if k.isdecimal()), default=0) + 1
        for doc_id, why in bad:
            kept[str(next_id)] = {
                "table": name,
                "id": doc_id,
                "problem": why,
                "document": table[doc_id],
            }
            del table[doc_id]
            next_id += 1
            moved.append(f"{name} #{doc_id} ({why})")
    return moved


def describe(file_name: str, moved: list[str]) -> str:
    """The notice naming the documents set aside."""
    names = "; ".join(moved[:SHOWN])
    if len(moved) > SHOWN:
        names += f"; and {len(moved) - SHOWN} more"
    one = len(moved) == 1
    return (
        f"{file_name}: {len(moved)} {'document' if one else 'documents'} could not be read "
        f"and {'is' if one else 'are'} not shown: {names}. {'It is' if one else 'They are'} "
        f"kept, unchanged, in the file's {QUARANTINE} table; everything else is shown."
    )


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."

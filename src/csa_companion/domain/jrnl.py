"""Journal entries from what `jrnl --export json` writes.

jrnl's JSON export is `{"tags": {...}, "entries": [{"title", "body", "date", "time", "tags",
"starred"}, ...]}`, with local dates and times and tags such as `@team` or `#team`. Each entry
gets an id made from its contents, so importing the same export again adds nothing.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from csa_companion.domain.journal import JournalEntry, normalise_tag


class NotJrnlError(ValueError):
    """The data is not a jrnl JSON export; the message says what is wrong."""


def entries_from_jrnl(data: Any, zone: tzinfo | None = None) -> list[JournalEntry]:
    """The journal entries of a parsed jrnl export; dates are read in `zone` (None: the
    computer's own). Raises NotJrnlError."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise NotJrnlError("it has no list of jrnl entries")
    return [_entry(number, raw, zone) for number, raw in enumerate(data["entries"], start=1)]


def _entry(number: int, raw: Any, zone: tzinfo | None) -> JournalEntry:
    if not isinstance(raw, dict):
        raise NotJrnlError(f"entry {number} is not an entry")
    fields: dict[str, str] = {}
    for key in ("title", "body", "date", "time"):
        value = raw.get(key)
        if not isinstance(value, str):
            raise NotJrnlError(f"entry {number} has no {key} text")
        fields[key] = value
    tags, starred = raw.get("tags", []), raw.get("starred", False)
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise NotJrnlError(f"entry {number}'s tags are not a list of text")
    if not isinstance(starred, bool):
        raise NotJrnlError(f"entry {number}'s starred is not true or false")
    try:
        day, clock = date.fromisoformat(fields["date"]), time.fromisoformat(fields["time"])
    except ValueError:
        raise NotJrnlError(
            f"entry {number} has no valid date and time ({fields['date']} {fields['time']})"
        ) from None
    naive = datetime.combine(day, clock)
    try:
        when = naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()
        when.astimezone(UTC)  # a moment the store can keep (not before year 1 in UTC)
    except (ValueError, OverflowError):
        raise NotJrnlError(
            f"entry {number} has no valid date and time ({fields['date']} {fields['time']})"
        ) from None
    title, body = fields["title"], fields["body"]
    kept = (normalise_tag(tag.lstrip("@")) for tag in tags)
    return JournalEntry(
        uid=_uid(fields),
        title=title,
        body=body,
        tags=tuple(dict.fromkeys(t for t in kept if t)),
        starred=starred,
        worksheet_uid=None,
        created=when,
        updated=when,
    )


def _uid(fields: dict[str, str]) -> str:
    """The same entry always gets the same id (12 hex digits, like the app's own)."""
    text = "\n".join(("jrnl", fields["date"], fields["time"], fields["title"], fields["body"]))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]

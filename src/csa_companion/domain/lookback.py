"""Look back: an entry or worksheet from about a week, a month and a year ago."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.worksheet import Worksheet

# How far back, and how far either side of that day still counts as "about".
AGES = (
    ("About a week ago", timedelta(days=7), timedelta(days=2)),
    ("About a month ago", timedelta(days=30), timedelta(days=5)),
    ("About a year ago", timedelta(days=365), timedelta(days=15)),
)


@dataclass(frozen=True)
class Memory:
    """Something written before: a journal entry or a worksheet."""

    label: str
    when: datetime
    title: str
    uid: str
    is_worksheet: bool


def memories(entries: Sequence[JournalEntry], sheets: Sequence[Worksheet]) -> list[Memory]:
    return [
        *(Memory("", e.created, e.display_title, e.uid, False) for e in entries),
        *(Memory("", w.created, w.title or w.tool_id, w.uid, True) for w in sheets),
    ]


def near_days(now: datetime) -> list[tuple[str, str]]:
    """('YYYY-MM-DD', 'YYYY-MM-DD') ranges, a day wider each side than the look-back windows
    (for time zones): a cheap first sift of stored documents by the date their time starts
    with, before any is parsed."""
    day = timedelta(days=1)
    return [
        (f"{now - age - slack - day:%Y-%m-%d}", f"{now - age + slack + day:%Y-%m-%d}")
        for _, age, slack in AGES
    ]


def look_back(items: Sequence[Memory], now: datetime) -> list[Memory]:
    """For each age, the item written closest to that many days ago, if one is near enough."""
    found = []
    for label, age, slack in AGES:
        target = now - age
        near = [m for m in items if abs(m.when - target) <= slack]
        if near:
            best = min(near, key=lambda m: abs(m.when - target))
            found.append(Memory(label, best.when, best.title, best.uid, best.is_worksheet))
    return found

"""The practice log: which practice was done when, and for how long (no streaks, no scores)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csa_companion.storage.store import Store, Stores

if TYPE_CHECKING:  # imported on first use: Home does not need the practice model (~4 ms)
    from csa_companion.domain.practice import LogEntry


class PracticeLogRepo:
    """Practice log entries, newest first. Its file is opened on first use, so the app's
    start does not pay for it."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores

    @property
    def store(self) -> Store:
        return self._stores["practice"]

    def all(self) -> list[LogEntry]:
        from csa_companion.domain.practice import LogEntry

        entries = [LogEntry.from_doc(doc) for doc in self.store.documents("log")]
        return sorted(entries, key=lambda e: e.started, reverse=True)

    def add(self, entry: LogEntry) -> None:
        with self.store.transaction():
            self.store.table("log").insert(entry.to_doc())

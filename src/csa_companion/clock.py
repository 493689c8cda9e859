"""The clock the app reads "now" from; injected so tests can use a fake one."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current, timezone-aware time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, in the local timezone."""

    def now(self) -> datetime:
        return datetime.now().astimezone()


class FakeClock:
    """A clock that only moves when told to; for tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start

    def now(self) -> datetime:
        return self._now

"""The clock the app reads "now" from; injected so tests can use a fake one."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current, timezone-aware time, and a monotonic time for
    measuring durations (the practice timer)."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SystemClock:
    """The real clock, in the local timezone."""

    zone: tzinfo | None = None
    """Months are counted with the computer's own zone rules (a fixed offset would be wrong
    on the other side of a daylight-saving change)."""

    def now(self) -> datetime:
        return datetime.now().astimezone()

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that only moves when told to; for tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start
        self._monotonic = 0.0
        self.zone: tzinfo | None = start.tzinfo

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        self._now += timedelta(seconds=seconds)
        self._monotonic += seconds

"""The debounce helper behind autosave: a call held past its longest wait fires at once, with a
timer Textual can run (a zero delay made Textual's timer divide by zero when it started late,
and the editor ended in a ZeroDivisionError traceback as it closed)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from csa_companion.screens.base import Debounce


class Owner:
    """Stands in for a screen: records the timers asked for."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def set_timer(self, delay: float, callback: Callable[[], object]) -> Any:
        self.delays.append(delay)
        return self

    def stop(self) -> None:
        pass


def test_a_call_held_past_its_longest_wait_gets_a_timer_that_can_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    owner = Owner()
    debounce = Debounce(owner, 0.2, lambda: None, max_wait=1.0)  # type: ignore[arg-type]
    debounce()
    now[0] = 100.15
    debounce()  # typing goes on: put off again, up to the longest wait
    now[0] = 101.5  # the app was busy: past the longest wait when the next key arrives
    debounce()
    assert len(owner.delays) == 3
    assert all(delay > 0 for delay in owner.delays), owner.delays

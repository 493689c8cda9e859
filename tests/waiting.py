"""Every wait in the tests goes through here: bounded, and named in the failure message."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen

TIMEOUT = 10.0


async def wait_for(
    predicate: Callable[[], object],
    description: str,
    pilot: Pilot[Any] | None = None,
    timeout: float = TIMEOUT,
) -> None:
    """Wait until `predicate()` is truthy, or fail saying what we were waiting for."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {description}")
        if pilot is not None:
            await pilot.pause(0.02)
        else:
            await asyncio.sleep(0.02)


async def press_closing(pilot: Pilot[Any], key: str) -> None:
    """Press a key that closes the current screen, and wait until it has gone.

    Pilot.press waits for every widget of the current screen to go idle; a screen removed in
    the meantime never does, so that wait never ends. Here the key goes in as the terminal
    would send it, and the wait is for the screen to change.
    """
    app = pilot.app
    before = app.screen
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    await wait_for(
        lambda: app.screen is not before and app.screen.is_mounted,
        f"{key!r} to close {before!r}",
        pilot,
    )
    await pilot.pause()


async def wait_for_screen(pilot: Pilot[Any], screen_type: type[Screen[Any]]) -> None:
    """Wait until a screen of `screen_type` is on top, mounted and drawn once."""
    app = pilot.app
    await wait_for(
        lambda: isinstance(app.screen, screen_type) and app.screen.is_mounted,
        f"the {screen_type.__name__}",
        pilot,
    )
    await pilot.pause()

"""CompanionScreen: the base of every screen (services, help text, safe store calls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

from csa_companion.services import Services
from csa_companion.storage.safe_storage import StoreError


class CompanionScreen(Screen[None]):
    """A full screen of the app."""

    HELP_TEXT: ClassVar[str] = ""
    """What this screen is for, shown at the top of the help screen."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services

    def store_call(self, action: Callable[[], object]) -> bool:
        """Run a store operation; on failure tell the user and return False (nothing is lost:
        whatever they typed stays on screen)."""
        try:
            action()
        except StoreError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
            return False
        return True

    def reload(self) -> None:
        """Show data another process changed; screens that list stored data override this."""


class Debounce:
    """Calls `callback` once calls to this object have paused for `delay` seconds (autosave
    while typing, preview while scrolling)."""

    def __init__(self, owner: MessagePump, delay: float, callback: Callable[[], object]) -> None:
        self._owner = owner
        self._delay = delay
        self._callback = callback
        self._timer: Timer | None = None

    def __call__(self) -> None:
        self.cancel()
        self._timer = self._owner.set_timer(self._delay, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._callback()

    def cancel(self) -> bool:
        """Forget a pending call; True if there was one."""
        pending = self._timer is not None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        return pending

"""CompanionScreen: the base of every screen (services, help text, safe store calls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.screen import Screen

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

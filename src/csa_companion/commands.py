"""The command palette provider: destinations, themes and every key of the current screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

if TYPE_CHECKING:
    from csa_companion.app import CompanionApp

Command = tuple[str, str, Callable[[], object]]


def screen_commands(screen: Screen[object]) -> list[Command]:
    """One command per described binding active on `screen` (so every key is in the palette)."""
    commands: list[Command] = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.description in seen or not active.enabled:
            continue
        seen.add(binding.description)
        commands.append(
            (
                binding.description,
                f"key: {binding.key}",
                partial(screen.app.run_action, binding.action, active.node),
            )
        )
    return commands


class CompanionCommands(Provider):
    """Offers the app's commands in the ctrl+p palette."""

    def _commands(self) -> list[Command]:
        app = cast("CompanionApp", self.app)
        return [*app.palette_commands(), *screen_commands(self.screen)]

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)

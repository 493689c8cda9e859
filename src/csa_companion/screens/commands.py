"""The command palette: every destination and action, the themes, and the current screen's keys.

The app offers only this provider (not Textual's own system commands): Textual's list brought
its ~20 themes, a "Keys" panel beside our Help, and a screenshot that tried to save to a
downloads folder that may not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.binding import ActiveBinding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from csa_companion.domain.role import ROLE_SETTING, role_label, saved_role
from csa_companion.screens import routes
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.rhythm import rhythm_nav
from csa_companion.widgets.themes import THEMES

if TYPE_CHECKING:
    from csa_companion.app import CompanionApp
    from csa_companion.content.model import Tool

Command = tuple[str, str, Callable[[], object]]
HELP_MATCH_WEIGHT = 0.5  # a match in the help line ranks below one in the title


def app_commands(app: CompanionApp, screen: Screen[object]) -> list[Command]:
    """What the palette offers on every screen (a presentation goes nowhere else)."""
    personal = app.present is None
    commands = _destinations_and_actions(app, screen) if personal else []
    commands.append(("Help", "Keys for this screen", app.action_help))
    for label, name in THEMES.items():
        commands.append((f"Theme: {label}", "Colors (remembered)", partial(app.set_theme, name)))
    if personal:
        commands.append(
            (
                "Screenshot",
                "Save a picture (SVG) of this screen in your data folder",
                app.screenshot,
            )
        )
    commands.append(("Quit", "Close the app (everything is already saved)", app.action_quit))
    return commands


def _destinations_and_actions(app: CompanionApp, screen: Screen[object]) -> list[Command]:
    commands: list[Command] = [
        ("Go to Home", "The start screen", partial(app.action_go, "home")),
        ("Go to Tools", "Work a situation through a tool", partial(app.action_go, "tools")),
        ("Go to Journal", "Your private journal", partial(app.action_go, "journal")),
        ("Go to Learn", "Orientation pages", partial(app.action_go, "learn")),
        ("Go to Practice", "Settling and check-in", partial(app.action_go, "practice")),
        *((name, about, partial(app.action_go, to)) for name, about, to in rhythm_nav.PALETTE),
        ("Go to Data", "Export, import, snapshots, sharing", partial(app.action_go, "data")),
        ("Go to Shared with me", "What others shared with you", partial(app.action_go, "shared")),
        ("Go to Team", "What your team published to its folder", partial(app.action_go, "team")),
        (
            "Go to Cohort report",
            "Many participants' survey answers put together (facilitators)",
            partial(app.action_go, "cohort"),
        ),
        ("New entry", "Write a new journal entry", partial(_new_entry, app)),
        ("Search the journal", "Journal: find entries by words or #tag", partial(_search, app)),
        (
            "My role",
            "Whose work the tools' examples come from "
            f"(now: {role_label(saved_role(app.services.settings.get(ROLE_SETTING)))})",
            app.action_choose_role,
        ),
    ]
    for tool in app.services.library.tools:
        commands.append(
            (f"New worksheet: {tool.title}", tool.summary, partial(_start, app, tool, False))
        )
        if tool.acts:
            commands.append(
                (
                    f"Observe a meeting: {tool.title}",
                    "Record each act as it happens",
                    partial(_start, app, tool, True),
                )
            )
    shown = _shown_worksheet(screen)
    if shown is not None and not hasattr(screen, "action_export"):
        commands.append(
            (
                "Export this worksheet",
                "Write it as Markdown with its diagram",
                partial(_export, screen, *shown),
            )
        )
    return commands


def listed_bindings(screen: Screen[object]) -> list[ActiveBinding]:
    """The keys help and the palette list: those the footer shows, and our own keys that it
    leaves out (ours all have ids); not Textual's hidden ones such as tab, copy or a list's
    page keys."""
    return [
        active
        for active in screen.active_bindings.values()
        if active.binding.description and (active.binding.show or active.binding.id)
    ]


def screen_commands(screen: Screen[object]) -> list[Command]:
    """One command per key listed on `screen` (so every key is in the palette)."""
    commands: list[Command] = []
    seen: set[str] = set()
    where = screen.sub_title or "Here"
    for active in listed_bindings(screen):
        binding = active.binding
        if binding.description in seen or not active.enabled:
            continue
        seen.add(binding.description)
        commands.append(
            (
                binding.description,
                f"{where} · key {screen.app.get_key_display(binding)}",
                partial(screen.app.run_action, binding.action, active.node),
            )
        )
    return commands


def _shown_worksheet(screen: Screen[object]) -> tuple[Tool, object] | None:
    from csa_companion.content.model import Tool

    tool, worksheet = getattr(screen, "tool", None), getattr(screen, "worksheet", None)
    return (tool, worksheet) if isinstance(tool, Tool) and worksheet is not None else None


def _export(screen: Screen[object], tool: Tool, worksheet: object) -> None:
    from csa_companion.domain.worksheet import Worksheet

    if isinstance(screen, CompanionScreen) and isinstance(worksheet, Worksheet):
        screen.open("worksheet-export", tool, worksheet)


def _new_entry(app: CompanionApp) -> None:
    screen = app.screen
    if isinstance(screen, CompanionScreen):
        screen.open("editor")


async def _search(app: CompanionApp) -> None:
    journal = routes.make("journal", app.services)
    await app.open_above_home(journal)
    journal.action_search()  # type: ignore[attr-defined]  # a JournalScreen


async def _start(app: CompanionApp, tool: Tool, observe: bool) -> None:
    tools: Any = routes.make("tools", app.services, tool.id)  # a ToolsScreen
    await app.open_above_home(tools)
    if observe:
        tools.action_observe()
    else:
        tools.action_new()


def screenshot_path(data_dir: Path, stamp: str) -> Path:
    """Where a screenshot taken at `stamp` goes: the data folder is private to the user, and a
    screenshot may show their journal."""
    return data_dir / "screenshots" / f"csa-companion-{stamp}.svg"


class CompanionCommands(Provider):
    """Offers the app's commands in the ctrl+p palette."""

    def _commands(self) -> list[Command]:
        app = cast("CompanionApp", self.app)
        keys = {command[0].casefold(): command for command in screen_commands(self.screen)}
        commands: list[Command] = []
        for title, help_text, callback in app_commands(app, self.screen):
            key = keys.pop(title.casefold(), None)  # "Help", "New entry": once, with its key
            if key is not None:
                help_text, callback = f"{help_text} · {key[1]}", key[2]
            commands.append((title, help_text, callback))
        return commands + list(keys.values())

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            # The help line counts too: "journal" finds "New entry" and the Journal's keys.
            score = max(matcher.match(title), matcher.match(help_text) * HELP_MATCH_WEIGHT)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)

"""The command palette: every action, only the app's themes, a working screenshot."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from csa_companion.screens.dialogs import Ask
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.widgets.themes import THEMES
from tests.conftest import AppFactory
from tests.helpers import seed_journal
from tests.screen import screen_text
from tests.ui.test_tools import start_worksheet
from tests.waiting import press_closing, wait_for, wait_for_screen


def _titles(pilot: Pilot[None]) -> list[str]:
    results = pilot.app.screen.query_one(CommandList)
    return [o.hit.text or "" for o in results.options if isinstance(o, Command)]


async def palette(pilot: Pilot[None], query: str = "", *, typed: bool = True) -> list[str]:
    """Open the palette, type `query` (or paste it: one search instead of one a key), and
    return the titles it lists once they settle."""
    await pilot.press("ctrl+p")
    await wait_for_screen(pilot, CommandPalette)
    if query and typed:
        await pilot.press(*query)
    elif query:
        pilot.app.screen.query_one(Input).value = query
    seen: list[list[str]] = [[]]

    def settled() -> bool:
        titles = _titles(pilot)
        same = bool(titles) and titles == seen[-1]
        seen.append(titles)
        return same

    await wait_for(settled, f"the palette's list for {query!r}", pilot)
    return seen[-1]


async def run(pilot: Pilot[None], title: str) -> None:
    """Search for `title` (pasted: typing is tested above) and run that command."""
    titles = await palette(pilot, title, typed=False)
    palette_list = pilot.app.screen.query_one(CommandList)
    palette_list.highlighted = titles.index(title)
    await press_closing(pilot, "enter")


async def test_palette_lists_the_apps_themes_only_and_nothing_twice(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        titles = await palette(pilot)
        assert len(titles) == len(set(titles)), titles
        assert [t for t in titles if "theme" in t.casefold()] == [
            f"Theme: {label}" for label in THEMES
        ]
        assert "Keys" not in titles and "Help" in titles  # Textual's Keys panel duplicated Help
        assert "palette" not in titles  # the palette's own key
        for place in ("Home", "Tools", "Journal", "Learn", "Practice", "Data", "Shared with me"):
            assert f"Go to {place}" in titles  # every destination
    assert set(app.available_themes) == set(THEMES.values())  # e.g. no "nord", "gruvbox"


async def test_typing_journal_finds_the_journal_actions(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(data_dir, ("Late pickups", "Three this week", ("pickup",)))
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        titles = await palette(pilot, "journal")
        for title in ("Go to Journal", "New entry", "Search the journal"):
            assert title in titles
        await press_closing(pilot, "escape")
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        titles = await palette(pilot, "journal")
        for title in ("New entry", "Star", "Delete", "Edit", "Undo delete"):
            assert title in titles


async def test_palette_opens_a_new_entry_and_the_journal_search(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await run(pilot, "Search the journal")
        await wait_for_screen(pilot, JournalScreen)
        await wait_for(lambda: app.focused is app.screen.query_one("#search"), "search", pilot)
        await run(pilot, "New entry")
        await wait_for(lambda: "New journal entry" in screen_text(app), "the editor", pilot)


async def test_palette_starts_each_tool_and_the_observer(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        for tool in app.services.library.tools:
            await run(pilot, f"New worksheet: {tool.title}")
            await wait_for_screen(pilot, Ask)
            await press_closing(pilot, "enter")  # the suggested title
            await wait_for_screen(pilot, WalkthroughScreen)
            assert app.screen.tool is tool  # type: ignore[attr-defined]
        await run(pilot, "Observe a meeting: The Four Player Model")
        await wait_for_screen(pilot, Ask)
        await press_closing(pilot, "enter")
        await wait_for_screen(pilot, ObserverScreen)


async def test_palette_exports_the_worksheet_being_written(
    new_app: AppFactory, tmp_path: Path
) -> None:
    app = new_app()
    target = tmp_path / "exports" / "iceberg.md"  # a folder that does not exist yet
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        await pilot.press(*"Shoving at the gate")
        await run(pilot, "Export this worksheet")
        await wait_for_screen(pilot, Ask)
        app.screen.query_one(Input).value = str(target)
        await press_closing(pilot, "enter")
        await wait_for(target.exists, "the exported file", pilot)
        await wait_for(lambda: "Exported to" in screen_text(app), "the notice", pilot)
    assert "Shoving at the gate" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_screenshot_is_saved_in_the_data_folder_and_says_where(
    new_app: AppFactory, data_dir: Path
) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await run(pilot, "Screenshot")
        folder = data_dir / "screenshots"
        await wait_for(lambda: folder.is_dir() and any(folder.iterdir()), "the file", pilot)
        await wait_for(lambda: "Screenshot saved to" in screen_text(app), "the notice", pilot)
    [shot] = folder.iterdir()
    assert shot.suffix == ".svg" and "Reflections" in shot.read_text()  # Home
    assert "Search" not in shot.read_text()  # the palette ("Search for commands…") had closed
    assert stat.S_IMODE(shot.stat().st_mode) == 0o600

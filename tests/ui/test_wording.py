"""What the screens say about counts and titles (issue 7, item 25)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from tests.conftest import AppFactory
from tests.screen import screen_text
from tests.ui.test_tools import start_worksheet
from tests.ui.test_walkthrough import open_first_worksheet, seed_worksheet
from tests.waiting import press_closing, wait_for, wait_for_screen


async def test_one_observed_act_is_one_act(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_worksheet(pilot, "four-player-model", "o", "observing", ObserverScreen)
        assert isinstance(screen, ObserverScreen)
        await pilot.press("m")
        await wait_for(lambda: len(screen.worksheet.observations) == 1, "one act", pilot)
        await wait_for(lambda: "1 act" in screen_text(app), "the count", pilot)
        assert "1 acts" not in screen_text(app)


async def test_saved_reflection_has_no_quotes_inside_quotes(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_worksheet(data_dir, "iceberg", {"event": "Shoving"}, status="complete")
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_first_worksheet(pilot, "iceberg")
        await wait_for_screen(pilot, WorksheetViewScreen)
        await pilot.press("r")
        await wait_for_screen(pilot, EntryEditorScreen)
        assert app.screen.query_one("#title", Input).value == "Reflecting on “Late pickups”"
        await pilot.press(*"A second adult at the gate")
        await press_closing(pilot, "ctrl+s")
        await wait_for(lambda: "Saved “Reflecting on" in screen_text(app), "the notice", pilot)
        text = screen_text(app)
        assert "Saved “Reflecting on ‘Late" in text
        assert "““" not in text and "””" not in text

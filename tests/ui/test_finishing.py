"""Finishing a worksheet or an observation: "complete" only once its closing step (or every
required step) is answered, else "ended early"; the Four Player observer keeps the names typed
in "Who acts next?" with each act."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.widgets import TextArea

from csa_companion.screens.dialogs import Choice
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from tests.conftest import AppFactory
from tests.screen import screen_text
from tests.ui.test_tools import start_worksheet, worksheets_at
from tests.waiting import wait_for, wait_for_screen


def burst(app: App[None], *keys: str) -> None:
    """Keys arriving together, each queued before the one before it is handled."""
    driver = app._driver  # as Pilot.press sends keys, without waiting between them
    assert driver is not None
    for key in keys:
        event = events.Key(key, None if key == "enter" else key)
        event.set_sender(app)
        driver.send_message(event)


async def test_names_typed_straight_after_n_stay_with_each_act(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Typed at once after n, a name's letters went to the board (the m of "Mo" was a Move)."""
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_worksheet(pilot, "four-player-model", "o", "observing", ObserverScreen)
        burst(app, "n", "M", "o", "enter")  # as fast as a terminal delivers a typed name
        await pilot.pause(0.5)
        assert "Next act: Mo" in screen_text(app)
        burst(app, "m", "n", "R", "a", "j", "enter", "o", "f")
        await wait_for(lambda: "3 acts" in screen_text(app), "three acts", pilot)
        assert "Move (Mo) → Oppose (Raj) → Follow" in screen_text(app)
        await pilot.press("ctrl+f")  # three acts are too few to read a pattern from
        await wait_for_screen(pilot, WorksheetViewScreen)
        assert "· ended early ·" in screen_text(app)
    [sheet] = worksheets_at(data_dir).all()
    assert [(o.act, o.name) for o in sheet.observations] == [
        ("move", "Mo"),
        ("oppose", "Raj"),
        ("follow", ""),
    ]
    assert sheet.status == "ended-early"


async def test_a_worksheet_is_complete_only_once_its_closing_step_is_answered(
    new_app: AppFactory, data_dir: Path
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        assert isinstance(screen, WalkthroughScreen)
        screen.query_one(TextArea).load_text("Shoving at the gate")
        await pilot.pause()
        await pilot.press("ctrl+f")
        await wait_for_screen(pilot, Choice)
        await pilot.click("#finish")  # finish anyway, the other steps empty
        await wait_for_screen(pilot, WorksheetViewScreen)
        assert "· ended early ·" in screen_text(app)
        [sheet] = worksheets_at(data_dir).all()
        assert sheet.status == "ended-early"
        await pilot.press("e")  # back in, to its closing step
        await wait_for_screen(pilot, WalkthroughScreen)
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        closing = next(s for s in walk.tool.steps if s.closing)
        walk.go_to(walk.tool.steps.index(closing))
        await pilot.pause()
        walk.query_one(TextArea).load_text("I felt rushed, and noticed it")
        await pilot.pause()
        await pilot.press("ctrl+f")
        await wait_for_screen(pilot, Choice)
        await pilot.click("#finish")
        await wait_for_screen(pilot, WorksheetViewScreen)
        assert "· complete ·" in screen_text(app)
    [sheet] = worksheets_at(data_dir).all()
    assert sheet.status == "complete"

"""Practices run from Home: setup and presets, the running screen on a fake clock, the note and
the practice log afterwards, reduced motion."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, ProgressBar, Select

from csa_companion.clock import FakeClock
from csa_companion.paths import DataPaths
from csa_companion.screens.practice.practice import NoticeDialog, PracticeScreen
from csa_companion.screens.practice.practice_setup import PracticeSetupScreen
from csa_companion.screens.practice.practices import PracticesScreen
from csa_companion.storage.practice_log import PracticeLogRepo
from csa_companion.storage.store import Stores
from csa_companion.widgets.big_text import BigText
from csa_companion.widgets.pacer import SHAPE, BreathPacer
from tests.conftest import AppFactory
from tests.helpers import journal_at
from tests.screen import screen_text
from tests.waiting import press_closing, wait_for, wait_for_screen


async def open_setup(pilot: Pilot[None], practice_id: str) -> PracticeSetupScreen:
    """From Home: p, highlight the practice, Enter."""
    await pilot.press("p")
    await wait_for_screen(pilot, PracticesScreen)
    screen = pilot.app.screen
    assert isinstance(screen, PracticesScreen)
    listing = screen.query_one("#practice-list", OptionList)
    listing.highlighted = [p.id for p in screen.practices].index(practice_id)
    await pilot.press("enter")
    await wait_for_screen(pilot, PracticeSetupScreen)
    setup = pilot.app.screen
    assert isinstance(setup, PracticeSetupScreen)
    return setup


async def start(pilot: Pilot[None]) -> PracticeScreen:
    await pilot.press("ctrl+s")
    await wait_for_screen(pilot, PracticeScreen)
    screen = pilot.app.screen
    assert isinstance(screen, PracticeScreen)
    return screen


def digits(screen: PracticeScreen) -> str:
    return screen.query_one("#practice-left", BigText).text


async def advance(pilot: Pilot[None], clock: FakeClock, seconds: float, shows: str) -> None:
    """Move the fake clock and wait until the screen shows `shows`."""
    clock.advance(seconds)
    await wait_for(lambda: shows in screen_text(pilot.app), repr(shows), pilot)


async def test_practice_runs_on_the_clock_and_pauses(new_app: AppFactory, clock: FakeClock) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot, "settling-arrive")
        screen = await start(pilot)
        text = screen_text(app)
        assert "Welcome. Let the last task rest for now." in text
        assert "phase 1 of 5" in text and digits(screen) == "0:30"
        await advance(pilot, clock, 12, "phase 1 of 5")
        await wait_for(lambda: digits(screen) == "0:18", "0:18 left", pilot)
        await pilot.press("space")
        await advance(pilot, clock, 100, "Paused")
        assert digits(screen) == "0:18"  # time stood still while paused
        await pilot.press("space")
        await advance(pilot, clock, 18, "Sit comfortably upright")
        assert "phase 2 of 5" in screen_text(app)
        await pilot.press("n")
        await wait_for(lambda: "phase 3 of 5" in screen_text(app), "next phase", pilot)
        await pilot.press("left")
        await wait_for(lambda: "phase 2 of 5" in screen_text(app), "previous phase", pilot)
        progress = screen.query_one("#practice-progress", ProgressBar).progress
        assert round(progress) == round(30 / 180 * 100)


async def test_end_asks_first_when_time_is_left(new_app: AppFactory, clock: FakeClock) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot, "arrival")
        screen = await start(pilot)
        await pilot.press("escape")
        await wait_for(lambda: "End the practice? 1:00 is left." in screen_text(app), "ask", pilot)
        await press_closing(pilot, "escape")  # keep going
        assert app.screen is screen
        await advance(pilot, clock, 52, "Notice one thing you can see")
        await press_closing(pilot, "escape")  # 8 s left: no question
        await wait_for_screen(pilot, PracticesScreen)


async def test_note_lands_in_the_journal_and_the_log_records_it(
    new_app: AppFactory, clock: FakeClock, data_dir: Path
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_setup(pilot, "arrival")
        await start(pilot)
        await advance(pilot, clock, 30, "Take three slow breaths")
        clock.advance(30)
        await wait_for_screen(pilot, NoticeDialog)
        await pilot.press(*"My shoulders let go")
        await press_closing(pilot, "enter")
        await wait_for(lambda: "Saved to your journal" in screen_text(app), "saved", pilot)
        assert "Welcome. Let's begin." in screen_text(app)  # the closing words
        await press_closing(pilot, "escape")
        await wait_for_screen(pilot, PracticesScreen)
        assert "One-minute arrival" in str(
            app.screen.query_one("#practice-log", OptionList).get_option_at_index(0).prompt
        )
        assert "1 min" in screen_text(app)
    [entry] = journal_at(data_dir).all()
    assert entry.body == "My shoulders let go"
    assert entry.tags == ("arrival", "practice")
    [logged] = PracticeLogRepo(Stores(DataPaths(data_dir))).all()
    assert (logged.practice_id, logged.minutes) == ("arrival", 1.0)


def shows(app: App[None], text: str) -> bool:
    return text in screen_text(app)


async def test_the_log_keeps_the_minutes_practiced_when_phases_are_skipped(
    new_app: AppFactory, clock: FakeClock, data_dir: Path
) -> None:
    """settling-arrive is planned at 3 minutes: 40 s of it, its last phases skipped, is 0.7."""
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot, "settling-arrive")
        await start(pilot)
        await advance(pilot, clock, 40, "phase 2 of 5")
        for phase in ("phase 3 of 5", "phase 4 of 5", "phase 5 of 5"):
            await pilot.press("n")
            await wait_for(partial(shows, app, phase), phase, pilot)
        await pilot.press("n")
        await wait_for_screen(pilot, NoticeDialog)
        await press_closing(pilot, "escape")
        await press_closing(pilot, "escape")
        await wait_for_screen(pilot, PracticesScreen)
        log = app.screen.query_one("#practice-log", OptionList)
        assert "0.7 min" in str(log.get_option_at_index(0).prompt)
    [logged] = PracticeLogRepo(Stores(DataPaths(data_dir))).all()
    assert logged.minutes == 0.7


async def test_note_can_be_skipped(new_app: AppFactory, clock: FakeClock, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot, "arrival")
        await start(pilot)
        clock.advance(60)
        await wait_for_screen(pilot, NoticeDialog)
        await press_closing(pilot, "escape")
    assert journal_at(data_dir).all() == []
    assert len(PracticeLogRepo(Stores(DataPaths(data_dir))).all()) == 1


async def test_setup_is_remembered_per_practice(new_app: AppFactory, clock: FakeClock) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot, "settling-arrive")
        setup.query_one("#setup-length", Input).value = "6"
        setup.query_one("#setup-arrive", Input).value = "90"
        setup.query_one("#setup-bells", Select).value = "double"
        screen = await start(pilot)
        assert screen.plan.total == 360 and screen.plan.arrive == 90
        assert screen.plan.bells[-1].strikes == 2
        assert "Starting in" in screen_text(app) and digits(screen) == "1:30"
        await press_closing(pilot, "escape")
        await press_closing(pilot, "enter")  # "End it"
        await wait_for_screen(pilot, PracticesScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, PracticeSetupScreen)
        again = app.screen
        assert again.query_one("#setup-length", Input).value == "6:00"
        assert again.query_one("#setup-arrive", Input).value == "90"
        assert again.query_one("#setup-bells", Select).value == "double"


async def test_bad_setup_says_why_and_does_not_start(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        setup = await open_setup(pilot, "arrival")
        setup.query_one("#setup-arrive", Input).value = "400"
        await pilot.press("ctrl+s")
        await wait_for(lambda: "can be at most" in screen_text(app), "the message", pilot)
        setup.query_one("#setup-arrive", Input).value = ""
        setup.query_one("#setup-bells", Select).value = "custom"
        setup.query_one("#setup-custom", Input).value = "0:30, 9:00"
        await pilot.press("ctrl+s")
        await wait_for(lambda: "is outside" in screen_text(app), "the message", pilot)
        assert app.screen is setup


async def test_check_in_shows_the_guiding_question(new_app: AppFactory, clock: FakeClock) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        setup = await open_setup(pilot, "check-in")
        await pilot.press("ctrl+s")
        await wait_for(lambda: "pick a guiding question" in screen_text(app), "asked", pilot)
        setup.query_one("#setup-question", Select).value = "__own__"
        setup.query_one("#setup-own", Input).value = "What surprised you this week?"
        screen = await start(pilot)
        assert "What surprised you this week?" in screen_text(app)
        await pilot.press("n", "n", "n")
        await wait_for(lambda: "Waiting" not in screen_text(app), "the groups phase", pilot)
        await advance(pilot, clock, 60, "Waiting for the facilitator")
        await advance(pilot, clock, 300, "Waiting for the facilitator")  # it holds
        await pilot.press("n")
        await wait_for(lambda: "Sharing in small groups" in screen_text(app), "sharing", pilot)
        assert digits(screen) == "10:00"


async def test_pacer_grows_and_reduced_motion_shows_words_only(
    new_app: AppFactory, clock: FakeClock
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot, "paced-breathing")
        screen = await start(pilot)
        pacer = screen.query_one(BreathPacer)
        assert not pacer.display  # no rhythm in the first phase
        await pilot.press("n")
        await advance(pilot, clock, 2, "Breathe in")
        assert pacer.display and SHAPE in screen_text(app)
        await pilot.press("m")
        await wait_for(lambda: SHAPE not in screen_text(app), "the shape to go", pilot)
        await advance(pilot, clock, 4, "Breathe out")
        assert SHAPE not in screen_text(app)
        assert app.services.settings.get("reduced_motion") is True


async def test_bells_ring_the_terminal_bell_and_flash(
    new_app: AppFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = new_app()
    rung: list[bool] = []
    monkeypatch.setattr(app, "bell", lambda: rung.append(app.screen.has_class("flash")))
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot, "arrival")
        setup.query_one("#setup-bells", Select).value = "double"
        screen = await start(pilot)
        await wait_for(lambda: len(rung) == 1, "the opening bell", pilot)
        await wait_for(lambda: screen.has_class("flash"), "the flash", pilot)
        await wait_for(lambda: not screen.has_class("flash"), "the flash to end", pilot)
        clock.advance(60)
        await wait_for(lambda: len(rung) == 3, "two strikes at the end", pilot)

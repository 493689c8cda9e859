"""Drafts do not pile up: none is left empty, any can be discarded (with undo), and an
observation can be ended (issue 7, item 21)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import OptionList

from csa_companion.domain.journal import Draft
from csa_companion.domain.worksheet import ENDED_EARLY, Observation, Worksheet
from csa_companion.paths import DataPaths
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from csa_companion.storage.repos import DraftRepo
from csa_companion.storage.store import Stores
from tests.conftest import START, AppFactory
from tests.screen import screen_text, screen_words
from tests.ui.test_tools import start_worksheet, worksheets_at
from tests.ui.test_walkthrough import bundled_tool
from tests.waiting import press_closing, wait_for, wait_for_screen

SMALL = (80, 24)


def nothing_waits(app: App[None]) -> bool:
    """Home says nothing is unfinished (in a new folder, "Start here" takes the empty card's
    place: the card is shown only when something waits)."""
    text = screen_text(app)
    return "Nothing unfinished" in text or ("Start here" in text and "Waiting for" not in text)


def drafts_at(data_dir: Path) -> DraftRepo:
    return DraftRepo(Stores(DataPaths(data_dir))["drafts"])


@pytest.mark.parametrize(
    ("tool_id", "key", "question", "opens"),
    [
        ("iceberg", "n", "short title", WalkthroughScreen),
        ("four-player-model", "o", "observing", ObserverScreen),
    ],
)
async def test_starting_and_leaving_at_once_leaves_no_draft(
    new_app: AppFactory,
    data_dir: Path,
    tool_id: str,
    key: str,
    question: str,
    opens: type[WalkthroughScreen | ObserverScreen],
) -> None:
    app = new_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await start_worksheet(pilot, tool_id, key, question, opens)
        await press_closing(pilot, "escape")
        await wait_for(lambda: "No worksheets yet" in screen_text(app), "an empty list", pilot)
        await press_closing(pilot, "escape")  # Home
        assert nothing_waits(app)
    assert worksheets_at(data_dir).all() == []


def seed_waiting(data_dir: Path) -> None:
    """One of each draft: a journal draft, a draft worksheet and an observation."""
    drafts_at(data_dir).save(Draft("", "Half a thought", "", START, key="k1"))
    sheets = worksheets_at(data_dir)
    later = START + timedelta(minutes=1)
    sheets.save(
        Worksheet.new(bundled_tool("iceberg"), "Gate at pickup", later).with_answer(
            "event", "Shoving", later
        )
    )
    meeting = Worksheet.new(bundled_tool("four-player-model"), "Staff meeting", START)
    sheets.save(meeting.observed(Observation("move", START)))


WAITING = {
    "Half a thought": "the draft “Half a thought”",
    "Gate at pickup": "the draft worksheet “Gate at pickup”",
    "Staff meeting": "the observation “Staff meeting”",
}


@pytest.mark.parametrize("name", list(WAITING))
async def test_any_waiting_draft_can_be_discarded_and_put_back(
    new_app: AppFactory, data_dir: Path, name: str
) -> None:
    seed_waiting(data_dir)
    app = new_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        waiting = app.screen.query_one("#home-waiting", OptionList)

        def listed() -> list[str]:
            return [str(waiting.get_option_at_index(n).prompt) for n in range(waiting.option_count)]

        assert all(any(other in label for label in listed()) for other in WAITING)
        waiting.focus()
        waiting.highlighted = next(n for n, label in enumerate(listed()) if name in label)
        await wait_for(lambda: name in screen_text(app), "the draft in view", pilot)
        await pilot.press("x")
        question = f"Discard {WAITING[name]}?"
        await wait_for(lambda: question in screen_words(app), "the question", pilot)
        await press_closing(pilot, "enter")  # Discard
        await wait_for(lambda: not any(name in label for label in listed()), "gone", pilot)
        assert "Press ctrl+z on Home to" in screen_text(app)
        assert all(any(o in label for label in listed()) for o in WAITING if o != name)
        assert name not in stored_names(data_dir)
        await pilot.press("ctrl+z")
        await wait_for(lambda: any(name in label for label in listed()), "put back", pilot)
        assert name in stored_names(data_dir)


def stored_names(data_dir: Path) -> set[str]:
    return {d.name for d in drafts_at(data_dir).all()} | {
        w.title for w in worksheets_at(data_dir).drafts()
    }


async def test_an_observation_can_be_ended(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        screen = await start_worksheet(pilot, "four-player-model", "o", "observing", ObserverScreen)
        assert isinstance(screen, ObserverScreen)
        await pilot.press("m", "f")
        await wait_for(lambda: len(screen.worksheet.observations) == 2, "two acts", pilot)
        await press_closing(pilot, "ctrl+f")
        assert isinstance(app.screen, WorksheetViewScreen)
        assert "ended early" in screen_text(app)  # two acts: too few to read a pattern from
        await press_closing(pilot, "escape")  # Tools
        await press_closing(pilot, "escape")  # Home
        assert isinstance(app.screen, HomeScreen)
        assert nothing_waits(app)
    [sheet] = worksheets_at(data_dir).all()
    assert sheet.status == ENDED_EARLY and [o.act for o in sheet.observations] == ["move", "follow"]


async def test_discarding_in_the_editor_can_be_undone_on_home(
    new_app: AppFactory, data_dir: Path
) -> None:
    app = new_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press("tab", *"Not sure about this")
        await pilot.press("ctrl+r")
        await wait_for(lambda: "Discard your changes" in screen_text(app), "the question", pilot)
        app.screen.query_one("#discard").focus()
        await press_closing(pilot, "enter")
        await wait_for_screen(pilot, HomeScreen)
        assert drafts_at(data_dir).all() == []
        assert nothing_waits(app)
        await pilot.press("ctrl+z")
        await wait_for(lambda: "Not sure about this" in screen_text(app), "the draft back", pilot)
    [draft] = drafts_at(data_dir).all()
    assert draft.body == "Not sure about this"


async def test_every_draft_waits_on_home_even_the_oldest(
    new_app: AppFactory, data_dir: Path
) -> None:
    sheets = worksheets_at(data_dir)
    for n in range(8):
        when = START + timedelta(minutes=n)
        sheet = Worksheet.new(bundled_tool("iceberg"), f"Situation {n}", when)
        sheets.save(sheet.with_answer("event", "Something", when))
    app = new_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        waiting = app.screen.query_one("#home-waiting", OptionList)
        assert waiting.option_count == 8
        waiting.focus()
        await pilot.press("end")  # the oldest is at the bottom
        await wait_for(lambda: "Situation 0" in screen_text(app), "the oldest in view", pilot)
        await pilot.press("x")
        await wait_for(lambda: "Discard the draft" in screen_words(app), "the question", pilot)
        await press_closing(pilot, "enter")
        await wait_for(lambda: waiting.option_count == 7, "one fewer", pilot)
    assert "Situation 0" not in {w.title for w in worksheets_at(data_dir).all()}

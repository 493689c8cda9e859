"""The walkthrough as a person meets it at 80x24: focus, choosing, progress and wording."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from csa_companion.app import CompanionApp
from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import bundled_content_dir
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from tests.conftest import START, AppFactory
from tests.screen import screen_text, screen_words
from tests.ui.test_tools import open_tool, start_worksheet, worksheets_at
from tests.waiting import press_closing, wait_for, wait_for_screen

SMALL = (80, 24)


def bundled_tool(tool_id: str) -> Tool:
    tool = load_library([bundled_content_dir()]).get(tool_id)
    assert isinstance(tool, Tool)
    return tool


def seed_worksheet(
    data_dir: Path, tool_id: str, answers: dict[str, str], **changes: str
) -> Worksheet:
    """Store a worksheet for `tool_id` with `answers` (and e.g. status) as if made earlier."""
    from dataclasses import replace

    sheet = Worksheet.new(bundled_tool(tool_id), "Late pickups", START)
    for step_id, text in answers.items():
        sheet = sheet.with_answer(step_id, text, START)
    sheet = replace(sheet, **changes)  # type: ignore[arg-type]
    worksheets_at(data_dir).save(sheet)
    return sheet


async def open_first_worksheet(pilot: Pilot[None], tool_id: str) -> None:
    """From Home: Tools, the tool, Enter on its first worksheet."""
    await open_tool(pilot, tool_id)
    pilot.app.screen.query_one("#worksheets", OptionList).focus()
    await pilot.press("enter")


ICEBERG_BUT_LEVERAGE = {
    "event": "Shoving at the gate",
    "patterns": "Every Monday",
    "structures": "One adult at the gate",
    "mental-models": "Pickup is not our job",
    "closing": "Calmer than I expected",
}


async def test_finish_names_the_one_empty_step_in_plain_words(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_worksheet(data_dir, "iceberg", ICEBERG_BUT_LEVERAGE)
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_first_worksheet(pilot, "iceberg")
        await wait_for_screen(pilot, WalkthroughScreen)
        await pilot.press("ctrl+f")
        await wait_for(lambda: "no answer yet" in screen_text(app), "the question", pilot)
        text = screen_words(app)
        assert "1 step has no answer yet: Leverage: what will I try? Finish anyway" in text
        assert "(s)" not in text and "?." not in text


async def test_finish_with_several_empty_steps_shows_both_buttons_whole_at_80x24(
    new_app: AppFactory, data_dir: Path
) -> None:
    """The first button named the step ("Go back to “Structures: what produces it?”"), which
    pushed "Finish anyway" off the dialog at 80 columns ("Finish anyw")."""
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        walk = await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        await pilot.press(*"Only this", "ctrl+n", *"Every Monday", "ctrl+f")
        await wait_for(lambda: "have no answer yet" in screen_text(app), "the summary", pilot)
        rows = screen_text(app).splitlines()
        assert any("Go back" in row and "Finish anyway" in row for row in rows), rows
        await press_closing(pilot, "enter")  # the first button still goes back
        assert app.screen is walk and walk.step.id == "structures"  # type: ignore[attr-defined]


async def test_leaving_a_finished_unchanged_worksheet_says_nothing(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_worksheet(data_dir, "iceberg", ICEBERG_BUT_LEVERAGE, status="complete")
    app = new_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await open_first_worksheet(pilot, "iceberg")
        await wait_for_screen(pilot, WorksheetViewScreen)
        await pilot.press("e")
        await wait_for_screen(pilot, WalkthroughScreen)
        await press_closing(pilot, "escape")
        assert isinstance(app.screen, WorksheetViewScreen)
        await pilot.pause(0.1)
        assert "Resume this worksheet" not in screen_text(app)
        assert "Saved" not in screen_text(app)

        await pilot.press("e")  # a change is still confirmed
        await wait_for_screen(pilot, WalkthroughScreen)
        await pilot.press(*" again")  # typed where the answer stops
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        await wait_for(
            lambda: walk.worksheet.answer("event") == "Shoving at the gate again", "more", pilot
        )
        await press_closing(pilot, "escape")
        await wait_for(lambda: "Saved your changes to “Late" in screen_text(app), "a notice", pilot)
        assert "Resume this worksheet" not in screen_text(app)


async def test_progress_counts_an_answer_as_it_is_typed(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        assert "0%" in screen_text(app)
        await pilot.press(*"Shoving")
        await wait_for(lambda: "14%" in screen_text(app), "one of seven steps counted", pilot)
        await pilot.press(*["backspace"] * len("Shoving"))  # an emptied answer no longer counts
        await wait_for(lambda: "0%" in screen_text(app), "none counted", pilot)
        assert "Step 1 of 7" in screen_text(app)


async def test_typing_after_showing_and_hiding_the_diagram(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        walk = await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        assert isinstance(walk, WalkthroughScreen)
        await pilot.press("ctrl+g")
        await wait_for(lambda: walk.has_class("-diagram-only"), "the diagram alone", pilot)
        await pilot.press("ctrl+g")
        await wait_for(lambda: not walk.has_class("-diagram-only"), "the steps again", pilot)
        await pilot.press(*"Shoving")
        await wait_for(lambda: walk.answer_box.text == "Shoving", "the typed answer", pilot)
        assert "Shoving" in screen_text(app)


async def test_enter_chooses_on_a_choice_step(new_app: AppFactory, data_dir: Path) -> None:
    seed_worksheet(data_dir, "ladder-of-social-connectedness", {"who": "The teachers"})
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_first_worksheet(pilot, "ladder-of-social-connectedness")
        await wait_for_screen(pilot, WalkthroughScreen)
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        await pilot.press("ctrl+n")
        await wait_for(lambda: walk.step.id == "now", "the rung step", pilot)
        await pilot.pause()
        assert "Enter chooses" in screen_text(app)  # the screen says how to choose
        await pilot.press("ctrl+g", "ctrl+g")  # the diagram and back: the choices keep focus
        await wait_for(lambda: walk.focused is walk.query_one("#choices"), "focus back", pilot)
        await pilot.press("down", "enter")
        await wait_for(lambda: walk.worksheet.answer("now") == "Aware", "the rung chosen", pilot)
    [sheet] = worksheets_at(data_dir).all()
    assert sheet.answer("now") == "Aware"


async def test_a_choice_step_takes_words_too(new_app: AppFactory, data_dir: Path) -> None:
    seed_worksheet(
        data_dir,
        "ladder-of-social-connectedness",
        {"who": "The teachers", "now": "Aware"},
        current_step="want",
    )
    rungs = bundled_tool("ladder-of-social-connectedness").rungs
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_first_worksheet(pilot, "ladder-of-social-connectedness")
        await wait_for_screen(pilot, WalkthroughScreen)
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen) and walk.step.id == "want"
        assert "Why does that matter" in screen_text(app)
        await pilot.press(*["down"] * (len(rungs) - 1), "enter")  # the top rung
        await wait_for(lambda: "Chosen: Acting together" in screen_text(app), "the choice", pilot)
        await pilot.press(*"So children see one program")  # the cursor went to the words
        want = "Acting together\n\nSo children see one program"
        await wait_for(lambda: walk.worksheet.answer("want") == want, "choice and words", pilot)
        assert "So children see one program" in screen_text(app)
        await pilot.press("up")  # choosing again keeps the words
        await pilot.press("shift+tab", "up", "enter")
        await wait_for(
            lambda: walk.worksheet.answer("want").startswith(rungs[-2]), "another rung", pilot
        )
        assert walk.worksheet.answer("want").endswith("So children see one program")
        await press_closing(pilot, "escape")
    [sheet] = worksheets_at(data_dir).all()
    assert sheet.answer("want") == f"{rungs[-2]}\n\nSo children see one program"


def answers_text(app: CompanionApp) -> str:
    """The left half of the worksheet view (its answers), one line per row."""
    return "\n".join(line[:40] for line in screen_text(app).splitlines())


async def test_worksheet_view_shows_a_choice_and_its_words(
    new_app: AppFactory, data_dir: Path
) -> None:
    want = "Acting together\n\nSo children see one program"
    seed_worksheet(data_dir, "ladder-of-social-connectedness", {"want": want}, status="complete")
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_first_worksheet(pilot, "ladder-of-social-connectedness")
        await wait_for_screen(pilot, WorksheetViewScreen)
        for _ in range(40):  # scroll the answers down to step 4
            if "So children see one program" in answers_text(app):
                break
            await pilot.press("down")
        answers = answers_text(app)
        assert "Acting together" in answers and "So children see one program" in answers
        assert "◀ want" in screen_text(app)  # the diagram marks the rung

"""The Four Player Model's worksheet view and exports show what was answered and observed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, OptionList

from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import Observation, Worksheet
from csa_companion.paths import bundled_content_dir
from csa_companion.screens.dialogs import Ask
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from tests.conftest import START, AppFactory
from tests.screen import screen_text, screen_words
from tests.ui.test_palette import run
from tests.ui.test_tools import open_tool, worksheets_at
from tests.waiting import press_closing, wait_for, wait_for_screen


def four_player() -> Tool:
    tool = load_library([bundled_content_dir()]).get("four-player-model")
    assert isinstance(tool, Tool)
    return tool


async def test_worksheet_view_marks_the_acts_answered_and_the_act_i_will_bring(
    new_app: AppFactory, data_dir: Path
) -> None:
    tool = four_player()
    sheet = Worksheet.new(tool, "Family night huddle", START)
    for step in tool.steps:  # "I move", "I rarely oppose", "I will bystand"...
        sheet = sheet.with_answer(step.id, step.example, START)
    worksheets_at(data_dir).save(sheet.completed(START))
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tool(pilot, "four-player-model")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, WorksheetViewScreen)
        await wait_for(lambda: "Advocacy" in screen_text(app), "the diagram", pilot)
        text = screen_text(app)
        assert "No acts observed yet" not in text
        assert "● My default act" in text and "→ The act I will bring" in text
        advocacy = next(line for line in text.splitlines() if "Advocacy" in line)
        assert "●" in advocacy and "○" in advocacy  # Move and Oppose marked in the grid


async def test_observation_export_lists_the_patterns_the_screen_named(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    tool = four_player()
    sheet = Worksheet.new(tool, "Staff meeting", START)
    for n in range(7):
        sheet = sheet.observed(Observation("move", START + timedelta(seconds=n), "Ana"))
    worksheets_at(data_dir).save(sheet)
    target = tmp_path / "meeting.md"
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tool(pilot, "four-player-model")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, ObserverScreen)
        assert "Serial moving" in screen_text(app)  # named on screen...
        await run(pilot, "Export this worksheet")
        await wait_for_screen(pilot, Ask)
        app.screen.query_one(Input).value = str(target)
        await press_closing(pilot, "enter")
        await wait_for(target.exists, "the export", pilot)
    text = target.read_text()
    assert "Serial moving" in text and "*Try:*" in text  # ...and in the export


async def test_exporting_over_a_store_file_is_refused(new_app: AppFactory, data_dir: Path) -> None:
    """Export to DATA/worksheets.json replaced the store itself with Markdown."""
    worksheets_at(data_dir).save(Worksheet.new(four_player(), "Staff meeting", START))
    store = data_dir / "worksheets.json"
    before = store.read_bytes()
    app = new_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_tool(pilot, "four-player-model")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for(lambda: app.screen.__class__.__name__ != "ToolsScreen", "the sheet", pilot)
        await run(pilot, "Export this worksheet")
        await wait_for_screen(pilot, Ask)
        app.screen.query_one(Input).value = str(store)
        await press_closing(pilot, "enter")
        await wait_for(
            lambda: "where it could replace your data" in screen_words(app),
            "the refusal",
            pilot,
        )
    assert store.read_bytes() == before

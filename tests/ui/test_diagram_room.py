"""Diagrams use the room their pane has: whole answers at 120x40, the compact drawing at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.widgets import OptionList

from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.diagrams import render_diagram
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import bundled_content_dir
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from csa_companion.widgets.diagram_view import DiagramView
from tests.conftest import START, AppFactory
from tests.screen import screen_text
from tests.ui.test_tools import open_tool, worksheets_at
from tests.waiting import wait_for, wait_for_screen


def iceberg_sheet(data_dir: Path) -> tuple[Tool, Worksheet]:
    """A finished Iceberg with the content's own example answers (three to five lines each)."""
    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    sheet = Worksheet.new(tool, "Gate", START)
    for step in tool.steps:
        sheet = sheet.with_answer(step.id, step.example, START)
    worksheets_at(data_dir).save(sheet.completed(START))
    return tool, sheet


def pane_text(text: str, left: int) -> str:
    """What the screen shows from column `left` on."""
    return "\n".join(line[left:] for line in text.splitlines())


async def test_levels_show_more_than_two_lines_when_there_is_room(
    new_app: AppFactory, data_dir: Path
) -> None:
    tool, sheet = iceberg_sheet(data_dir)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tool(pilot, "iceberg")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, WorksheetViewScreen)
        view = app.screen.query_one(DiagramView)
        pane = view.parent
        assert isinstance(pane, Widget)
        left = view.content_region.x
        # the event's third line: two lines a level showed "…" after "shoving each"
        await wait_for(
            lambda: "cafeteria" in pane_text(screen_text(app), left), "a third line", pilot
        )
        assert view.size.height <= pane.size.height  # and it still fits its pane
        compact = render_diagram(tool, sheet.completed(START), view.content_region.width)
        assert view.size.height > len(compact.plain.splitlines())


async def test_at_80x24_the_compact_diagram_fits_its_width(
    new_app: AppFactory, data_dir: Path
) -> None:
    tool, sheet = iceberg_sheet(data_dir)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tool(pilot, "iceberg")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, WorksheetViewScreen)
        view = app.screen.query_one(DiagramView)
        width = view.content_region.width
        compact = render_diagram(tool, sheet.completed(START), width).plain.splitlines()
        await wait_for(lambda: view.size.height == len(compact), "the compact diagram", pilot)
        shown = pane_text(screen_text(app), view.content_region.x)
        assert compact[0].rstrip() in shown and "┐" in compact[0]  # the top box, whole


async def test_at_80x24_one_key_shows_the_diagram_full_screen_with_every_answer_whole(
    new_app: AppFactory, data_dir: Path
) -> None:
    _, sheet = iceberg_sheet(data_dir)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tool(pilot, "iceberg")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, WorksheetViewScreen)
        side = app.screen.query_one(DiagramView)
        await wait_for(lambda: "…" in str(side.render()), "the side's cut answers", pilot)
        await pilot.press("g")
        await wait_for(lambda: "· diagram" in screen_text(app), "the diagram screen", pilot)
        full = app.screen.query_one(DiagramView)
        await wait_for(lambda: full.size.height > 0, "the diagram drawn", pilot)
        drawn = str(full.render())
        assert "…" not in drawn  # every box's whole text, wrapped
        assert full.size.height > 24 - 2  # taller than the screen: it scrolls
        last = sheet.answer("mental-models").split()[-1]  # the deepest level's last word
        seen = ""
        for _ in range(40):  # scroll to the end: the last answer's last word is there
            seen += screen_text(app)
            if last in seen:
                break
            await pilot.press("pagedown")
        assert last in seen
        await pilot.press("escape")
        await wait_for_screen(pilot, WorksheetViewScreen)

"""The five tools walked end to end, drafts, observer mode, changed content."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList

from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import COMPLETE, DRAFT, Worksheet
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.screens.dialogs import Ask
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.tools import ToolsScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from csa_companion.storage.repos import WorksheetRepo
from csa_companion.storage.store import Stores
from tests.conftest import START, AppFactory
from tests.helpers import another_process
from tests.screen import screen_text, screen_words
from tests.waiting import press_closing, wait_for, wait_for_screen

WIDE = (160, 50)


def worksheets_at(data_dir: Path) -> WorksheetRepo:
    return WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"])


async def open_tool(pilot: Pilot[None], tool_id: str) -> ToolsScreen:
    """From Home, open Tools and highlight `tool_id`."""
    await pilot.press("t")
    await wait_for_screen(pilot, ToolsScreen)
    screen = pilot.app.screen
    assert isinstance(screen, ToolsScreen)
    index = [t.id for t in screen.tools].index(tool_id)
    screen.query_one("#tool-list", OptionList).highlighted = index
    await wait_for(lambda: screen.tool is not None and screen.tool.id == tool_id, tool_id, pilot)
    return screen


async def open_title_dialog(pilot: Pilot[None], tool_id: str) -> Ask:
    """From Home, open Tools at `tool_id` and press n: the new worksheet's title dialog."""
    await open_tool(pilot, tool_id)
    await pilot.press("n")
    await wait_for_screen(pilot, Ask)
    dialog = pilot.app.screen
    assert isinstance(dialog, Ask)
    return dialog


async def start_worksheet(
    pilot: Pilot[None], tool_id: str, key: str, question: str, opens: type[Screen[None]]
) -> Screen[None]:
    """Open `tool_id`, press `key` to start a worksheet, accept the suggested title (asked by
    a dialog showing `question`) and return the `opens` screen that follows."""
    app = pilot.app
    await open_tool(pilot, tool_id)
    await pilot.press(key)
    await wait_for(lambda: question in screen_text(app), "the title question", pilot)
    await press_closing(pilot, "enter")  # accept the suggested title
    await wait_for_screen(pilot, opens)
    assert isinstance(app.screen, opens)
    return app.screen


TOOLS = [
    "iceberg",
    "ladder-of-inference",
    "shifting-the-burden",
    "ladder-of-social-connectedness",
    "four-player-model",
]


@pytest.mark.parametrize("tool_id", TOOLS)
async def test_walk_a_tool_end_to_end(new_app: AppFactory, data_dir: Path, tool_id: str) -> None:
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        walk = await start_worksheet(pilot, tool_id, "n", "short title", WalkthroughScreen)
        assert isinstance(walk, WalkthroughScreen)
        tool = walk.tool
        typed: dict[str, str] = {}
        for number, step in enumerate(tool.steps, start=1):

            def at_step(step_id: str = step.id) -> bool:
                return walk.step.id == step_id

            await wait_for(at_step, f"step {step.id}", pilot)
            text = screen_text(app)
            assert f"Step {number} of {len(tool.steps)}" in text
            assert step.prompts[0][:30] in text
            if step.choices:
                pick = 1 if step.id == "now" else 3
                await pilot.press(*["down"] * pick, "enter")
                typed[step.id] = step.choices[pick]
            else:
                typed[step.id] = f"A{number} {step.id[:6]}"
                await pilot.press(*typed[step.id])

            def answered(step_id: str = step.id, want: str = typed[step.id]) -> bool:
                return walk.worksheet.answer(step_id) == want

            await wait_for(answered, "the answer", pilot)
            if step.id in ("event", "data", "symptom", "now", "default-act"):
                assert typed[step.id] in screen_text(app)  # the diagram shows it as typed
            if number < len(tool.steps):
                await pilot.press("ctrl+n")
        await press_closing(pilot, "ctrl+n")  # past the last step: finish
        assert isinstance(app.screen, WorksheetViewScreen)
        assert "complete" in screen_text(app)

    [saved] = worksheets_at(data_dir).all()
    assert saved.status == COMPLETE and saved.tool_id == tool_id
    assert saved.answers == typed

    again = new_app()
    async with again.run_test(size=WIDE) as pilot:
        await open_tool(pilot, tool_id)
        assert saved.title in screen_text(again)


async def test_finish_with_empty_steps_names_them(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        walk = await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        await pilot.press(*"Only this")
        await pilot.press("ctrl+f")
        await wait_for(lambda: "have no answer yet" in screen_text(app), "the summary", pilot)
        text = screen_text(app)
        assert "Patterns" in text and "Structures" in text
        await press_closing(pilot, "enter")  # the first button: go back
        assert app.screen is walk and walk.step.id == "patterns"  # type: ignore[attr-defined]
    [sheet] = worksheets_at(data_dir).all()
    assert sheet.status == DRAFT and sheet.answer("event") == "Only this"


TYPIST = """
import asyncio, sys
from pathlib import Path
from csa_companion.cli import make_app
from csa_companion.paths import bundled_content_dir, DataPaths
from csa_companion.storage.repos import WorksheetRepo
from csa_companion.storage.store import Stores

async def main() -> None:
    data = Path(sys.argv[1])
    app = make_app(data_dir=data, content_dirs=[bundled_content_dir()])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        for _ in range(200):
            if type(app.screen).__name__ == "ToolsScreen":
                break
            await pilot.pause(0.02)
        await pilot.press("n")
        await pilot.pause(0.2)
        app.screen.query_one("Input").value = "Pickup shoving"
        await pilot.press("enter")
        for _ in range(200):
            if type(app.screen).__name__ == "WalkthroughScreen":
                break
            await pilot.pause(0.02)
        await pilot.press(*"Shoving at the gate", "ctrl+n", *"Every Monday")
        repo = WorksheetRepo(Stores(DataPaths(data))["worksheets"])
        for _ in range(500):
            repo.store.refresh()
            sheets = repo.all()
            if sheets and sheets[0].answer("patterns") == "Every Monday":
                break
            await pilot.pause(0.02)
        print("typed", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


async def test_walkthrough_draft_survives_a_kill(new_app: AppFactory, data_dir: Path) -> None:
    with another_process(TYPIST, data_dir, ready="typed"):
        pass  # killed mid-step
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        assert "Pickup shoving" in screen_text(app)
        waiting = app.screen.query_one("#home-waiting", OptionList)
        waiting.focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, WalkthroughScreen)
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        assert walk.step.id == "patterns" and walk.answer_box.text == "Every Monday"
        assert "Shoving at the gate" in screen_text(app)  # in the diagram


async def test_observer_mode_names_a_stuck_pattern(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await start_worksheet(pilot, "four-player-model", "o", "observing", ObserverScreen)
        await pilot.press("n", *"Ana", "enter", "m")
        await pilot.press("m", "m", "m", "m", "m", "o")
        screen = app.screen
        assert isinstance(screen, ObserverScreen)
        await wait_for(lambda: len(screen.worksheet.observations) == 7, "seven acts", pilot)
        await wait_for(lambda: "7 acts" in screen_text(app), "the board updated", pilot)
        text = screen_text(app)
        assert "7 acts" in text and "Move (Ana)" in text
        assert "Serial moving" in text or "serial moving" in text.lower()
        await pilot.press("backspace")
        await wait_for(lambda: len(screen.worksheet.observations) == 6, "one taken back", pilot)
    [sheet] = worksheets_at(data_dir).all()
    assert [o.act for o in sheet.observations] == ["move"] * 6
    assert sheet.observations[0].name == "Ana"


async def test_old_worksheet_opens_after_the_tool_changed(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    original = (bundled_content_dir() / "tools" / "iceberg.md").read_text()
    ours = tmp_path / "ours"
    ours.mkdir()
    # the facilitator's version renames the "patterns" step
    (ours / "iceberg.md").write_text(original.replace('id = "patterns"', 'id = "trends"'))
    from csa_companion.content.loader import load_library

    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    sheet = (
        Worksheet.new(tool, "Before the change", START)
        .with_answer("event", "Late buses", START)
        .with_answer("patterns", "Mondays mostly", START)
        .completed(START)
    )
    worksheets_at(data_dir).save(sheet)

    app = new_app(content_dirs=[bundled_content_dir(), ours])
    async with app.run_test(size=WIDE) as pilot:
        await open_tool(pilot, "iceberg")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, WorksheetViewScreen)
        assert "Late buses" in screen_text(app)
        await pilot.press("end")  # the end of the answers
        await wait_for(lambda: "no longer has" in screen_text(app), "the orphaned answer", pilot)
        assert "Mondays mostly" in screen_text(app)
    [kept] = worksheets_at(data_dir).all()
    assert kept.answers["patterns"] == "Mondays mostly"


async def test_reflect_links_a_journal_entry(new_app: AppFactory, data_dir: Path) -> None:
    from csa_companion.content.loader import load_library

    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    sheet = Worksheet.new(tool, "Gate at pickup", START).with_answer("event", "Shoving", START)
    worksheets_at(data_dir).save(sheet.completed(START))
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_tool(pilot, "iceberg")
        app.screen.query_one("#worksheets", OptionList).focus()
        await pilot.press("enter")
        await wait_for_screen(pilot, WorksheetViewScreen)
        view = app.screen
        await pilot.press("r")
        await wait_for(lambda: "Reflecting on" in screen_text(app), "the editor", pilot)
        await pilot.press(*"The gate needs a second adult")
        await press_closing(pilot, "ctrl+s")
        assert app.screen is view
        await pilot.press("end")
        await wait_for(
            lambda: "Journal entries about" in screen_text(app), "the entry listed", pilot
        )
    from tests.helpers import journal_at

    [entry] = journal_at(data_dir).all()
    assert entry.worksheet_uid == sheet.uid and "iceberg" in entry.tags


async def test_a_team_worksheet_asks_as_we_and_says_so(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        walk = await start_worksheet(pilot, "iceberg", "t", "team's situation", WalkthroughScreen)
        assert isinstance(walk, WalkthroughScreen)
        text = screen_text(app)
        assert "which of us saw it firsthand?" in text
        assert "When and where was it, and who was involved?" not in text  # the "I" prompt
        assert "(team)" in str(walk.sub_title)
        await pilot.press(*"Shoving at check-in", "ctrl+n", "ctrl+n", "ctrl+n")
        await wait_for(lambda: walk.step.id == "mental-models", "the mental-models step", pilot)
        await pilot.press("ctrl+t")  # the stuck panel names where the step leads
        await wait_for(lambda: "See also:" in screen_text(app), "the see-also line", pilot)
        assert "See also: The Ladder of Inference (Tools)" in screen_text(app)
        await press_closing(pilot, "escape")
        await wait_for(lambda: "draft  team" in screen_text(app), "the team mark", pilot)
    [sheet] = worksheets_at(data_dir).all()
    assert sheet.team and sheet.answer("event") == "Shoving at check-in"


async def test_links_in_lessons_open_the_tool_or_page_they_name(new_app: AppFactory) -> None:
    from textual.widgets import Markdown

    from csa_companion.screens.tools.learn import LearnScreen

    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        tools = await open_tool(pilot, "iceberg")
        lesson = tools.query_one("#tool-markdown", Markdown)
        lesson.post_message(Markdown.LinkClicked(lesson, "ladder-of-inference.md"))
        await wait_for(lambda: tools.tool and tools.tool.id == "ladder-of-inference", "tool", pilot)
        assert "Slow down the leap" in screen_text(app)
        lesson.post_message(Markdown.LinkClicked(lesson, "showing-up.md"))
        await wait_for_screen(pilot, LearnScreen)
        learn = app.screen
        assert isinstance(learn, LearnScreen) and learn.page_id == "showing-up"
        page = learn.query_one("#learn-markdown", Markdown)
        page.post_message(Markdown.LinkClicked(page, "four-player-model.md"))
        await wait_for(lambda: app.screen is not learn, "a screen on top of Learn", pilot)
        await wait_for_screen(pilot, ToolsScreen)
        on_top = app.screen
        assert isinstance(on_top, ToolsScreen) and on_top.tool is not None
        assert on_top.tool.id == "four-player-model"
        assert "Notice who moves" in screen_text(app)


async def test_ctrl_q_keeps_a_worksheet_title_being_typed_and_the_next_start_gives_it_back(
    new_app: AppFactory, data_dir: Path
) -> None:
    """ctrl+q while the new worksheet's title was typed lost it; it is back when a worksheet
    of the same tool is started again, and no worksheet was made meanwhile."""
    from textual.widgets import Input

    from csa_companion.screens.dialogs import Ask

    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_title_dialog(pilot, "iceberg")
        await pilot.press("ctrl+u", *"Pickup shoving at the gate")
        await pilot.press("ctrl+q")
        await wait_for(lambda: not app.is_running, "the app to end", pilot)
    assert worksheets_at(data_dir).all() == []
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_title_dialog(pilot, "iceberg")
        assert app.screen.query_one(Input).value == "Pickup shoving at the gate"
        assert "What you typed here before the app closed is back." in screen_words(app)
        await pilot.press("enter")
        await wait_for_screen(pilot, WalkthroughScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, ToolsScreen)
        await pilot.press("n")  # used: the next title is the suggested one again
        await wait_for_screen(pilot, Ask)
        assert app.screen.query_one(Input).value.startswith("Situation of")

"""Third edition content as a person meets it: the role chosen once (first start, the palette)
picks the hint's example, a team's worksheet speaks as "we" at every step of every tool, and
answers to the survey's retired statements still show in Growth."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, OptionList, Static

from csa_companion.clock import FakeClock
from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.content.roles import ROLES
from csa_companion.content.voice import first_person_singular
from csa_companion.domain.role import ROLE_SETTING
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import bundled_content_dir
from csa_companion.screens.dialogs import RoleDialog
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.rhythm.growth import GrowthScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from tests.conftest import START, AppFactory
from tests.rhythm_data import at, seed_month, seed_surveys
from tests.screen import screen_text
from tests.ui.test_tools import worksheets_at
from tests.ui.test_walkthrough import open_first_worksheet
from tests.waiting import wait_for, wait_for_screen

SIZE = (100, 40)


def tools() -> list[Tool]:
    return load_library([bundled_content_dir()]).tools


def seed(data_dir: Path, tool: Tool, **changes: object) -> Worksheet:
    sheet = replace(Worksheet.new(tool, "Arrival", START), **changes)  # type: ignore[arg-type]
    worksheets_at(data_dir).save(sheet)
    return sheet


def stuck_text(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#stuck-text", Static).render())


async def choose_role(pilot: Pilot[None], role: str) -> None:
    """In the role dialog, highlight `role` and press Enter."""
    await wait_for_screen(pilot, RoleDialog)
    roles = pilot.app.screen.query_one("#roles", OptionList)
    ids = [roles.get_option_at_index(n).id for n in range(roles.option_count)]
    roles.highlighted = ids.index(role)
    await pilot.press("enter")


async def test_first_start_asks_the_role_once_and_hints_show_its_example(
    new_app: AppFactory, data_dir: Path
) -> None:
    iceberg = next(t for t in tools() if t.id == "iceberg")
    seed(data_dir, iceberg)
    event = iceberg.steps[0]
    principal = dict(event.examples)["principal"]
    app = new_app(ask_role=True)
    async with app.run_test(size=SIZE) as pilot:
        await choose_role(pilot, "principal")
        await wait_for_screen(pilot, HomeScreen)
        assert app.services.settings.get(ROLE_SETTING) == "principal"
        await open_first_worksheet(pilot, "iceberg")
        await wait_for_screen(pilot, WalkthroughScreen)
        await pilot.press("ctrl+t")
        await wait_for(lambda: "Stuck?" in screen_text(app), "the hint", pilot)
        assert principal in stuck_text(pilot)
        assert "Example (principal or assistant principal):" in stuck_text(pilot)
        assert event.example not in stuck_text(pilot)
    again = new_app(ask_role=True)  # chosen once: not asked at the next start
    async with again.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await pilot.pause()
        assert not isinstance(again.screen, RoleDialog)


async def test_escape_decides_later_and_none_of_these_keeps_the_default_examples(
    new_app: AppFactory, data_dir: Path
) -> None:
    app = new_app(ask_role=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, RoleDialog)
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        assert app.services.settings.get(ROLE_SETTING) is None
    app = new_app(ask_role=True)
    async with app.run_test(size=SIZE) as pilot:
        await choose_role(pilot, "none")
        await wait_for_screen(pilot, HomeScreen)
        assert app.services.settings.get(ROLE_SETTING) == ""


async def test_the_role_changes_from_the_palette_and_falls_back_to_the_default(
    new_app: AppFactory, data_dir: Path
) -> None:
    ladder = next(t for t in tools() if t.id == "ladder-of-inference")
    seed(data_dir, ladder)
    data = ladder.steps[0]
    assert "coordinator" not in dict(data.examples)  # the default example is a coordinator's
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_worksheet(pilot, ladder.id)
        await wait_for_screen(pilot, WalkthroughScreen)
        await pilot.press("ctrl+t")
        await wait_for(lambda: data.example in stuck_text(pilot), "the default example", pilot)
        await pilot.press("ctrl+p", *"My role", "enter")
        await choose_role(pilot, "teacher")
        await wait_for_screen(pilot, WalkthroughScreen)
        teacher = dict(data.examples)["teacher"]
        await wait_for(lambda: teacher in stuck_text(pilot), "the teacher's example", pilot)
        assert app.services.settings.get(ROLE_SETTING) == "teacher"
        await pilot.press("ctrl+p", *"My role", "enter")
        await choose_role(pilot, "coordinator")
        await wait_for_screen(pilot, WalkthroughScreen)
        await wait_for(lambda: data.example in stuck_text(pilot), "the default again", pilot)
        assert "coordinator" in ROLES and "Example:" in stuck_text(pilot)


TOOL_IDS = [tool.id for tool in tools()]
"""One case per tool, so that the tools' walks (a second or more each) run side by side."""


@pytest.mark.parametrize("tool_id", TOOL_IDS)
async def test_a_team_worksheet_says_we_at_every_step_of_every_tool(
    new_app: AppFactory, data_dir: Path, tool_id: str
) -> None:
    every = tools()
    for tool in every:
        seed(data_dir, tool, team=True)
    [tool] = [t for t in every if t.id == tool_id]
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_worksheet(pilot, tool.id)
        await wait_for_screen(pilot, WalkthroughScreen)
        await pilot.press("ctrl+t")
        for number, step in enumerate(tool.steps):
            screen = app.screen
            assert isinstance(screen, WalkthroughScreen)
            await pilot.pause()
            assert screen.index == number
            shown = [
                str(screen.query_one("#step-heading", Label).render()),
                str(screen.query_one("#prompts", Static).render()),
                stuck_text(pilot),
            ]
            for text in shown:
                assert first_person_singular(text) == [], (tool.id, step.id, text)
            assert step.title_for(team=True) in shown[0]
            assert step.example_for(team=True) in shown[2]
            if number + 1 < len(tool.steps):
                screen.go_to(number + 1)
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, WalkthroughScreen), "out", pilot)
        await pilot.press("escape", "escape")
        await wait_for_screen(pilot, HomeScreen)


async def test_a_team_worksheet_view_says_we(new_app: AppFactory, data_dir: Path) -> None:
    ladder = next(t for t in tools() if t.id == "ladder-of-inference")
    sheet = seed(data_dir, ladder, team=True)
    for step in ladder.steps:
        sheet = sheet.with_answer(step.id, "Answered together.", START)
    worksheets_at(data_dir).save(sheet.completed(START))
    app = new_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await open_first_worksheet(pilot, ladder.id)
        await wait_for_screen(pilot, WorksheetViewScreen)
        await wait_for(lambda: "Selected data" in screen_text(app), "the sheet", pilot)
        seen = ""
        for _ in range(12):
            seen += screen_text(app)
            await pilot.press("pagedown")
        assert "Selected data: what we noticed" in seen
        assert "Selected data: what I noticed" not in seen
        for line in seen.splitlines():
            assert first_person_singular(line) == [], line


async def test_answers_to_retired_survey_statements_still_show_in_growth(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_surveys(seed_month(data_dir))  # answered under the second edition's item ids
    app = new_app(clock=FakeClock(at("2027-03-01T12:00")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"Go to Growth", "enter")
        await wait_for_screen(pilot, GrowthScreen)
        chart = " ".join(str(app.screen.query_one("#growth-chart", Static).render()).split())
        assert "I can help my team name and grow a shared picture of the future we want." in chart
        assert "(asked in an earlier edition)" in chart
        assert "aspiration" not in chart.split()  # the words, not the bare id


@pytest.mark.parametrize("tool_id", TOOL_IDS)
async def test_a_tools_lesson_ends_with_its_facilitator_notes(
    new_app: AppFactory, tool_id: str
) -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import Markdown

    from tests.ui.test_tools import open_tool

    [tool] = [t for t in tools() if t.id == tool_id]
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tool(pilot, tool.id)
        assert tool.facilitator is not None
        lesson = app.screen.query_one("#tool-lesson", VerticalScroll)
        lesson.scroll_end(animate=False)
        await wait_for(
            lambda: "Power and safety with the director present" in screen_text(app),
            "the facilitator notes at the end of the lesson",
            pilot,
        )
        shown = app.screen.query_one("#tool-markdown", Markdown).source
        assert f"about {tool.facilitator.minutes} minutes" in shown
        assert tool.facilitator.introduce in shown and tool.facilitator.debrief in shown
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)


async def test_the_check_ins_silent_writing_offers_the_sessions_journal_prompts(
    new_app: AppFactory,
) -> None:
    from textual.widgets import Select

    from tests.ui.test_practice import open_setup, start

    session_2 = next(
        s for s in load_library([bundled_content_dir()]).question_sets if s.id == "session-2"
    )
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot, "check-in")
        setup.query_one("#setup-question", Select).value = session_2.questions[0]
        await start(pilot)
        await pilot.press("n", "n")  # past the question and the quiet reflection
        await wait_for(lambda: "Silent journaling" in screen_text(app), "the writing", pilot)
        cue = " ".join(str(app.screen.query_one("#practice-cue", Static).render()).split())
        assert "To start from, if you like:" in cue
        assert all(prompt in cue for prompt in session_2.journal[:2])
        shown = " ".join(screen_text(app).split())
        assert session_2.journal[1].split()[-1] in shown  # the second prompt fits at 80x24


async def test_a_page_that_links_one_page_twice_lists_it_once(new_app: AppFactory) -> None:
    """The glossary links the Four Player Model from two entries: Learn ended in a DuplicateID
    traceback when it listed the page's links."""
    from csa_companion.content.loader import link_texts
    from csa_companion.screens.tools.learn import LearnScreen

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await wait_for_screen(pilot, LearnScreen)
        learn = app.screen
        assert isinstance(learn, LearnScreen)
        glossary = app.services.library.get("glossary")
        assert glossary is not None
        hrefs = [href for _, href in link_texts(glossary)]
        assert hrefs.count("four-player-model.md") == 2
        assert learn.show_page("glossary")
        await pilot.pause()
        links = learn.query_one("#learn-links", OptionList)
        ids = [links.get_option_at_index(n).id for n in range(links.option_count)]
        assert ids == list(dict.fromkeys(hrefs))

"""Presentation mode (a shared screen): nothing personal anywhere, high contrast, no header, the
group worksheet walked end to end, saved apart and exported."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Header, Input, TextArea

from csa_companion.app import CompanionApp
from csa_companion.cli import main
from csa_companion.clock import FakeClock
from csa_companion.content.loader import parse_file
from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.screens.commands import app_commands
from csa_companion.screens.dialogs import Ask, Choice
from csa_companion.screens.practice.practice import NoticeDialog, PracticeScreen
from csa_companion.screens.practice.practice_setup import PracticeSetupScreen
from csa_companion.screens.practice.practices import PracticesScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.services import PresentTarget
from csa_companion.storage.repos import WorksheetRepo
from csa_companion.storage.store import Stores
from tests.conftest import START, AppFactory
from tests.helpers import seed_journal
from tests.screen import screen_text
from tests.waiting import wait_for, wait_for_screen

SECRET_ENTRY = "Zanzibar confidential journal words"
SECRET_SHEET = "Quetzal private worksheet answer"


def fill_store(data_dir: Path) -> None:
    """A journal and a personal worksheet that must never reach a shared screen."""
    seed_journal(data_dir, ("Private " + SECRET_ENTRY, SECRET_ENTRY, ("practice",)))
    tool, _ = parse_file(bundled_content_dir() / "tools" / "iceberg.md")
    assert isinstance(tool, Tool)
    sheet = Worksheet.new(tool, "Mine " + SECRET_SHEET, START)
    sheet = sheet.with_answer("event", SECRET_SHEET, START)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(sheet)


def shows(app: CompanionApp, text: str) -> bool:
    return text in screen_text(app)


def assert_private(text: str) -> None:
    assert "Zanzibar" not in text and "Quetzal" not in text


async def test_present_practice_shows_nothing_personal(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    fill_store(data_dir)
    app = new_app(present=PresentTarget("practice", "settling-arrive"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_screen(pilot, PracticeSetupScreen)
        assert app.theme == "csa-high-contrast"
        assert_private(screen_text(app))
        assert app.services.journal.all() == [] and app.services.worksheets.all() == []
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, PracticeScreen)
        assert not [h for h in app.screen.query(Header) if h.display]
        await pilot.press("m")  # would notify; a shared screen shows no notifications
        await pilot.pause()
        assert not app._notifications
        assert "Welcome. Let the last task rest" in screen_text(app)
        clock.advance(180)
        await wait_for(lambda: "Finished" in screen_text(app), "the end", pilot)
        assert_private(screen_text(app))
        assert not isinstance(app.screen, NoticeDialog)  # no personal note on a shared screen
        app.post_message(events.Key("escape", None))
        await wait_for(lambda: not app.is_running, "back to the shell", pilot)


async def test_present_practice_list_and_palette_hold_nothing_personal(
    new_app: AppFactory, data_dir: Path
) -> None:
    fill_store(data_dir)
    app = new_app(present=PresentTarget("practice"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, PracticesScreen)
        assert "practice log" not in screen_text(app)
        assert app_commands(app, app.screen)[0][0] == "Help"
        await pilot.press("ctrl+p")
        await pilot.press(*"journal")
        await pilot.pause(0.3)
        assert "Go to Journal" not in screen_text(app)
        assert_private(screen_text(app))


async def test_group_worksheet_walked_listed_apart_and_exported(
    new_app: AppFactory,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fill_store(data_dir)
    app = new_app(present=PresentTarget("tool", "iceberg"))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_group_walk(pilot, "Gate at pickup, staff meeting")
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        assert_private(screen_text(app))
        for n, step in enumerate(screen.tool.steps):
            title = step.title_for(team=True)  # a group's worksheet speaks as "we"
            await wait_for(partial(shows, app, f"· {title}"), title, pilot)
            if not step.choices:
                screen.query_one(TextArea).load_text(f"The group says {n}")
                await pilot.pause()
            assert_private(screen_text(app))
            if n < len(screen.tool.steps) - 1:
                await pilot.press("ctrl+n")
        await pilot.press("ctrl+f")  # the group's walk ends the presentation, saying where
        said = await end_group_walk(pilot)
        assert said.startswith("“Gate at pickup, staff meeting” (The Iceberg, complete) is saved")
        assert f"with your worksheets, in {data_dir / 'worksheets.json'}" in said
    sheets = WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).all()
    [group] = [w for w in sheets if w.group]
    assert group.status == "complete" and group.answer("event") == "The group says 0"
    assert group.title == "Gate at pickup, staff meeting"
    assert main(["--data-dir", str(data_dir), "worksheet", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[-2] == "group worksheets:" and group.uid in listed[-1]
    assert "Mine" in listed[0]
    out = tmp_path / "group.md"
    assert (
        main(["--data-dir", str(data_dir), "worksheet", "export", group.uid, "--out", str(out)])
        == 0
    )
    text = out.read_text()
    assert "group worksheet" in text and "The group says 1" in text


async def start_group_walk(pilot: Pilot[None], title: str | None = None) -> None:
    """`present tool` asks the group worksheet's title first: type `title`, or keep the
    default (Enter)."""
    app = pilot.app
    await wait_for_screen(pilot, Ask)
    assert "a title for the group worksheet" in screen_text(app)
    field = app.screen.query_one(Input)
    assert field.value.startswith("Group session, ")  # the default, filled in
    if title is not None:
        field.value = title
    await pilot.press("enter")
    await wait_for_screen(pilot, WalkthroughScreen)


async def end_group_walk(pilot: Pilot[None]) -> str:
    """After the walk: what the closing dialog says (where it was saved); Enter closes it and
    the presentation ends."""
    app = pilot.app
    await wait_for_screen(pilot, Choice)
    dialog = app.screen
    assert isinstance(dialog, Choice)
    said = dialog.question
    await pilot.press("enter")
    await wait_for(lambda: not app.is_running, "the presentation to end", pilot)
    return said


def test_present_unknown_id_is_one_line_and_exit_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data_dir), "present", "practice", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("csa-companion: no practice has the id 'nope' (known: ")
    assert "settling-arrive" in err and len(err.splitlines()) == 1
    assert main(["--data-dir", str(data_dir), "present", "tool", "settling-arrive"]) == 2


async def test_a_presentation_never_opens_the_journal(new_app: AppFactory, data_dir: Path) -> None:
    """Not even to check it: a damaged journal would be moved aside if it were read."""
    fill_store(data_dir)
    journal = DataPaths(data_dir).store_file("journal")
    journal.write_bytes(b"not a store at all")
    app = new_app(present=PresentTarget("practice", "arrival"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, PracticeSetupScreen)
    assert journal.read_bytes() == b"not a store at all"
    assert not [p.name for p in data_dir.iterdir() if "damaged" in p.name]

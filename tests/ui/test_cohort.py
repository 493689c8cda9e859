"""The Cohort screen at 80x24: reached from the palette, a folder typed and read, the report
with its bars on screen, the folder remembered, and a folder that is not there said plainly."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from csa_companion.domain.survey import POST, PRE
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.team import cohort as cohort_screen
from csa_companion.screens.team.cohort import FOLDER_SETTING, CohortScreen
from csa_companion.transfer import cohort as cohort_files
from csa_companion.transfer.team import join, publish
from csa_companion.widgets.themes import THEMES
from tests.conftest import START, AppFactory
from tests.screen import screen_text
from tests.ui.test_contrast import Measure
from tests.ui.test_palette import run
from tests.unit.test_cohort_cli import cohort, survey_item
from tests.unit.test_team import cache_at
from tests.waiting import wait_for, wait_for_screen


def body(app: object) -> str:
    static = app.screen.query_one("#cohort-body", Static)  # type: ignore[attr-defined]
    return str(static.render())


async def test_a_facilitator_reads_a_folder_at_80x24(
    new_app: AppFactory, tmp_path: Path, data_dir: Path
) -> None:
    folder = cohort(tmp_path)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await run(pilot, "Go to Cohort report")
        await wait_for_screen(pilot, CohortScreen)
        assert "Type the folder that holds the answers" in screen_text(app)
        app.screen.query_one("#cohort-path", Input).value = str(folder)
        await pilot.press("enter")
        await wait_for(lambda: "4 participants" in screen_text(app), "the report", pilot)
        shown = screen_text(app)
        assert "4 participants, 20 answers from 4 files." in shown
        # the first statement's bars, as the facilitator sees them
        assert "I can describe the future I want to help create through my work." in shown
        assert "all sessions before ·····" not in shown  # 2.00 is a quarter of the scale
        assert "before █████··············· 2.00" in shown
        assert "after  ██████████·········· 3.00  +1.00  n=4" in shown
        assert "rose 4, stayed 0, fell 0; d_z —" in shown
        text = body(app)
        assert "mystery (not in the current survey)" in text
        assert "fewer than 3 participants" in text and "P1" not in text
        assert "noted 1" not in text
        await pilot.press("ctrl+t")
        await wait_for(lambda: "noted 1" in body(app), "the comments", pilot)
        # what is stored: the folder, for next time
        assert app.services.settings.get(FOLDER_SETTING) == str(folder)
        await pilot.press("ctrl+o")
        exported = data_dir / "exports" / "cohort-report-2026-11-24-0930.md"
        await wait_for(exported.exists, "the exported report", pilot)
        text = exported.read_text()
        assert text.startswith("# Cohort report\n") and "- noted 1" in text
        assert "![Growth per statement](cohort-report-2026-11-24-0930-growth.svg)" in text
        chart = exported.with_name("cohort-report-2026-11-24-0930-growth.svg")
        assert "<svg " in chart.read_text() and chart.stat().st_mode & 0o777 == 0o600
        assert any(f"Exported to {exported}" in n.message for n in app._notifications)


async def test_the_folder_is_remembered_and_a_missing_one_is_said_plainly(
    new_app: AppFactory, tmp_path: Path
) -> None:
    app = new_app()
    app.services.settings.set(FOLDER_SETTING, str(tmp_path / "gone"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await app.run_action("go('cohort')")
        await wait_for_screen(pilot, CohortScreen)
        assert app.screen.query_one("#cohort-path", Input).value == str(tmp_path / "gone")
        await pilot.press("enter")
        message = f"{tmp_path / 'gone'}: no such file or folder; nothing was read"
        await wait_for(lambda: message in " ".join(screen_text(app).split()), message, pilot)
        (tmp_path / "empty").mkdir()
        app.screen.query_one("#cohort-path", Input).value = str(tmp_path / "empty")
        await pilot.press("enter")
        await wait_for(
            lambda: "No survey answers found there." in screen_text(app), "no answers", pilot
        )


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
async def test_the_cohort_screen_reads_at_4_5_to_1(
    new_app: AppFactory, tmp_path: Path, theme: str
) -> None:
    folder = cohort(tmp_path)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        check = Measure(pilot)
        await app.run_action("go('cohort')")
        await check("Cohort, empty", "Type the folder", "a folder of survey CSVs")
        app.screen.query_one("#cohort-path", Input).value = str(folder)
        await pilot.press("enter")
        await check("Cohort, a report", "4 participants", "rose 4, stayed 0")
    check.assert_readable(theme)


async def test_leaving_or_reading_again_while_a_read_runs(
    new_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow read whose screen was closed, or that a newer read overtook, is dropped."""
    release = threading.Event()
    real_gather = cohort_files.gather

    def slow_gather(paths: list[Path], **options: Any) -> object:
        if "slow" in str(paths[0]):
            assert release.wait(10)
        return real_gather(paths, **options)

    monkeypatch.setattr(cohort_files, "gather", slow_gather)
    slow, quick = cohort(tmp_path / "slow"), cohort(tmp_path / "quick", n=3)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        for leave in (True, False):
            await app.run_action("go('cohort')")
            await wait_for_screen(pilot, CohortScreen)
            screen = app.screen
            screen.query_one("#cohort-path", Input).value = str(slow)
            await pilot.press("enter")
            await wait_for(lambda: "Reading" in screen_text(app), "reading", pilot)
            if leave:
                await app.run_action("go('home')")
                await wait_for_screen(pilot, HomeScreen)
            else:
                screen.query_one("#cohort-path", Input).value = str(quick)
                await pilot.press("enter")
                await wait_for(lambda: "3 participants" in screen_text(app), "quick", pilot)
            release.set()
            await pilot.pause(0.3)
            release.clear()
            if not leave:
                assert "3 participants" in screen_text(app)  # not the slow read's 4
        assert app.return_code is None  # still running: nothing went wrong


async def test_a_long_read_says_how_far_it_is(
    new_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_read_one = cohort_files.read_one
    read: list[Path] = []

    def read_one(file: Path, answers: object) -> None:
        read.append(file)
        if len(read) == 3:
            assert release.wait(10)
        real_read_one(file, answers)  # type: ignore[arg-type]

    monkeypatch.setattr(cohort_files, "read_one", read_one)
    monkeypatch.setattr(cohort_screen, "PROGRESS_EVERY", 2)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_action("go('cohort')")
        await wait_for_screen(pilot, CohortScreen)
        app.screen.query_one("#cohort-path", Input).value = str(cohort(tmp_path))
        await pilot.press("enter")
        await wait_for(lambda: "Reading … 2 files so far" in screen_text(app), "progress", pilot)
        release.set()
        await wait_for(lambda: "4 participants" in screen_text(app), "the report", pilot)


async def test_an_unforeseen_failure_is_said_and_the_app_stays_up(
    new_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(paths: list[Path], **options: Any) -> object:
        raise ValueError("something no check foresaw")

    monkeypatch.setattr(cohort_files, "gather", broken)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_action("go('cohort')")
        await wait_for_screen(pilot, CohortScreen)
        app.screen.query_one("#cohort-path", Input).value = str(tmp_path)
        await pilot.press("enter")
        said = "ValueError: something no check foresaw"
        await wait_for(lambda: said in " ".join(screen_text(app).split()), said, pilot)
        assert app.return_code is None


async def test_a_member_reads_their_own_encrypted_team_without_a_passphrase(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    team = tmp_path / "Dropbox" / "team"
    team.mkdir(parents=True)
    words = "a team passphrase of words"
    for n, data in enumerate((data_dir, tmp_path / "ben", tmp_path / "cy")):
        cache = cache_at(data)
        member = join(
            cache, team, START, name=f"Name {n}", encrypt=True, passphrase=lambda _: words
        )
        publish(cache, member, START, add=[survey_item(PRE, 2, n), survey_item(POST, 3, n)])
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_action("go('cohort')")
        await wait_for_screen(pilot, CohortScreen)
        assert app.screen.query_one("#cohort-path", Input).value == str(team)
        assert "Your team's folder is filled in" in screen_text(app)
        await pilot.press("enter")
        await wait_for(lambda: "3 participants" in screen_text(app), "the team's report", pilot)
        assert "Name 0" not in body(app)


async def test_a_read_stops_when_its_screen_is_left(
    new_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder typed by mistake ('~', a whole drive) is read file by file in a thread: leaving
    the screen stops it at the next file (it read on to the end, on a machine others share)."""
    release = threading.Event()
    real_read_one = cohort_files.read_one
    read: list[Path] = []

    def read_one(file: Path, answers: object) -> None:
        read.append(file)
        if len(read) == 2:
            assert release.wait(10)
        real_read_one(file, answers)  # type: ignore[arg-type]

    monkeypatch.setattr(cohort_files, "read_one", read_one)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_action("go('cohort')")
        await wait_for_screen(pilot, CohortScreen)
        app.screen.query_one("#cohort-path", Input).value = str(cohort(tmp_path, n=40))
        await pilot.press("enter")
        await wait_for(lambda: len(read) == 2, "the second file", pilot)
        await app.run_action("go('home')")
        await wait_for_screen(pilot, HomeScreen)
        release.set()
        await pilot.pause(0.5)
        assert len(read) <= 3
        assert app.return_code is None


async def test_the_export_from_an_encrypted_data_folder_says_it_is_plain_text(
    new_app: AppFactory, tmp_path: Path, data_dir: Path
) -> None:
    """As every other plain-text export does (issue 15 item 7); ctrl+o here said nothing."""
    from csa_companion.transfer.actions import ENCRYPTED_FOLDER_NOTE
    from tests.ui.test_team import encrypted

    folder = cohort(tmp_path)
    data_dir.mkdir(parents=True, exist_ok=True)
    app = new_app(cipher=encrypted(data_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_action("go('cohort')")
        await wait_for_screen(pilot, CohortScreen)
        app.screen.query_one("#cohort-path", Input).value = str(folder)
        await pilot.press("enter")
        await wait_for(lambda: "4 participants" in screen_text(app), "the report", pilot)
        await pilot.press("ctrl+o")
        await wait_for(
            lambda: any("Exported to" in n.message for n in app._notifications), "export", pilot
        )
        [said] = [n.message for n in app._notifications if "Exported to" in n.message]
        assert said.endswith(f"({ENCRYPTED_FOLDER_NOTE})")

"""The facilitator's session on screen: the presenter view, the audience view that follows it
(in this process and in another one), large type that grows with the window, crash resume, the
record, and nothing personal anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from csa_companion.app import CompanionApp
from csa_companion.clock import FakeClock, SystemClock
from csa_companion.content.loader import load_library
from csa_companion.content.model import SessionPlan
from csa_companion.domain.session import SessionRun, resolve
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.screens.dialogs import Choice, Pick
from csa_companion.screens.present.session import AudienceScreen, PresenterScreen
from csa_companion.services import PresentTarget
from csa_companion.storage.session_runs import read_run, run_path, save_run
from csa_companion.widgets.big_text import BigText
from csa_companion.widgets.themes import THEMES
from tests.conftest import AppFactory
from tests.screen import screen_text
from tests.ui.test_present import assert_private, fill_store
from tests.waiting import wait_for, wait_for_screen

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library([bundled_content_dir()])
SIZES = [(80, 24), (160, 48)]


def presenter(new_app: AppFactory, plan: str = "session-1", **extra: object) -> CompanionApp:
    target = PresentTarget("session", plan, **extra)  # type: ignore[arg-type]
    return new_app(present=target)


def audience(new_app: AppFactory, plan: str = "session-1") -> CompanionApp:
    return new_app(present=PresentTarget("session", plan, audience=True))


def big_question(app: CompanionApp) -> str:
    """The question or prompt in large type (drawn as block letters when it fits)."""
    return app.screen.query_one("#shows-big", BigText).text


def state(data_dir: Path, plan: str = "session-1") -> dict[str, object]:
    doc = read_run(run_path(DataPaths(data_dir), plan))
    assert doc is not None
    return doc


@pytest.mark.parametrize("size", SIZES)
async def test_the_presenter_runs_the_session_and_saves_each_change(
    new_app: AppFactory, data_dir: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    fill_store(data_dir)
    app = presenter(new_app)
    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        text = screen_text(app)
        assert "Settling practice" in text and "Block 1 of 11" in text and "on time" in text
        assert "Check-in" in text  # the plan, and the next block
        assert "Settling: arriving together" in text  # the practice runs in its block
        assert_private(text)
        assert state(data_dir)["index"] == 0
        clock.advance(7 * 60)
        await pilot.press("n")  # three minutes early
        await wait_for(lambda: "3 min ahead" in screen_text(app), "ahead", pilot)
        assert state(data_dir)["index"] == 1
        assert big_question(app).startswith("What are you bringing with you")
        await pilot.press("plus", "plus")
        await wait_for(lambda: "1 min ahead" in screen_text(app), "two minutes added", pilot)
        assert state(data_dir)["added"] == {"1": 120.0}
        await pilot.press("space")
        await wait_for(lambda: "PAUSED" in screen_text(app), "paused", pilot)
        assert state(data_dir)["running"] is False
        await pilot.press("space", "h")
        assert app.screen.has_class("-notes-hidden")
        await pilot.press("q")
        await wait_for(lambda: app.screen.has_class("-alone"), "the question alone", pilot)
        assert state(data_dir)["alone"] is True
        await pilot.press("q", "g")
        await wait_for(lambda: "Go to which block?" in screen_text(app), "the block list", pilot)
        await pilot.press("end", "enter")
        await wait_for(lambda: "Block 11 of 11" in screen_text(app), "the last block", pilot)
        await pilot.press("escape")
        await wait_for_screen(pilot, Choice)
        await pilot.press("enter")
        await wait_for(lambda: "has ended" in screen_text(app), "the end", pilot)
        records = list((data_dir / "exports" / "sessions").glob("*-session-1.md"))
        assert len(records) == 1 and isinstance(app.screen, Choice)
        assert str(records[0]) in app.screen.question  # the screen says where
        record = records[0].read_text()
        assert "| Settling practice | 10 | 09:30 | 09:37 | 7 |" in record
        assert "Not reached:" in record and "Zanzibar" not in record
        assert state(data_dir)["ended"] is True


@pytest.mark.parametrize("size", SIZES)
async def test_the_audience_sees_the_block_and_time_large_and_never_the_notes(
    new_app: AppFactory, data_dir: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    fill_store(data_dir)
    plan = LIBRARY.get("session-1")
    assert isinstance(plan, SessionPlan)
    schedule = resolve(plan, ["iceberg"], {t.id: t.title for t in LIBRARY.tools})
    run = SessionRun(schedule, clock.monotonic(), started=clock.now())
    run.goto(clock.monotonic(), 1)
    path = run_path(DataPaths(data_dir), "session-1")
    save_run(path, run.to_doc(clock.monotonic(), clock.now().timestamp()))
    app = audience(new_app)
    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, AudienceScreen)
        await wait_for(lambda: "Check-in" in screen_text(app), "the block", pilot)
        text = screen_text(app)
        assert "Show the question" not in text and "Keeping it safe" not in text  # no notes
        assert "Settling practice" not in text  # no plan
        assert_private(text)
        digits = app.screen.query_one("#stage-left", BigText)
        assert digits.is_big
        if size == (160, 48):
            # The digits fill about a third of the height.
            assert 14 <= len(digits.render().plain.strip("\n").splitlines()) <= 16
        run.next(clock.monotonic())
        save_run(path, run.to_doc(clock.monotonic(), clock.now().timestamp()))
        await wait_for(lambda: "Journaling" in screen_text(app), "the next block", pilot)
        run.pause(clock.monotonic())
        save_run(path, run.to_doc(clock.monotonic(), clock.now().timestamp()))
        await wait_for(lambda: "Paused" in screen_text(app), "paused", pilot)


AUDIENCE_SCRIPT = textwrap.dedent(
    """
    import asyncio, os, sys, time
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from pathlib import Path
    from csa_companion.cli import make_app
    from csa_companion.paths import bundled_content_dir
    from csa_companion.services import PresentTarget

    async def main():
        app = make_app(
            data_dir=Path(sys.argv[1]), content_dirs=[bundled_content_dir()],
            present=PresentTarget("session", "session-1", audience=True),
        )
        async with app.run_test(size=(80, 24)) as pilot:
            seen = None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                screen = app.screen
                if type(screen).__name__ == "AudienceScreen" and screen.run is not None:
                    title = screen.run.moment(time.monotonic()).block.title
                    if title != seen:
                        seen = title
                        print(f"{time.monotonic():.4f} {title}", flush=True)
                        if title == "Journaling":
                            return
                await pilot.pause(0.02)

    asyncio.run(main())
    """
)


async def test_an_audience_in_another_process_follows_the_presenter_within_a_second(
    new_app: AppFactory, data_dir: Path
) -> None:
    # The real clocks: the two processes share them.
    app = new_app(present=PresentTarget("session", "session-1"), clock=SystemClock())
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        child = subprocess.Popen(
            [sys.executable, "-c", AUDIENCE_SCRIPT, str(data_dir)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert child.stdout is not None
            first = child.stdout.readline()
            assert first.split(" ", 1)[1].strip() == "Settling practice", first
            lags = []
            for expected in ("Check-in", "Journaling"):
                pressed = time.monotonic()
                await pilot.press("n")
                line = child.stdout.readline()
                seen_at, title = line.split(" ", 1)
                assert title.strip() == expected
                lags.append(float(seen_at) - pressed)
            assert max(lags) < 1.0, lags
        finally:
            child.kill()
            child.wait()


async def test_starting_again_offers_to_resume_a_run_that_was_not_ended(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    app = presenter(new_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        clock.advance(600)
        await pilot.press("n", "n")
        await wait_for(lambda: "Block 3 of 11" in screen_text(app), "block 3", pilot)
    # The terminal closed (a crash); a minute later the presenter starts again.
    clock.advance(60)
    app = presenter(new_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, Choice)
        assert isinstance(app.screen, Choice)
        assert "was not ended: block 3 of 11, Journaling, 9:00 left" in app.screen.question
        await pilot.press("enter")
        await wait_for(lambda: "Block 3 of 11" in screen_text(app), "resumed at block 3", pilot)
        # A minute of its ten went by while away.
        assert app.screen.query_one("#stage-left", BigText).text == "9:00"
    app = presenter(new_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, Choice)
        await pilot.click("#new")  # start again
        await wait_for(lambda: "Block 1 of 11" in screen_text(app), "a fresh run", pilot)
        assert json.loads(json.dumps(state(data_dir)))["index"] == 0


@pytest.mark.parametrize(("size", "rows"), [((80, 24), (4, 8)), ((160, 48), (12, 16))])
async def test_present_practice_digits_grow_with_the_window(
    new_app: AppFactory, size: tuple[int, int], rows: tuple[int, int]
) -> None:
    app = new_app(present=PresentTarget("practice", "settling-arrive"))
    async with app.run_test(size=size) as pilot:
        await wait_for(lambda: type(app.screen).__name__ == "PracticeSetupScreen", "setup", pilot)
        await pilot.press("ctrl+s")
        await wait_for(lambda: type(app.screen).__name__ == "PracticeScreen", "running", pilot)
        await pilot.pause()
        digits = app.screen.query_one("#practice-left", BigText)
        drawn = digits.render().plain.strip("\n").splitlines()
        assert digits.is_big and rows[0] <= len(drawn) <= rows[1], len(drawn)


async def test_a_session_on_an_encrypted_folder_never_asks_for_the_passphrase(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    from csa_companion.screens.data.unlock import UnlockScreen
    from tests.ui.test_present_encrypted import every_byte, unlocked_once

    unlocked_once(data_dir)
    app = presenter(new_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        assert not any(isinstance(s, UnlockScreen) for s in app.screen_stack)
        await pilot.press("n")
        await wait_for(lambda: state(data_dir)["index"] == 1, "the run state saved", pilot)
        viewer = audience(new_app)
        async with viewer.run_test(size=(100, 30)) as watching:
            await wait_for(lambda: "Check-in" in screen_text(viewer), "the audience", watching)
            assert not any(isinstance(s, UnlockScreen) for s in viewer.screen_stack)
    # The run state is plain (ids and times), and nothing the person wrote is.
    assert b"Pickup" not in every_byte(data_dir)


async def test_a_tick_before_the_views_widgets_are_mounted_draws_nothing_and_raises_nothing(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    """On a busy machine the first tick came before the stage's widgets were mounted and
    ended the presenter with NoMatches (seen in bench/session_timing.py)."""
    from csa_companion.storage.session_runs import run_path as path_of

    app = presenter(new_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        plan = LIBRARY.get("session-1")
        assert isinstance(plan, SessionPlan)
        path = path_of(DataPaths(data_dir), "session-1")
        for view in (
            PresenterScreen(screen.services, screen.schedule, path),
            AudienceScreen(screen.services, screen.schedule, path),
        ):
            view.run = SessionRun(screen.schedule, clock.monotonic())
            view.tick()  # not mounted: no stage yet


async def test_an_exercise_walks_its_tool_as_a_group_worksheet_titled_with_the_session(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    app = presenter(new_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        assert isinstance(app.screen, PresenterScreen)
        presenter_screen: PresenterScreen = app.screen
        await pilot.press("w")  # the settling practice has no tool: it says so
        await pilot.pause()
        assert app.screen is presenter_screen
        presenter_screen.action_goto()
        await wait_for_screen(pilot, Pick)
        await pilot.press("down", "down", "down", "down", "down", "enter")
        await wait_for(lambda: "The Iceberg: in teams" in screen_text(app), "the exercise", pilot)
        await pilot.press("w")
        await wait_for(lambda: app.screen is not presenter_screen, "the walkthrough", pilot)
        sheet = app.screen.worksheet  # type: ignore[attr-defined]
        assert sheet.group
        assert sheet.title.startswith("Learning session 1, 24 Nov 2026: The Iceberg")
        assert presenter_screen.made[0].tool == "iceberg"


async def test_a_talking_piece_round_and_automatic_mode_from_the_keys(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    app = presenter(new_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        screen.action_goto()
        await wait_for_screen(pilot, Pick)
        await pilot.press("end", "up", "enter")  # the whole-group reflection
        await wait_for(lambda: "Block 10 of 11" in screen_text(app), "the circle", pilot)
        await pilot.press("t")
        await wait_for(lambda: "talking-piece round" in screen_text(app), "the round's size", pilot)
        await pilot.press("enter")  # 10 x 2, from the plan
        await wait_for(lambda: "speaker 1 of 10" in screen_text(app), "the first turn", pilot)
        clock.advance(130)
        await wait_for(lambda: "speaker 2 of 10" in screen_text(app), "the second turn", pilot)
        await pilot.press("s")
        await wait_for(lambda: "speaker 3 of 10" in screen_text(app), "passed on", pilot)
        await pilot.press("a")
        await wait_for(lambda: "automatic" in screen_text(app), "automatic mode", pilot)
        assert state(data_dir)["auto"] is True
        clock.advance(25 * 60)  # the circle's time runs out: the closing starts by itself
        await wait_for(lambda: "Block 11 of 11" in screen_text(app), "moved on", pilot)


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
async def test_both_views_read_at_4_5_to_1_in_every_theme(
    new_app: AppFactory, data_dir: Path, clock: FakeClock, theme: str
) -> None:
    from tests.ui.test_contrast import SIZE, Measure

    app = presenter(new_app)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        check = Measure(pilot)
        await check("Presenter", "Block 1 of 11", "Say:")
        clock.advance(8 * 60 + 5)
        await pilot.press("n", "space")
        await check("Presenter, paused", "PAUSED", "Next:")
        clock.advance(1)
        await pilot.press("space")
        clock.advance(21 * 60)
        await check("Presenter, 20% left", "20% of the block left")
        check.assert_readable(theme)
    viewer = audience(new_app)
    async with viewer.run_test(size=SIZE) as pilot:
        viewer.theme = theme
        check = Measure(pilot)
        await check("Audience", "Check-in", "20% of the block left")
        check.assert_readable(theme)


async def start_presented_check_in(app: CompanionApp, pilot: Pilot[None], question: str) -> None:
    """`present practice check-in` with our own guiding question, running."""
    from textual.widgets import Input, Select

    await wait_for(lambda: type(app.screen).__name__ == "PracticeSetupScreen", "setup", pilot)
    setup = app.screen
    await pilot.pause()
    setup.query_one("#setup-question", Select).value = "__own__"
    setup.query_one("#setup-own", Input).value = question
    await pilot.press("ctrl+s")
    await wait_for(lambda: type(app.screen).__name__ == "PracticeScreen", "running", pilot)
    await pilot.pause()


@pytest.mark.parametrize(("size", "rows"), [((80, 24), (1, 3)), ((160, 48), (8, 24))])
async def test_present_practice_question_grows_and_q_shows_it_alone(
    new_app: AppFactory, size: tuple[int, int], rows: tuple[int, int]
) -> None:
    """The guiding question was body text under the digits, and there was no key to show it
    alone; now it is large type like a session's, and q shows it alone as large as fits."""
    question = "What surprised you this week?"
    app = new_app(present=PresentTarget("practice", "check-in"))
    async with app.run_test(size=size) as pilot:
        await start_presented_check_in(app, pilot, question)
        big = app.screen.query_one("#practice-big", BigText)
        assert big.text == question
        drawn = big.render().plain.strip("\n").splitlines()
        assert rows[0] <= len(drawn) <= rows[1], len(drawn)
        assert big.is_big == (size == (160, 48))
        footer = screen_text(app).splitlines()[-1]
        assert "q Question alone" in footer and "esc End" in footer  # both fit at 80x24
        text = screen_text(app)
        assert "Check-in" in text or "phase 1 of" in text
        await pilot.press("q")
        await pilot.pause()
        alone = screen_text(app)
        assert big.is_big
        rows_alone = big.render().plain.strip("\n").splitlines()
        assert len(rows_alone) > len(drawn)
        assert len({len(row) for row in rows_alone}) == 1  # rows centered as one block
        assert ":" not in alone.replace("Question alone", "")  # no time left, no status
        assert "phase 1 of" not in alone and question not in alone  # drawn, not as body text
        await pilot.press("q")
        await pilot.pause()
        assert "phase 1 of" in screen_text(app) or "Starting in" in screen_text(app)


def own_plan(tmp_path: Path, text: str) -> list[Path]:
    """The content folders with one more session plan (`text`) of our own."""
    extra = tmp_path / "my-content"
    (extra / "sessions").mkdir(parents=True)
    (extra / "sessions" / "own-plan.md").write_text(text)
    return [bundled_content_dir(), extra]


WAIT_PLAN = """+++
id = "wait-plan"
kind = "session"
title = "A plan with a check-in"
summary = "A check-in whose groups form before they share."
session = "orientation"
minutes = 90

[[blocks]]
id = "check-in"
title = "Opening check-in"
minutes = 20
kind = "practice"
practice = "check-in"
say = '''Let the groups form before the sharing starts.'''

[[blocks]]
id = "talk"
title = "Whole-group reflection"
minutes = 70
kind = "reflection"
question = "What did you hear?"
+++
"""


@pytest.mark.parametrize("size", SIZES)
async def test_a_practice_wait_phase_holds_the_session_until_the_facilitator_moves_on(
    new_app: AppFactory, data_dir: Path, clock: FakeClock, tmp_path: Path, size: tuple[int, int]
) -> None:
    """A practice's wait phase ("Form small groups" in the check-in) ran straight on into the
    sharing inside a session block; now it holds, in the presenter and the audience views, until
    the facilitator presses n, and the timeline goes on from there."""
    dirs = own_plan(tmp_path, WAIT_PLAN)
    app = new_app(present=PresentTarget("session", "wait-plan"), content_dirs=dirs)
    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        clock.advance(9 * 60 + 30)  # "Form small groups" runs from 9:00 to 10:00
        await wait_for(lambda: "Form small groups" in screen_text(app), "the wait phase", pilot)
        assert "Waiting for the facilitator" not in screen_text(app)
        clock.advance(4 * 60 + 30)  # four minutes past its end
        held = ("Waiting for the facilitator", "Form small groups", "WAITING", "4 min behind")
        await wait_for(lambda: all(w in screen_text(app) for w in held), "the hold", pilot)
        assert "10:00" in app.screen.query_one("#stage-left", BigText).text  # time stood still
        viewer = new_app(
            present=PresentTarget("session", "wait-plan", audience=True), content_dirs=dirs
        )
        async with viewer.run_test(size=size) as watching:
            await wait_for_screen(watching, AudienceScreen)
            await wait_for(
                lambda: "Waiting for the facilitator" in screen_text(viewer), "held too", watching
            )
            seen = screen_text(viewer)
            assert "Let the groups form" not in seen and "WAITING" not in seen  # no notes
            await pilot.press("n")  # releases the hold: the sharing starts, same block
            await wait_for(
                lambda: "Sharing in small groups" in screen_text(app), "the sharing", pilot
            )
            assert "Block 1 of 2" in screen_text(app)
            assert state(data_dir, "wait-plan")["released"] == {"0": [3]}
            await wait_for(
                lambda: "Sharing in small groups" in screen_text(viewer), "followed", watching
            )
            assert "Waiting for the facilitator" not in screen_text(viewer)
        clock.advance(60)
        await wait_for(
            lambda: "9:00" in app.screen.query_one("#stage-left", BigText).text, "runs", pilot
        )
        await pilot.press("n")
        await wait_for(lambda: "Block 2 of 2" in screen_text(app), "the next block", pilot)


BRACKETS_PLAN = r"""+++
id = "brackets"
kind = "session"
title = "Brackets"
summary = "Texts with brackets of their own."
session = "orientation"
minutes = 90

[[blocks]]
id = "budget"
title = "Budget [$500] in [red]"
minutes = 30
kind = "check-in"
question = "What would [$x] change?"
say = '''Say [red] and [/b] as written; the file is C:\[red].'''

[[blocks]]
id = "close"
title = "Close [/b] [$y]"
minutes = 60
kind = "closing"
+++
"""


async def test_brackets_in_a_plan_read_exactly_as_written(
    new_app: AppFactory, tmp_path: Path
) -> None:
    """Textual's markup escape let '[$500]' through as a variable (it vanished) and showed a
    backslash before '[' twice; the presenter and audience views now use ours."""
    dirs = own_plan(tmp_path, BRACKETS_PLAN)
    app = new_app(present=PresentTarget("session", "brackets"), content_dirs=dirs)
    written = (
        "Budget [$500] in [red]",
        "Say: Say [red] and [/b] as written; the file is C:\\[red].",
        "Next: Close [/b] [$y]",
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        await wait_for(lambda: "Budget" in screen_text(app), "the block", pilot)
        text = " ".join(screen_text(app).split())
        assert all(w in text for w in written), text
        viewer = new_app(
            present=PresentTarget("session", "brackets", audience=True), content_dirs=dirs
        )
        async with viewer.run_test(size=(160, 48)) as watching:
            await wait_for_screen(watching, AudienceScreen)
            await wait_for(lambda: "Budget" in screen_text(viewer), "the block", watching)
            assert "Budget [$500] in [red]" in screen_text(viewer)


async def test_the_status_line_names_the_blocks_own_practice(new_app: AppFactory) -> None:
    """Session 3 opens with paced breathing: the status line said 'settling practice'."""
    app = presenter(new_app, "session-3")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, PresenterScreen)
        status = app.screen.query_one("#stage-status", Label)
        await wait_for(lambda: "Block 1 of" in str(status.content), "the status line", pilot)
        assert "· Paced breathing ·" in str(status.content)
        assert "settling" not in str(status.content).lower()

"""The program's rhythm in the app: Home's Coming up card, reflections, program, surveys,
coaching and the growth chart, driven as a user would."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from csa_companion.app import CompanionApp
from csa_companion.clock import FakeClock
from csa_companion.domain.survey import PRE, items_for
from csa_companion.domain.wording import plural
from csa_companion.paths import DataPaths
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.rhythm.coaching import CoachingScreen
from csa_companion.screens.rhythm.growth import GrowthScreen
from csa_companion.screens.rhythm.program import EventDialog, ProgramScreen
from csa_companion.screens.rhythm.reflections import ReflectionScreen, ReflectionsScreen
from csa_companion.screens.rhythm.survey import SurveyScreen
from csa_companion.storage.program_repos import Rhythm
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Stores
from csa_companion.widgets.themes import THEMES as APP_THEMES
from tests.conftest import AppFactory
from tests.helpers import another_process, near_boundaries
from tests.rhythm_data import at, seed_month, seed_surveys
from tests.screen import screen_text
from tests.waiting import press_closing, wait_for, wait_for_screen

T = TypeVar("T")
THEMES = tuple(APP_THEMES.values())


def card(app: object) -> str:
    """The lines of Home's Coming up card."""
    from textual.content import Content
    from textual.widgets import OptionList

    options = app.screen.query_one("#home-rhythm", OptionList)  # type: ignore[attr-defined]
    return "\n".join(
        Content.from_markup(str(options.get_option_at_index(n).prompt)).plain
        for n in range(options.option_count)
    )


async def open_newest_month(pilot: Pilot[None]) -> None:
    """From Home: Reflections, then the first (newest) month."""
    await pilot.press("r")
    await wait_for_screen(pilot, ReflectionsScreen)
    await pilot.press("enter")
    await wait_for_screen(pilot, ReflectionScreen)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            "2027-01-05T10:00",  # before the orientation
            [
                "Orientation Tue 12 Jan 15:00, in 7 days",
                "☐ Pre-survey: session 1 (in 14 days)",
                "☐ Reflection, Jan 2027 (draft)",
            ],
        ),
        (
            "2027-01-19T08:00",  # on a session day, before it starts
            ["Learning session 1 Tue 19 Jan 09:00, today", "☐ Pre-survey: session 1 (today)"],
        ),
        (
            "2027-02-01T12:00",  # between sessions
            [
                "Learning session 2 Tue 09 Feb 09:00, in 8 days",
                "☐ Post-survey: session 1",
                "☐ Pre-survey: session 2 (in 8 days)",
                "☐ Reflection, Feb 2027 (not started)",
                "☐ Coach question by 19 Feb (in 18 days)",
            ],
        ),
        (
            "2027-04-02T12:00",  # after the last session
            ["☐ Post-survey: session 4", "☐ Reflection, Apr 2027 (not started)"],
        ),
    ],
    ids=["before-orientation", "session-day", "between-sessions", "after-last"],
)
async def test_home_shows_next_event_and_what_is_due(
    new_app: AppFactory, data_dir: Path, now: str, expected: list[str]
) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at(now)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        shown = card(app)
        position = -1
        for line in expected:
            assert line in shown, f"{line!r} not in:\n{shown}"
            assert shown.index(line) > position, "out of order"
            position = shown.index(line)
        if now.startswith("2027-04"):
            assert "Learning session" not in shown and "Orientation" not in shown
        # The month's reflection has a coach question, so it is not asked for in January.
        assert ("Coach question" in shown) == now.startswith("2027-02")


async def open_due_survey(app: CompanionApp, pilot: Pilot[None]) -> None:
    """From Home's Coming up card, open the survey due first (the card's second line)."""
    app.screen.query_one("#home-rhythm").focus()
    await pilot.press("down", "enter")
    await wait_for_screen(pilot, SurveyScreen)


async def test_due_survey_opens_from_home_and_is_no_longer_due(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-01-19T08:00")))
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await open_due_survey(app, pilot)
        assert "Survey before learning session 1" in screen_text(app)
        first, second, *rest = survey_item_ids(app, "iceberg")
        count = 2 + len(rest)
        assert app.focused is not None and app.focused.id == "code"  # at the top
        await pilot.press("tab", "7", "x", "space")  # a rating takes nothing else
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "rating-0"
        assert left_to_rate(app, count)() and "[" not in screen_text(app)  # none chosen
        await pilot.press("4")
        await pilot.pause()  # "still to rate" follows at once, before the autosave
        assert left_to_rate(app, count - 1)() and "[4]" in screen_text(app)
        await pilot.press("tab", *"hopeful", "tab", "right", "right", "right")
        await pilot.pause()
        assert "[3]" in screen_text(app) and left_to_rate(app, count - 2)()
        await pilot.press("ctrl+s")
        await wait_for(
            lambda: f"has no rating (and {len(rest) - 1} more)" in screen_text(app),
            "the missing ratings",
            pilot,
            timeout=3,
        )
        assert isinstance(app.screen, SurveyScreen)
        stored = app.services.rhythm.surveys.get(1, PRE)
        assert stored is not None and stored.status == "draft"
        assert stored.answer(first).comment == "hopeful"
        for left in range(len(rest) - 1, 0, -1):
            await pilot.press("tab", "tab", "5")
            await wait_for(left_to_rate(app, left), "one fewer left", pilot)
        assert "(s)" not in screen_text(app)
        await pilot.press("tab", "tab", "2")
        await wait_for(lambda: "Every item is rated" in screen_text(app), "all rated", pilot)
        assert "confident using The Iceberg" in screen_text(app)  # the session's tool, last
        await press_closing(pilot, "ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        await wait_for(lambda: "Pre-survey" not in card(app), "the survey to leave the card", pilot)
        stored = app.services.rhythm.surveys.get(1, PRE)
        assert stored is not None and stored.status == "submitted"
        assert [stored.answer(i).rating for i in (first, second, *rest)] == [
            4,
            3,
            *[5] * (len(rest) - 1),
            2,
        ]


def left_to_rate(app: CompanionApp, left: int) -> Callable[[], bool]:
    """Whether the survey says `left` items are still to rate."""
    return lambda: f"{plural(left, 'item')} still to rate" in screen_text(app)


def survey_item_ids(app: CompanionApp, *tools: str) -> list[str]:
    """The ids of the survey's items for a session that teaches `tools`, in order."""
    library = app.services.library
    assert library.survey is not None
    return [i.id for i in items_for(library.survey, tools, {})]


async def test_coming_back_to_a_survey_comment_adds_to_it(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Shift+tab back into a comment selected all of it: the next key replaced the comment."""
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-01-19T08:00")))
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await open_due_survey(app, pilot)
        await pilot.press("tab", "4", "tab", *"hopeful", "tab", "shift+tab", *" and calm")
        await wait_for(
            lambda: (
                (s := app.services.rhythm.surveys.get(1, PRE)) is not None
                and s.answer(survey_item_ids(app, "iceberg")[0]).comment == "hopeful and calm"
            ),
            "the comment added to, not replaced",
            pilot,
        )


async def test_coaching_next_steps_stay_on_home_until_done(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-02-01T12:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        assert "Next step: Try a two-minute check-in at pickup" in card(app)
        assert "Read Iceberg" not in card(app)  # already done
        await pilot.press("ctrl+p")
        await pilot.press(*"Coaching log", "enter")
        await wait_for_screen(pilot, CoachingScreen)
        assert "☐ Try a two-minute check-in at pickup" in screen_text(app)
        await pilot.press("down", "enter")  # the open step
        await wait_for(
            lambda: "☑ Try a two-minute check-in at pickup" in screen_text(app),
            "the step marked done",
            pilot,
        )
        await press_closing(pilot, "escape")
        await wait_for_screen(pilot, HomeScreen)
        assert "Next step" not in card(app)
    [note] = app.services.rhythm.coaching.all()
    assert all(step.done for step in note.steps)


async def test_a_coaching_session_is_added_to_and_escape_asks_before_dropping_it(
    new_app: AppFactory, data_dir: Path
) -> None:
    """The question was selected when the dialog opened, so the first key replaced it; and
    Escape dropped everything typed in the dialog without a word."""
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-02-01T12:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"Coaching log", "enter")
        await wait_for_screen(pilot, CoachingScreen)
        coaching = app.screen
        await pilot.press("enter")  # the session
        await wait_for(lambda: app.screen is not coaching, "the session dialog", pilot)
        # The dialog starts at its first field, the date; Tab goes on to the question.
        await pilot.press("tab", *" Really?", "tab", *"We talked a long time.")
        await pilot.press("escape")
        await wait_for(lambda: "Discard" in screen_text(app), "a question first", pilot)
        await press_closing(pilot, "escape")  # keep writing
        assert "We talked a long time." in screen_text(app)
        await press_closing(pilot, "ctrl+s")
        assert app.screen is coaching
    [note] = app.services.rhythm.coaching.all()
    assert note.question == "How do I slow down at pickup? Really?"
    # Tab into Notes goes on at the end of them (new text went before the notes).
    assert note.notes == "Talked about the first twenty minutes.We talked a long time."


async def test_next_step_marked_done_from_home(new_app: AppFactory, data_dir: Path) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-02-01T12:00")))
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        options = app.screen.query_one("#home-rhythm")
        options.focus()
        lines = card(app).splitlines()
        step = next(n for n, line in enumerate(lines) if line.startswith("→ Next step"))
        await pilot.press(*["down"] * step, "enter")
        await wait_for(lambda: "Mark “Try a two-minute" in screen_text(app), "the question", pilot)
        await pilot.press("enter")  # Done
        await wait_for(lambda: "Next step" not in card(app), "the step to leave Home", pilot)


async def test_reflection_draft_survives_a_killed_app(new_app: AppFactory, data_dir: Path) -> None:
    script = """
    import asyncio, sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from csa_companion.cli import make_app
    from csa_companion.clock import FakeClock
    from csa_companion.paths import bundled_content_dir
    from csa_companion.storage.program_repos import ReflectionRepo
    from csa_companion.storage.store import Store

    async def main() -> None:
        data = Path(sys.argv[1])
        now = datetime(2027, 1, 31, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
        app = make_app(data_dir=data, content_dirs=[bundled_content_dir()], clock=FakeClock(now))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("r")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause(0.3)
            await pilot.press(*"Named the pattern at pickup")
            repo = ReflectionRepo(Store(data / "reflections.json"))
            for _ in range(500):
                repo.store.refresh()
                saved = repo.get("2027-01")
                if saved and saved.answer("tried").endswith("pickup"):
                    break
                await pilot.pause(0.02)
            print("typing", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
    """
    with another_process(script, data_dir, ready="typing"):
        pass  # killed while the reflection is open

    app = new_app(clock=FakeClock(at("2027-02-02T09:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await wait_for_screen(pilot, ReflectionsScreen)
        assert "January 2027" in screen_text(app) and "draft" in screen_text(app)
        await pilot.press("down", "enter")  # February is first, then January
        await wait_for_screen(pilot, ReflectionScreen)
        area = app.screen.query_one("#answer-tried", TextArea)
        assert area.text == "Named the pattern at pickup"


async def test_ctrl_q_just_after_typing_keeps_every_letter_of_a_reflection(
    new_app: AppFactory, data_dir: Path
) -> None:
    """ctrl+q within the autosave's pause lost the last letters typed ('Named the patter')."""
    from csa_companion.storage.program_repos import ReflectionRepo
    from csa_companion.storage.store import Store

    app = new_app(clock=FakeClock(at("2027-01-31T23:30")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await wait_for_screen(pilot, ReflectionsScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, ReflectionScreen)
        await pilot.press(*"Named the pattern at pickup", "ctrl+q")
        await wait_for(lambda: not app.is_running, "the app to end", pilot)
    saved = ReflectionRepo(Store(data_dir / "reflections.json")).get("2027-01")
    assert saved is not None and saved.answer("tried") == "Named the pattern at pickup"


async def test_glance_comes_first_and_opens_what_it_counts(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-01-31T20:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_newest_month(pilot)
        text = screen_text(app)
        assert text.index("January 2027 at a glance") < text.index("What did I try")
        assert "Journal entries: 4; most used tags #pickup (3), #team (2)" in text
        assert "Starred entries: 2" in text and "Practices done: 2" in text
        assert app.screen.query_one("#answer-tried", TextArea).text == "A check-in at pickup."
        app.screen.query_one("#glance").focus()
        await pilot.press("down", "down", "down", "enter")  # Starred entries
        await wait_for(lambda: "Entries counted" in screen_text(app), "the counted entries", pilot)
        assert "Entry j1" in screen_text(app) and "Entry j3" in screen_text(app)
        assert "Entry j2" not in screen_text(app)
        await pilot.press("enter")
        from csa_companion.screens.journal.entry_view import EntryViewScreen

        await wait_for_screen(pilot, EntryViewScreen)
        assert "Body of j" in screen_text(app)


async def test_reflection_marked_done_and_exported(new_app: AppFactory, data_dir: Path) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-01-31T20:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_newest_month(pilot)
        await pilot.press("ctrl+f")
        await wait_for(lambda: "Status: done" in screen_text(app), "the done status", pilot)
        await pilot.press("ctrl+o")
        exported = data_dir / "exports" / "reflection-2027-01.md"
        await wait_for(exported.exists, "the export file", pilot)
        assert "Status: done" in exported.read_text()
        assert exported.stat().st_mode & 0o777 == 0o600  # private text, whatever the umask
        await press_closing(pilot, "escape")
        assert "✓  January 2027" in screen_text(app)


async def test_program_dates_are_checked_in_place(new_app: AppFactory, data_dir: Path) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-01-05T10:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await wait_for_screen(pilot, ProgramScreen)
        assert "Learning session 1" in screen_text(app)
        # In words, on a line of their own: "·" stood for "not started" and separated the
        # parts too ("surveys: before ·, after ·").
        rows = [row.strip(" ▊▎┃") for row in screen_text(app).splitlines()]
        assert rows.count("surveys before: not started, after: not started") == 4
        assert "Quick fixes and lasting ones" in rows
        await pilot.press("down", "enter")  # session 1
        await wait_for_screen(pilot, EventDialog)
        date = app.screen.query_one("#event-date", Input)
        date.value = "2027-02-30"
        await pilot.press("ctrl+s")
        await wait_for(
            lambda: "February 2027 has 28 days, not 30" in screen_text(app),
            "the date message",
            pilot,
        )
        date.value = "2027-01-20"
        app.screen.query_one("#event-end", Input).value = "08:00"
        await pilot.press("ctrl+s")
        await wait_for(lambda: "not after its start" in screen_text(app), "the end message", pilot)
        app.screen.query_one("#event-end", Input).value = "12:00"
        date.value = "2027-03-01"  # after session 2
        await pilot.press("ctrl+s")
        await wait_for(
            lambda: "learning session 1 (2027-03-01 12:00)" in screen_text(app),
            "the order message",
            pilot,
        )
        assert isinstance(app.screen, EventDialog)
        problem = str(app.screen.query_one("#event-problem").render())
        assert problem == (
            "Learning session 2 (2027-02-09 09:00) is before the end of learning session 1 "
            "(2027-03-01 12:00)"
        )
        date.value = "2027-01-20"
        app.screen.query_one("#event-tools", Input).value = "iceberg, icebreaker"
        await pilot.press("ctrl+s")
        await wait_for(
            lambda: "Unknown tool 'icebreaker'" in screen_text(app), "the tool message", pilot
        )
        app.screen.query_one("#event-tools", Input).value = "iceberg"
        await press_closing(pilot, "ctrl+s")
        await wait_for(lambda: "Wed 20 Jan 2027" in screen_text(app), "the new date", pilot)
    saved = app.services.rhythm.program.get(at("2027-01-05T10:00").date())
    assert f"{saved.sessions[0].start:%Y-%m-%d %H:%M}" == "2027-01-20 09:00"
    assert f"{saved.sessions[0].end:%H:%M}" == "12:00"


@pytest.mark.parametrize("theme", THEMES)
async def test_growth_chart_fits_80x24_in_every_theme(
    new_app: AppFactory, data_dir: Path, theme: str
) -> None:
    rhythm = seed_month(data_dir)
    seed_surveys(rhythm)
    app = new_app(clock=FakeClock(at("2027-03-01T12:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to Growth", "enter")
        await wait_for_screen(pilot, GrowthScreen)
        chart = app.screen.query_one("#growth-chart", Static)
        lines = str(chart.render()).splitlines()
        assert "  Session 1  pre ██··· 2  post ███·· 3  +1" in lines
        assert "  Session 2  pre ███·· 3  post ████· 4  +1" in lines
        assert any("trend ↗ +2 from first to last rating" in line for line in lines)
        seen = ""
        for _ in range(10):  # scroll through: every line is shown whole
            seen += screen_text(app)
            await pilot.press("pagedown")
        for line in lines:
            assert line.rstrip() in seen, f"cut off: {line!r}"
        assert max(len(line) for line in lines) <= 78
        assert chart.region.right <= 80


class FixedPick(random.Random):
    """A "random" pick that is always the stored position `index` (set by the test to j5's,
    which the card already shows as about a week ago), so the test knows what opens."""

    index = 0

    def randrange(self, *args: object, **kwargs: object) -> int:
        return self.index


async def test_look_back_card_and_a_random_one(
    new_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("csa_companion.screens.rhythm.home_rhythm.random.Random", FixedPick)
    seed_month(data_dir)  # entries on 3, 10, 20 and 31 January
    app = new_app(clock=FakeClock(at("2027-02-08T12:00")))
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await wait_for(lambda: "About a" in card(app), "the look back (a moment later)", pilot)
        shown = card(app)
        assert "About a week ago: Entry j5" in shown  # 1 February
        assert "About a month ago: Entry j2" in shown  # 10 January
        assert "About a year ago" not in shown
        assert app.services.journal._cache is None  # found without parsing the whole journal
        before = len(shown.splitlines())
        stored = app.services.journal.store.documents("journal")  # in the journal's own order
        FixedPick.index = [doc["title"] for doc in stored].index("Entry j5")
        await pilot.press("b")
        await wait_for(
            lambda: len(card(app).splitlines()) == before + 1, "a random look back", pilot
        )
        await pilot.press("b")  # again: the pick is replaced, not added
        await pilot.pause()
        assert len(card(app).splitlines()) == before + 1
        line = card(app).splitlines()[-1]
        assert line.startswith("From your archive: Entry j5 ")
        title = line.removeprefix("From your archive: ").rsplit(" ", 3)[0]  # less the date
        await pilot.press("enter")
        from csa_companion.screens.journal.entry_view import EntryViewScreen

        await wait_for_screen(pilot, EntryViewScreen)
        assert app.screen.entry.display_title == title  # type: ignore[attr-defined]
        assert title in screen_text(app)
        assert app.services.journal._cache is None  # read from its month alone


async def test_coach_question_opens_in_place_and_is_then_no_longer_due(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_month(data_dir)
    app = new_app(clock=FakeClock(at("2027-02-01T12:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        lines = card(app).splitlines()
        index = next(n for n, line in enumerate(lines) if "Coach question" in line)
        app.screen.query_one("#home-rhythm").focus()
        await pilot.press(*["down"] * index, "enter")
        await wait_for_screen(pilot, ReflectionScreen)
        assert app.focused is not None and app.focused.id == "answer-coach-question"
        await pilot.press(*"How do I keep it going?")
        await press_closing(pilot, "escape")
        await wait_for(lambda: "Coach question" not in card(app), "the question to be done", pilot)
        assert "Reflection, Feb 2027 (draft)" in card(app)


async def test_coming_up_lines_for_a_far_program_fit_the_card(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Dates in year 9999 read "(in 2912103" on one row and "days)" on the next, and the
    card's last line was out of sight."""
    from csa_companion.domain.program import program_from_toml
    from csa_companion.paths import DataPaths
    from csa_companion.storage.program_repos import Rhythm
    from csa_companion.storage.store import Stores
    from tests.rhythm_data import COHORT

    far = COHORT.read_text().replace('date = "2027', 'date = "9999')
    Rhythm.open(Stores(DataPaths(data_dir))).program.save(program_from_toml(far))
    app = new_app(clock=FakeClock(at("2027-01-05T10:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        lines = card(app).splitlines()
        assert lines[1] == "☐ Pre-survey: session 1 (in 7972 years)"
        assert any(lines[1] in row for row in screen_text(app).splitlines())  # on one row
        box = app.screen.query_one("#home-rhythm").region
        rows = screen_text(app).splitlines()[box.y : box.bottom]
        shown = " ".join(" ".join(row[box.x + 1 : box.right - 1] for row in rows).split())
        assert all(" ".join(line.split()) in shown for line in lines)  # none out of sight


async def test_program_says_how_far_each_session_survey_is(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_surveys(seed_month(data_dir))
    app = new_app(clock=FakeClock(at("2027-03-01T12:00")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await wait_for_screen(pilot, ProgramScreen)
        rows = [row.strip(" ▊▎┃") for row in screen_text(app).splitlines()]
        assert rows.count("surveys before: done, after: done") == 2
        assert "surveys before: draft, after: not started" in rows


async def test_a_month_across_its_boundaries_shows_what_the_whole_journal_gives(
    new_app: AppFactory, data_dir: Path
) -> None:
    """October (in the app's zone, UTC-8) counts entries kept in the files of September and
    November (written at the edges of those months in other zones), as counting every entry
    did; the list of months goes back to the month of the oldest entry."""
    from textual.widgets import OptionList

    from csa_companion.domain.reflection import glance_lines

    near_boundaries(data_dir)
    clock = FakeClock(at("2027-01-10T09:00"))
    stores = Stores(DataPaths(data_dir))
    rhythm = Rhythm.open(stores, clock.zone)
    whole = JournalRepo(stores["journal"]).all()
    before = rhythm.glance("2026-10", whole, [], [])
    assert {"9-3", "11-0"} <= {e.title for e in whole if e.uid in before.entries}
    app = new_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await wait_for_screen(pilot, ReflectionsScreen)
        months = app.screen.query_one("#months", OptionList)
        shown = [months.get_option_at_index(n).id for n in range(months.option_count)]
        assert shown[-1] == rhythm.month(min(e.created for e in whole)) == "2026-07"
        months.highlighted = shown.index("2026-10")
        await pilot.press("enter")
        await wait_for_screen(pilot, ReflectionScreen)
        titles = {t.id: t.title for t in app.services.library.tools}
        text = screen_text(app)
        for _, line in glance_lines(before, titles):
            assert line in text
        app.screen.query_one("#glance").focus()
        await pilot.press("down", "down", "enter")  # Journal entries
        await wait_for(lambda: "Entries counted" in screen_text(app), "the counted entries", pilot)
        counted = app.screen.query_one(OptionList)
        listed = [counted.get_option_at_index(n).id for n in range(counted.option_count)]
        assert listed == [e.uid for e in whole if e.uid in before.entries]
        await pilot.press("enter")
        from csa_companion.screens.journal.entry_view import EntryViewScreen

        await wait_for_screen(pilot, EntryViewScreen)
        first = next(e for e in whole if e.uid == listed[0])
        assert first.display_title in screen_text(app)
        assert app.services.journal._cache is None  # the whole journal was not read


async def test_ctrl_q_keeps_what_is_typed_in_an_event_and_the_next_start_gives_it_back(
    new_app: AppFactory, data_dir: Path
) -> None:
    """ctrl+q with an event being edited lost what was typed. It is kept, not saved to the
    calendar (half a date may read as another date), and is back when the event is edited
    again; Escape then forgets it."""
    seed_month(data_dir)
    clock = FakeClock(at("2027-01-05T10:00"))

    async def edit_session_1(app: CompanionApp, pilot: Pilot[None]) -> None:
        await pilot.press("g")
        await wait_for_screen(pilot, ProgramScreen)
        await pilot.press("down", "enter")
        await wait_for_screen(pilot, EventDialog)

    app = new_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_session_1(app, pilot)
        await pilot.press("ctrl+u", *"2027-02-0", "tab", "tab", "tab", "ctrl+u", *"Ladders")
        await pilot.press("ctrl+q")
        await wait_for(lambda: not app.is_running, "the app to end", pilot)
    app = new_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "2027-02-0" not in screen_text(app)
        await edit_session_1(app, pilot)
        assert app.screen.query_one("#event-date", Input).value == "2027-02-0"
        assert app.screen.query_one("#event-topic", Input).value == "Ladders"
        hint = "Back as typed before the app closed. Enter saves, Escape cancels."
        assert hint in screen_text(app).splitlines()[-4]  # one line, above the dialog's edge
        await press_closing(pilot, "escape")
        await pilot.press("enter")
        await wait_for_screen(pilot, EventDialog)
        assert app.screen.query_one("#event-date", Input).value != "2027-02-0"
    program = app.services.rhythm.program.get(clock.now().date())
    assert program.sessions[0].topic != "Ladders"  # the calendar never had it

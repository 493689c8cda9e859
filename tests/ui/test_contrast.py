"""Every text on every screen reads at WCAG AA (4.5:1) in each of the three themes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton

from csa_companion.app import CompanionApp
from csa_companion.clock import FakeClock
from csa_companion.content.model import Tool
from csa_companion.domain.journal import Draft
from csa_companion.domain.practice import LogEntry
from csa_companion.domain.worksheet import Observation, Worksheet
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.dialogs import Ask, Choice
from csa_companion.screens.help import HelpScreen
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.journal.entry_view import EntryViewScreen
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.screens.practice.practice import NoticeDialog, PracticeScreen
from csa_companion.screens.practice.practice_setup import PracticeSetupScreen
from csa_companion.screens.practice.practices import PracticesScreen
from csa_companion.screens.rhythm.rhythm_nav import open_target
from csa_companion.screens.tools.learn import LearnScreen
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.tools import ToolsScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from csa_companion.widgets.themes import DARK, LIGHT, THEMES
from tests.conftest import START, AppFactory
from tests.contrast import AA, Run, text_runs
from tests.helpers import seed_journal
from tests.rhythm_data import at, seed_month, seed_surveys
from tests.screen import screen_text
from tests.waiting import wait_for

SIZE = (100, 32)


def _tool(app: CompanionApp, tool_id: str) -> Tool:
    tool = app.services.library.get(tool_id)
    assert isinstance(tool, Tool)
    return tool


def _seed(app: CompanionApp) -> dict[str, Worksheet]:
    """A draft and a finished worksheet, an observation, and a draft entry waiting on Home."""
    services = app.services
    iceberg = _tool(app, "iceberg")
    draft = Worksheet.new(iceberg, "Late pickups", START)
    for step in iceberg.steps[:2]:
        draft = draft.with_answer(step.id, f"An answer to {step.title}", START)
    draft = draft.at_step(iceberg.steps[1].id)
    done = Worksheet.new(iceberg, "Monday meetings", START)
    for step in iceberg.steps:
        done = done.with_answer(step.id, f"What I saw at {step.title}", START)
    done = done.completed(START + timedelta(hours=1))
    players = _tool(app, "four-player-model")
    observed = Worksheet.new(players, "Team meeting", START)
    for n, act in enumerate([*players.acts, players.acts[0], players.acts[0]]):
        observed = observed.observed(Observation(act.id, START + timedelta(minutes=n), "Ana"))
    for sheet in (draft, done, observed):
        services.worksheets.save(sheet)
    return {"draft": draft, "done": done, "observed": observed}


async def _show(pilot: Pilot[None], screen: Screen[Any]) -> None:
    app = pilot.app
    await app.push_screen(screen)
    await wait_for(lambda: app.screen is screen and screen.is_mounted, repr(screen), pilot)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def _region(app: CompanionApp) -> Region | None:
    """A dialog's own region: the screen under a modal is inactive (and dimmed on purpose),
    which WCAG 1.4.3 exempts, so only the dialog is checked."""
    if isinstance(app.screen, ModalScreen):
        shown = [w.region for w in app.screen.query(Widget) if w.region]
        return Region.from_union(shown)
    return None


def _unchecked_marks(app: CompanionApp) -> set[tuple[int, int]]:
    """Where an unchecked box draws its faint X (▐X▌): a state mark whose faintness is the
    message (a clear X would read as checked), not text; its label is measured."""
    return {
        (box.content_region.x + 1, box.content_region.y)
        for box in [*app.screen.query(Checkbox), *app.screen.query(RadioButton)]
        if not box.value
    }


def _failures(app: CompanionApp, state: str) -> list[str]:
    region = _region(app)
    unchecked = _unchecked_marks(app)
    runs: list[Run] = [
        r for r in text_runs(app.export_screenshot()) if (r.column, r.row) not in unchecked
    ]
    if region is not None:
        runs = [r for r in runs if region.contains(r.column, r.row)]
    assert runs, f"{state}: no text found in the screenshot"
    return [f"{state}: {run}" for run in runs if run.lowest < AA]


class Measure:
    """Measures the screens a test shows, and keeps every run found below AA."""

    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.failures: list[str] = []

    async def __call__(self, state: str, *shown: str) -> None:
        """Measure the screen once it shows each of `shown` (so that nothing is missed by
        measuring too early, or the wrong screen). When a screen's wording changes, the
        timeout names the text no longer found: update it here."""
        app = self.pilot.app
        assert isinstance(app, CompanionApp)
        for text in shown:

            def visible(text: str = text) -> bool:
                return text in screen_text(app)

            await wait_for(visible, f"{text!r} on {state}", self.pilot)
        await self.pilot.pause()
        self.failures.extend(_failures(app, state))

    def assert_readable(self, theme: str) -> None:
        count = len(self.failures)
        assert not count, f"{count} text run(s) below {AA}:1 in {theme}:\n" + "\n".join(
            self.failures
        )


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
async def test_every_text_reads_at_4_5_to_1(
    new_app: AppFactory, data_dir: Path, theme: str
) -> None:
    """Each screen, with its lists focused and not, rows highlighted, placeholders, dialogs
    and notices: every text cell at 4.5:1 or more against its own background."""
    seed_journal(
        data_dir,
        ("First steps", "Body one", ("coaching", "team")),
        ("Late pickups", "Body two with **bold** and a [link](https://example.org)", ("family",)),
        ("Untagged", "Body three", ()),
    )
    app = new_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.theme = theme
        sheets = _seed(app)
        services = app.services
        journal = services.journal
        journal.save(journal.all()[0].edited(START, starred=True))
        services.drafts.save(Draft("Half a thought", "Unfinished", "", START))

        check = Measure(pilot)

        home = app.screen
        assert isinstance(home, HomeScreen)
        home.reload()
        await check("Home", "Where to next", "Half a thought", "Late pickups", "Reflections")
        app.notify("A note", title="Information")
        app.notify("A warning", title="Warning", severity="warning")
        app.notify("An error", title="Error", severity="error")
        await check("Home with notifications", "A note", "A warning", "An error")
        app.clear_notifications()
        await pilot.press("tab")
        await check("Home, waiting list focused", "Half a thought")

        await _show(pilot, HelpScreen(app.screen))
        await check("Help", "Help: Home", "What it does")
        app.screen.query_one("#help").scroll_end(animate=False)
        await check("Help, scrolled to its end", "Press Escape to close")
        app.pop_screen()

        await pilot.press("ctrl+p")
        await pilot.press(*"theme")
        await check("Command palette", "Theme: Light")
        await pilot.press("escape")
        await wait_for(lambda: app.screen is home, "the palette closed", pilot)

        await _show(pilot, ToolsScreen(services))
        await check("Tools", "The Iceberg", "Monday meetings")
        await pilot.press("w")
        await check("Tools, worksheets focused", "Monday meetings")
        await pilot.press("shift+tab", *["down"] * 4)
        await check("Tools, Four Player Model", "Team meeting")
        await _show(pilot, Ask("A short title?", "Team meeting", hint="Only you see it."))
        await check("Ask dialog", "A short title?", "Only you see it.")
        app.pop_screen()
        await _show(pilot, Choice("Delete it?", [("delete", "Delete"), ("cancel", "Keep it")]))
        await check("Choice dialog", "Delete it?", "Keep it")
        app.pop_screen()
        app.pop_screen()

        iceberg = _tool(app, "iceberg")
        await _show(pilot, WalkthroughScreen(services, iceberg, sheets["draft"]))
        await check("Walkthrough", "Step 2 of")
        await pilot.press("ctrl+t")
        await check("Walkthrough, stuck", "Example:")
        app.pop_screen()
        ladder = _tool(app, "ladder-of-social-connectedness")
        step = next(s for s in ladder.steps if s.choices)
        choosing = Worksheet.new(ladder, "Where I stand", START).at_step(step.id)
        await _show(pilot, WalkthroughScreen(services, ladder, choosing))
        await check("Walkthrough, choice step", step.choices[0])
        app.pop_screen()

        await _show(pilot, WorksheetViewScreen(services, iceberg, sheets["done"]))
        await check("Worksheet view", "Monday meetings", "What I saw at")
        app.pop_screen()
        for tool in services.library.tools:  # each diagram, half filled in ("…" for the rest)
            half = Worksheet.new(tool, f"Half of {tool.title}", START)
            for step in tool.steps[::2]:
                half = half.with_answer(
                    step.id, step.choices[0] if step.choices else "Words", START
                )
            await _show(pilot, WalkthroughScreen(services, tool, half.at_step(tool.steps[1].id)))
            await check(f"Walkthrough of {tool.title}", "Step 2 of", "…")
            app.pop_screen()

        players = _tool(app, "four-player-model")
        await _show(pilot, ObserverScreen(services, players, sheets["observed"]))
        await check("Observer", "Who acts next?", players.acts[0].name)
        app.pop_screen()

        await _show(pilot, JournalScreen(services))
        await check("Journal", "★", "#coaching", "#family", "2026-11-24", "All tags")
        await pilot.press("down")
        await check("Journal, second row", "Body two")
        await pilot.press("slash")
        await check("Journal, search focused", "Search title")
        await pilot.press("tab")
        await check("Journal, tag select focused", "All tags")
        await pilot.press("enter")
        await check("Journal, tag select open", "#team")
        await pilot.press("escape")
        app.pop_screen()

        await _show(pilot, EntryViewScreen(services, journal.all()[1]))
        await check("Entry view", "Late pickups", "link")
        app.pop_screen()

        await _show(pilot, EntryEditorScreen(services))
        await check("Editor, empty", "optional", "e.g. coaching")
        await pilot.press(*"Some words")
        await check("Editor, typed", "Some words")
        app.pop_screen()

        learn = LearnScreen(services)
        await _show(pilot, learn)
        await check("Learn", "Compassionate Systems")
        learn.query_one("#learn-page").scroll_end(animate=False)
        await check("Learn, links in the text", "Words you meet here")
        app.pop_screen()

        practice = services.library.practices[0]
        services.practice_log.add(LogEntry(practice.id, practice.title, START, 3.0))
        await _show(pilot, PracticesScreen(services))
        await check("Practices", "Your practice log", "3 min", "Enter: run")
        await _show(pilot, PracticeSetupScreen(services, practice))
        await check("Practice setup", practice.title)
        app.screen.query_one(Checkbox).value = True
        await check("Practice setup, box checked", practice.title)
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, PracticeScreen), "the practice", pilot)
        await check("Practice running", "phase 1 of")
        app.screen.add_class("flash")  # as when a bell strikes
        await check("Practice, bell flash", "phase 1 of")
        app.screen.remove_class("flash")
        await pilot.press("space")
        await check("Practice paused", "Paused")
        await _show(pilot, NoticeDialog(practice.title))
        await check("Practice note", "What did you notice?", "One line")
    check.assert_readable(theme)


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
async def test_program_screens_read_at_4_5_to_1(
    new_app: AppFactory, data_dir: Path, theme: str
) -> None:
    """Home's Coming up card, reflections, the program and its dialog, a survey with a
    problem shown, the coaching log and its dialog, and the growth chart."""
    rhythm = seed_month(data_dir)
    seed_surveys(rhythm)
    app = new_app(clock=FakeClock(at("2027-02-01T12:00")))  # between sessions: much is due
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        check = Measure(pilot)
        await check("Home", "Coming up", "☐", "Next step:", "About a week ago")
        app.screen.query_one("#home-rhythm").focus()
        await check("Home, Coming up focused", "Coming up")

        app.action_go("reflections")
        await check("Reflections", "February 2027", "January 2027")
        await pilot.press("enter")
        await check("Reflection", "February 2027")
        app.action_go("program")
        await check("Program", "Learning session 2")
        await pilot.press("down", "enter")
        await check("Program, event dialog", "Escape cancels")
        app.screen.query_one("#event-date", Input).value = "someday"
        await pilot.press("enter")
        await check("Program, event dialog with a problem", "someday")
        app.pop_screen()
        program = app.screen
        assert isinstance(program, CompanionScreen)
        open_target(program, "survey:2-post")
        await check("Survey", "Survey after learning session 2")
        await pilot.press("tab", "4")
        await check("Survey, a rating chosen", "[4]")
        app.action_go("coaching")
        await check("Coaching log", "Try a two-minute check-in at pickup")
        await pilot.press("n")
        await check("Coaching, note dialog", "Next steps, one a line")
        app.pop_screen()
        app.action_go("growth")
        await check("Growth", "Session 1", "trend")
    check.assert_readable(theme)


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
async def test_empty_screens_read_at_4_5_to_1(new_app: AppFactory, theme: str) -> None:
    """A first start: the 'nothing yet' lines are disabled options, drawn in the theme's
    disabled-text color."""
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        check = Measure(pilot)
        await check("Home, first start", "Start here", "real situations from your site")
        for destination, empty in [
            ("tools", "No worksheets yet"),
            ("journal", "No entries yet"),
            ("practice", "No practices yet"),
            ("coaching", "No sessions yet"),
        ]:
            app.action_go(destination)
            await check(f"{destination.title()}, first start", empty)
    check.assert_readable(theme)


@pytest.mark.parametrize(("saved", "shown"), [("textual-dark", DARK), ("textual-light", LIGHT)])
async def test_theme_saved_by_an_earlier_version_becomes_its_readable_twin(
    new_app: AppFactory, saved: str, shown: Theme
) -> None:
    """Dark and Light were Textual's own themes; a setting naming them opens ours."""
    app = new_app()
    app.services.settings.set("theme", saved)
    again = new_app()
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(lambda: again.screen.is_mounted, "Home", pilot)
        assert again.theme == shown.name


@pytest.mark.parametrize("theme", THEMES.values(), ids=THEMES.keys())
async def test_the_saved_theme_colors_the_first_frame(new_app: AppFactory, theme: str) -> None:
    """The saved theme is set before the app runs (without Textual's second pass over the
    whole stylesheet): Home is drawn in its colors, with its classes, from the start."""
    new_app().services.settings.set("theme", theme)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(lambda: app.screen.is_mounted, "Home", pilot)
        wanted = app.get_theme(theme)
        assert wanted is not None and app.theme == theme
        colors = {**wanted.to_color_system().generate(), **wanted.variables}
        assert app.screen.styles.background == Color.parse(colors["background"])
        assert app.query_one("#home-menu").styles.color == Color.parse(colors["foreground"])
        assert app.has_class(f"-theme-{theme}")
        assert (app.has_class("-dark-mode"), app.has_class("-light-mode")) == (
            wanted.dark,
            not wanted.dark,
        )

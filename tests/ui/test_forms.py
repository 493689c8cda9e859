"""Forms: where focus starts, that Tab follows the order on screen, and that the focused field
shows without color (a heavy frame, in a plain text capture and in every theme).

Screens are reached with keys from Home, as a person would, and named by what they show."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from csa_companion.widgets.themes import THEMES
from tests.conftest import AppFactory
from tests.screen import screen_text
from tests.waiting import wait_for

FRAME_CORNER = "┏"


def marked(app: App[None], widget: Widget) -> bool:
    """The widget's top-left corner shows the focus frame in the plain text of the screen."""
    region = widget.region
    rows = screen_text(app).splitlines()
    return rows[region.y][region.x] == FRAME_CORNER


def only_focused_marked(app: App[None]) -> bool:
    focused = app.focused
    assert focused is not None, "nothing has focus"
    frames = sum(row.count(FRAME_CORNER) for row in screen_text(app).splitlines())
    return marked(app, focused) and frames == 1


async def tab_order(pilot: Pilot[None], count: int) -> list[Widget]:
    """The focused widget, then after each of `count` Tabs, each marked without color."""
    app = pilot.app
    seen = []
    for _ in range(count):
        await pilot.pause()
        focused = app.focused
        assert focused is not None
        assert only_focused_marked(app), f"{focused!r} is not marked without color"
        seen.append(focused)
        await pilot.press("tab")
    return seen


@pytest.mark.parametrize("theme", sorted(THEMES.values()))
async def test_practice_setup_starts_at_length_and_marks_focus_in_every_theme(
    new_app: AppFactory, theme: str
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.press("p")
        await wait_for(lambda: "practice log" in screen_text(app), "Practice", pilot)
        await pilot.press("enter")
        await wait_for(lambda: "Length" in screen_text(app), "the practice's setup", pilot)
        order = await tab_order(pilot, 6)
        ids = [w.id or type(w).__name__ for w in order]
        assert ids == [
            "setup-length",
            "setup-arrive",
            "setup-bells",
            "setup-motion",
            "setup-start",
            "setup-back",
        ]


async def test_a_length_typed_in_practice_setup_is_applied(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await wait_for(lambda: "practice log" in screen_text(app), "Practice", pilot)
        await pilot.press("enter")
        await wait_for(lambda: "Length" in screen_text(app), "the practice's setup", pilot)
        await pilot.press("2", "enter")  # two minutes, where the one-minute arrival is 1:00
        await wait_for(lambda: "phase 1 of" in screen_text(app), "the practice running", pilot)
        assert app.services.settings.get("practice-preset:arrival")["total"] == 120


async def walk_form(pilot: Pilot[None], expected: list[str]) -> None:
    """Focus starts at the form's first field and Tab goes down the form as it reads, each
    field marked without color; after the last, Tab comes back to the first."""
    order = await tab_order(pilot, len(expected) + 1)
    assert [w.id for w in order] == [*expected, expected[0]]


async def open_with(pilot: Pilot[None], keys: list[str], shows: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    await wait_for(lambda: shows in screen_text(pilot.app), shows, pilot)


@pytest.mark.parametrize("theme", sorted(THEMES.values()))
async def test_every_form_starts_at_its_first_field_and_tabs_down_it(
    new_app: AppFactory, theme: str
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await open_with(pilot, ["n"], "Tags")  # the journal editor
        await walk_form(pilot, ["title", "body", "tags"])
        await pilot.press("escape")
        await open_with(pilot, ["r", "c", "n"], "Next steps, one a line")  # a coaching session
        await walk_form(pilot, ["note-day", "note-question", "note-notes", "note-steps"])
        app.action_go("home")
        await open_with(pilot, ["r", "enter"], "at a glance")  # this month's reflection
        answers = [w.id or "" for w in app.screen.query(".answer")]
        assert app.focused is not None and app.focused.id == answers[0]
        await walk_form(pilot, [*answers, "glance"])
        app.action_go("home")
        await open_with(pilot, ["g", "enter"], "Escape cancels")  # a program event
        await walk_form(pilot, ["event-date", "event-start", "event-end"])
        await pilot.press("escape")
        await open_with(pilot, ["down", "b"], "Participant code")  # a survey
        rated = [f"rating-{n}" for n in range(2)]
        order = await tab_order(pilot, 5)
        assert [w.id for w in order][:3] == ["code", rated[0], order[2].id]
        assert order[3].id == rated[1]
        app.action_go("home")
        await open_with(pilot, ["a", "s"], "Your name")  # sharing, from Data on Home's menu
        await walk_form(pilot, ["share-list", "share-name", "share-write", "share-cancel"])


async def test_notifications_never_cover_a_dialog(new_app: AppFactory) -> None:
    """A toast shown before a dialog opens is not drawn on it; one raised while it is open
    waits until it closes; the dialog's own message goes into the dialog."""
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("Earlier news about snapshots", timeout=60)
        await wait_for(lambda: "Earlier news" in screen_text(app), "the toast", pilot)
        await pilot.press("t", "n")  # Tools, then a new worksheet: its title is asked
        await wait_for(lambda: "short title" in screen_text(app), "the title dialog", pilot)
        assert "Earlier news" not in screen_text(app)
        app.notify("Later news from a background snapshot", timeout=60)
        await pilot.pause(0.5)
        assert "Later news" not in screen_text(app)
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")  # nothing typed: the dialog says so itself
        await wait_for(lambda: "Please type something" in screen_text(app), "in the dialog", pilot)
        dialog = app.screen.query_one("#dialog-message").region
        assert "Please type something" in screen_text(app).splitlines()[dialog.y]
        await pilot.press("escape")
        await wait_for(lambda: "Later news" in screen_text(app), "the held toast", pilot)
        assert "Earlier news" in screen_text(app)

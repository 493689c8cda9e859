"""At 80x24 every screen's footer shows each key it lists whole (the rest is left to help)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from csa_companion.app import CompanionApp
from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import bundled_content_dir
from csa_companion.screens.data.data import DataScreen
from csa_companion.screens.data.shared import SharedScreen
from csa_companion.screens.help import HelpScreen
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.journal.entry_view import EntryViewScreen
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.screens.practice.practice import PracticeScreen
from csa_companion.screens.practice.practice_setup import PracticeSetupScreen
from csa_companion.screens.practice.practices import PracticesScreen
from csa_companion.screens.rhythm.coaching import CoachingScreen
from csa_companion.screens.rhythm.growth import GrowthScreen
from csa_companion.screens.rhythm.program import ProgramScreen
from csa_companion.screens.rhythm.reflections import ReflectionScreen, ReflectionsScreen
from csa_companion.screens.tools.learn import LearnScreen
from csa_companion.screens.tools.observer import ObserverScreen
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from csa_companion.services import PresentTarget
from tests.conftest import START, AppFactory
from tests.helpers import seed_journal
from tests.screen import screen_text
from tests.ui.test_tools import open_tool, start_worksheet, worksheets_at
from tests.waiting import wait_for, wait_for_screen

Pilot_ = Pilot[None]


async def _home(pilot: Pilot_) -> None:
    await wait_for_screen(pilot, HomeScreen)


async def _tools(pilot: Pilot_) -> None:
    await open_tool(pilot, "four-player-model")  # the tool with the most keys (o observe)


async def _walkthrough(pilot: Pilot_) -> None:
    await start_worksheet(pilot, "four-player-model", "n", "short title", WalkthroughScreen)


async def _observer(pilot: Pilot_) -> None:
    await start_worksheet(pilot, "four-player-model", "o", "observing", ObserverScreen)


async def _worksheet_view(pilot: Pilot_) -> None:
    await open_tool(pilot, "four-player-model")
    pilot.app.screen.query_one("#worksheets").focus()
    await pilot.press("enter")
    await wait_for_screen(pilot, WorksheetViewScreen)


async def _journal(pilot: Pilot_) -> None:
    await pilot.press("j")
    await wait_for_screen(pilot, JournalScreen)


async def _entry(pilot: Pilot_) -> None:
    await _journal(pilot)
    await pilot.press("enter")
    await wait_for_screen(pilot, EntryViewScreen)


async def _editor(pilot: Pilot_) -> None:
    await _journal(pilot)
    await pilot.press("n")
    await wait_for_screen(pilot, EntryEditorScreen)


async def _learn(pilot: Pilot_) -> None:
    await pilot.press("l")
    await wait_for_screen(pilot, LearnScreen)


async def _help(pilot: Pilot_) -> None:
    await _tools(pilot)
    await pilot.press("f1")
    await wait_for_screen(pilot, HelpScreen)


async def _go(pilot: Pilot_, destination: str, screen: type[Screen[None]]) -> None:
    await pilot.app.run_action(f"app.go('{destination}')")
    await wait_for_screen(pilot, screen)


async def _practices(pilot: Pilot_) -> None:
    await _go(pilot, "practice", PracticesScreen)


async def _practice_setup(pilot: Pilot_) -> None:
    await _practices(pilot)
    await pilot.press("enter")
    await wait_for_screen(pilot, PracticeSetupScreen)


async def _practice_running(pilot: Pilot_) -> None:
    await _practice_setup(pilot)
    await pilot.press("ctrl+s")
    await wait_for_screen(pilot, PracticeScreen)


async def _reflections(pilot: Pilot_) -> None:
    await _go(pilot, "reflections", ReflectionsScreen)


async def _reflection(pilot: Pilot_) -> None:
    await _reflections(pilot)
    await pilot.press("enter")
    await wait_for_screen(pilot, ReflectionScreen)


async def _program(pilot: Pilot_) -> None:
    await _go(pilot, "program", ProgramScreen)


async def _coaching(pilot: Pilot_) -> None:
    await _go(pilot, "coaching", CoachingScreen)


async def _growth(pilot: Pilot_) -> None:
    await _go(pilot, "growth", GrowthScreen)


async def _data(pilot: Pilot_) -> None:
    await _go(pilot, "data", DataScreen)


async def _shared(pilot: Pilot_) -> None:
    await _go(pilot, "shared", SharedScreen)


SCREENS: dict[str, Callable[[Pilot_], Awaitable[None]]] = {
    "home": _home,
    "tools": _tools,
    "walkthrough": _walkthrough,
    "observer": _observer,
    "worksheet-view": _worksheet_view,
    "journal": _journal,
    "entry": _entry,
    "editor": _editor,
    "learn": _learn,
    "help": _help,
    "practices": _practices,
    "practice-setup": _practice_setup,
    "practice-running": _practice_running,
    "reflections": _reflections,
    "reflection": _reflection,
    "program": _program,
    "coaching": _coaching,
    "growth": _growth,
    "data": _data,
    "shared": _shared,
}


def _seed(data_dir: Path) -> None:
    """A journal entry and a finished Four Player worksheet, so every screen has its keys."""
    seed_journal(data_dir, ("Late pickups", "Three this week", ("pickup", "coaching")))
    tool = load_library([bundled_content_dir()]).get("four-player-model")
    assert isinstance(tool, Tool)
    sheet = Worksheet.new(tool, "Huddle", START).with_answer("default-act", "Move", START)
    worksheets_at(data_dir).save(sheet.completed(START))


@pytest.mark.parametrize("name", list(SCREENS))
async def test_footer_keys_are_shown_whole_at_80x24(
    new_app: AppFactory, data_dir: Path, name: str
) -> None:
    _seed(data_dir)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await SCREENS[name](pilot)
        await check_footer(app, pilot, help_too=name != "help")


async def check_footer(app: CompanionApp, pilot: Pilot_, *, help_too: bool = True) -> None:
    """Every key the footer lists is shown whole, f1 Help among them; the keys it leaves out
    are listed by help."""
    # The footer on view: the screen's own, or (under a dialog) the one of the screen below.
    footer = next(s for s in reversed(app.screen_stack) if s.query(Footer)).query_one(Footer)
    await wait_for(lambda: bool(footer.query(FooterKey)), "the footer's keys", pilot)
    await pilot.pause()
    bottom = screen_text(app).splitlines()[-1]
    keys = [f"{key.key_display} {key.description}".strip() for key in footer.query(FooterKey)]
    assert len(keys) >= 2
    cut = [key for key in keys if key not in bottom]
    assert not cut, f"cut or hidden in the footer {bottom!r}: {cut}"
    if not help_too:
        return
    assert "f1 Help" in bottom
    ours = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.id}
    await pilot.press("f1")
    await wait_for_screen(pilot, HelpScreen)
    missing = [d for d in ours if d not in screen_text(app)]
    assert not missing, f"not in help: {missing}"


async def test_observer_board_shows_every_act_key_whole_at_80x24(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_worksheet(pilot, "four-player-model", "o", "observing", ObserverScreen)
        assert isinstance(screen, ObserverScreen)
        text = screen_text(app)
        for act in screen.tool.acts:
            assert f"{act.key} {act.name}" in text  # the footer leaves them to the board


async def _present_practice(pilot: Pilot_) -> None:
    await wait_for_screen(pilot, PracticeSetupScreen)
    await pilot.press("ctrl+s")
    await wait_for_screen(pilot, PracticeScreen)


async def _presenter(pilot: Pilot_) -> None:
    from csa_companion.screens.present.session import PresenterScreen

    await wait_for_screen(pilot, PresenterScreen)


async def _audience(pilot: Pilot_) -> None:
    from csa_companion.screens.present.session import AudienceScreen

    await wait_for_screen(pilot, AudienceScreen)


PRESENTED = {
    "practice": (PresentTarget("practice", "settling-arrive"), _present_practice),
    "session": (PresentTarget("session", "session-1"), _presenter),
    "audience": (PresentTarget("session", "session-1", audience=True), _audience),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("name", list(PRESENTED))
async def test_a_presentations_footer_shows_f1_help_whole(
    new_app: AppFactory, name: str, size: tuple[int, int]
) -> None:
    """At 80x24 the footer of `present practice` cut off f1 Help, and the session's presenter
    view cut off q, Escape and f1 Help too (at 120x40 as well)."""
    target, reach = PRESENTED[name]
    app = new_app(present=target)
    async with app.run_test(size=size) as pilot:
        await reach(pilot)
        await check_footer(app, pilot)

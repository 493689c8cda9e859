"""Screens open each other through the navigation registry (screens/routes.py): a screen's
`open`, and the app's, reach the same screens a key would."""

from __future__ import annotations

from pathlib import Path

from csa_companion.domain.worksheet import Worksheet
from csa_companion.screens.dialogs import Choice
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.journal.entry_view import EntryViewScreen
from csa_companion.screens.tools.worksheet_view import WorksheetViewScreen
from tests.conftest import START, AppFactory
from tests.helpers import seed_journal
from tests.screen import screen_text
from tests.waiting import wait_for_screen


async def test_the_app_opens_a_route_over_whatever_is_on_top(
    new_app: AppFactory, data_dir: Path
) -> None:
    [entry] = seed_journal(data_dir, ("Circle", "the quiet corner worked", ()))
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        app.open("entry", entry)  # a screen: built with the services and the entry
        await wait_for_screen(pilot, EntryViewScreen)
        assert "the quiet corner worked" in screen_text(app)
        app.push_screen(Choice("Well?", [("ok", "OK")]))
        await wait_for_screen(pilot, Choice)
        app.open("editor")  # a function: called with the entry view under the dialog
        await wait_for_screen(pilot, EntryEditorScreen)
        assert isinstance(app.screen_stack[-2], Choice)  # opened on top of the dialog


async def test_a_screen_switches_to_a_route_it_does_not_import(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        tool = app.services.library.tools[0]
        sheet = Worksheet.new(tool, "Monday", START).completed(START)
        view = home.make_screen("worksheet-view", tool, sheet)
        assert isinstance(view, WorksheetViewScreen) and view.worksheet is sheet
        home.open("worksheet", sheet)  # a finished worksheet opens read-only
        await wait_for_screen(pilot, WorksheetViewScreen)
        assert "Monday" in screen_text(app)

"""Every entry on Home's menu does something when chosen, or says why it does not yet."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from csa_companion.screens import home
from csa_companion.screens.home import DESTINATIONS, HomeScreen
from tests.conftest import AppFactory
from tests.screen import screen_text
from tests.waiting import press_closing, wait_for, wait_for_screen


async def test_every_menu_entry_opens_its_screen(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for number, (_dest, _key, name, _about) in enumerate(DESTINATIONS):
            await wait_for_screen(pilot, HomeScreen)
            menu = app.screen.query_one("#home-menu", OptionList)
            menu.focus()
            menu.highlighted = number
            await press_closing(pilot, "enter")  # Practice and Reflections did nothing
            assert not isinstance(app.screen, HomeScreen), name
            await app.run_action("app.go('home')")


async def test_an_entry_without_its_screen_says_why(
    new_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = ("surveys-of-2027", "z", "Later", "Not written yet")
    monkeypatch.setattr(home, "DESTINATIONS", [*DESTINATIONS, later])
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        menu = app.screen.query_one("#home-menu", OptionList)
        menu.focus()
        menu.highlighted = len(DESTINATIONS)
        await pilot.press("enter")
        await wait_for(lambda: "arrives in a" in screen_text(app), "the notice", pilot)
        assert isinstance(app.screen, HomeScreen)

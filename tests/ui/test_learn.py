"""Learn: links look like links, can be followed from the keyboard, and escape goes back."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import OptionList

from csa_companion.content.loader import internal_link_target, link_texts
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.tools.learn import LearnScreen
from tests.conftest import AppFactory
from tests.helpers import reports_after_quitting_mid_render
from tests.screen import screen_text
from tests.waiting import press_closing, wait_for, wait_for_screen

FIRST = "about-program"  # the page Learn opens at
CAPACITIES = "three-capacities"  # a page the first page links to


async def test_links_are_followed_from_the_keyboard_and_escape_goes_back(
    new_app: AppFactory,
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")
        await wait_for_screen(pilot, LearnScreen)
        learn = app.screen
        assert isinstance(learn, LearnScreen) and learn.page_id == FIRST
        first = app.services.library.get(FIRST)
        assert first is not None
        text, href = next(
            (t, h) for t, h in link_texts(first) if internal_link_target(h) == CAPACITIES
        )
        links = learn.query_one("#learn-links", OptionList)
        assert text in screen_text(app)  # listed under the pages
        await pilot.press("k")
        await wait_for(lambda: links.has_focus, "the links list focused", pilot)
        index = next(n for n, o in enumerate(links.options) if o.id == href)
        await pilot.press(*["down"] * index, "enter")
        await wait_for(lambda: learn.page_id == CAPACITIES, "the linked page", pilot)
        await wait_for(lambda: "Three things a learning team" in screen_text(app), "it", pilot)
        assert "esc Back" in screen_text(app).splitlines()[-1]
        await pilot.press("escape")
        await wait_for(lambda: learn.page_id == FIRST, "back on the first page", pilot)
        assert app.screen is learn
        await press_closing(pilot, "escape")  # nothing more to go back to: Home
        assert isinstance(app.screen, HomeScreen)


async def test_links_are_drawn_as_links(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("l")
        await wait_for_screen(pilot, LearnScreen)
        await wait_for(lambda: "Who takes part" in screen_text(app), "the page", pilot)
        page = app.screen.query_one("#learn-page", VerticalScroll)
        page.scroll_end(animate=False)  # the paragraph with the links
        await wait_for(lambda: "Words you meet here" in screen_text(app), "the links", pilot)
        segments = [s for strip in app.screen._compositor.render_strips() for s in strip]
        links = [s for s in segments if s.style and "@click" in s.style.meta and s.text.strip()]
        plain = [s for s in segments if "Words you meet here" in s.text]
        assert links and plain
        for link in links:
            assert link.style is not None and link.style.underline and link.style.bold
            assert link.style.color != plain[0].style.color  # type: ignore[union-attr]


async def test_ctrl_q_while_a_page_renders_prints_nothing_after_the_app(
    new_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As for the journal's preview: quitting while a page was parsed printed a traceback of
    a canceled update once the app had gone."""
    reports = await reports_after_quitting_mid_render(new_app(), monkeypatch, "l", LearnScreen)
    assert reports == []

"""The app shell: Learn pages, help, command palette, themes, and small terminals."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import ClassVar
from unittest import mock

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets import Input, Markdown

from csa_companion.cli import main
from csa_companion.content.loader import body_links
from csa_companion.paths import bundled_content_dir
from csa_companion.screens.help import HelpScreen
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.screens.tools.learn import LearnScreen
from csa_companion.widgets.footer import Footer
from tests.conftest import AppFactory
from tests.screen import screen_text
from tests.waiting import press_closing, wait_for, wait_for_screen


async def test_learn_pages_render_without_front_matter(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("l")
        await wait_for_screen(pilot, LearnScreen)
        for page in app.services.library.learn_pages:
            app.screen.show_page(page.id)  # type: ignore[attr-defined]
            await pilot.pause()
            markdown = app.screen.query_one("#learn-markdown", Markdown)
            text = screen_text(app)
            assert page.title in text
            assert "+++" not in text and 'kind = "learn"' not in text
            assert "+++" not in markdown.source and "summary =" not in markdown.source


async def test_learn_links_open_the_linked_page(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("l")
        await wait_for_screen(pilot, LearnScreen)
        screen = app.screen
        assert isinstance(screen, LearnScreen)
        page = app.services.library.get("framework")
        assert page is not None
        href, _ = next(link for link in body_links(page) if link[0].endswith(".md"))
        markdown = screen.query_one("#learn-markdown", Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, href))
        target = href.removesuffix(".md")
        await wait_for(lambda: screen.page_id == target, f"the page {target}", pilot)
        title = app.services.library.get(target).title  # type: ignore[union-attr]
        await wait_for(lambda: title in screen_text(app), "the linked page shown", pilot)


async def test_help_lists_the_keys_of_the_current_screen(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        await pilot.press("f1")
        await wait_for_screen(pilot, HelpScreen)
        text = screen_text(app)
        assert "Help: Journal" in text
        for description in ("New entry", "Undo delete", "Search", "Command palette"):
            assert description in text
        await press_closing(pilot, "escape")
        await pilot.press("question_mark")  # the list has focus, so ? opens help too
        await wait_for_screen(pilot, HelpScreen)


async def test_home_footer_leaves_menu_letters_to_the_menu_and_help_lists_them(
    new_app: AppFactory,
) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "New entry" in footer and "Help" in footer
        assert "Tools" not in footer and "Journal" not in footer  # shown in the menu instead
        await pilot.press("f1")
        await wait_for_screen(pilot, HelpScreen)
        rows = screen_text(app)
        for key, description in (("t", "Tools"), ("j", "Journal"), ("l", "Learn")):
            assert f" {key} " in rows and description in rows
        assert "Page down" not in rows  # the focused list's own navigation keys stay out


class _Toggle(Screen[None]):
    """A screen whose one key comes and goes, to watch the footer follow it."""

    BINDINGS: ClassVar = [Binding("f5", "extra", "Extra key")]
    offered = False

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.offered if action == "extra" else True


async def test_footer_follows_changed_keys_and_skips_unchanged_rebuilds() -> None:
    screen = _Toggle()
    app: App[None] = App()
    rebuilds: list[int] = []
    async with app.run_test(size=(80, 10)) as pilot:
        await app.push_screen(screen)
        footer = screen.query_one(Footer)
        await wait_for(lambda: footer._shown == footer._keys_shown(), "the footer built", pilot)
        original = TextualFooter.recompose

        async def counting(self: TextualFooter) -> None:
            rebuilds.append(1)
            await original(self)

        with mock.patch.object(TextualFooter, "recompose", counting):
            assert "Extra key" not in screen_text(app).splitlines()[-1]
            screen.query_one("#b", Input).focus()  # bindings "changed": same keys
            await pilot.pause()
            assert rebuilds == []
            screen.offered = True
            screen.refresh_bindings()
            await wait_for(
                lambda: "Extra key" in screen_text(app).splitlines()[-1], "the new key", pilot
            )
            assert rebuilds == [1]
        assert footer.is_attached


async def test_footer_rebuild_due_after_its_screen_closed_is_skipped() -> None:
    screen = _Toggle()
    app: App[None] = App()
    async with app.run_test(size=(80, 10)) as pilot:
        await app.push_screen(screen)
        footer = screen.query_one(Footer)
        await wait_for(lambda: footer._shown == footer._keys_shown(), "the footer built", pilot)
        app.pop_screen()
        await wait_for(lambda: not footer.is_attached, "the screen closed", pilot)
        await footer.recompose()  # as a call_after_refresh scheduled earlier would


async def test_palette_reaches_destinations(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"go to learn")
        await wait_for(lambda: "Go to Learn" in screen_text(app), "the command listed", pilot)
        await pilot.press("enter")
        await wait_for_screen(pilot, LearnScreen)


async def test_theme_is_remembered(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"theme: high contrast")
        await wait_for(lambda: "Theme: High contrast" in screen_text(app), "the command", pilot)
        await pilot.press("enter")
        await wait_for(lambda: app.theme == "csa-high-contrast", "the theme applied", pilot)
    again = new_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        assert again.theme == "csa-high-contrast"


async def test_home_fits_in_80_by_24(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        await wait_for(lambda: "Help" in screen_text(app).splitlines()[-1], "the footer", pilot)
        lines = screen_text(app).splitlines()
        assert len(lines) == 24
        assert "Reflections" in "\n".join(lines) and "Help" in lines[-1]


async def test_content_notice_names_a_command_that_finds_the_problem(
    new_app: AppFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "my content"  # a space, so the command must quote it
    extra.mkdir()
    (extra / "broken.md").write_text('+++\nid = "broken"\nkind = "tool"\n+++\nBody\n')
    app = new_app(content_dirs=[bundled_content_dir(), extra])
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_for(lambda: "broken.md" in screen_text(app), "the content notice", pilot)
        [notice] = [n.message for n in app._notifications if "broken.md" in n.message]
    command = notice.split("Run `")[1].split("`")[0]
    words = shlex.split(command)
    assert words[0] == "csa-companion" and words[-2:] == ["content", "check"]
    assert ["--content", str(extra)] == words[-4:-2]
    assert main(words[1:]) == 1
    assert f"{extra / 'broken.md'}:1: missing 'title'" in capsys.readouterr().out


async def test_learn_without_pages_names_the_command_for_its_folders(
    new_app: AppFactory, tmp_path: Path
) -> None:
    only = tmp_path / "only tools"
    only.mkdir()
    app = new_app(content_dirs=[only])
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("l")
        await wait_for_screen(pilot, LearnScreen)
        source = app.screen.query_one("#learn-markdown", Markdown).source
        assert f"--content '{only}' content check`" in source

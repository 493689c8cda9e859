"""Learn: the orientation pages, rendered as Markdown, with links between them."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Markdown, OptionList
from textual.widgets.option_list import Option

from csa_companion.content.loader import internal_link_target
from csa_companion.content.model import Item, Tool
from csa_companion.screens.base import CompanionScreen
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer


class LearnScreen(CompanionScreen):
    """Pick a page on the left; read it on the right."""

    DEFAULT_CSS = """
    #learn { height: 1fr; }
    #learn-pages { width: 30; max-width: 35%; border: round $primary 50%; }
    #learn-pages:focus { border: round $accent; }
    #learn-page { width: 1fr; padding: 0 1; }
    """

    HELP_TEXT = (
        "Short orientation pages on the Compassionate Systems framework. Links inside a page "
        "open the page or tool they name. Tab moves between the list and the page."
    )
    BINDINGS: ClassVar = [Binding("escape", "back", "Back", id="learn.back")]

    def __init__(self, services: Services, page_id: str | None = None) -> None:
        super().__init__(services)
        self.pages = services.library.learn_pages
        self.page_id = page_id or (self.pages[0].id if self.pages else None)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="learn"):
            yield OptionList(*(Option(p.title, id=p.id) for p in self.pages), id="learn-pages")
            with VerticalScroll(id="learn-page"):
                yield Markdown("", id="learn-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Learn"
        if self.page_id is None:
            self.query_one("#learn-markdown", Markdown).update(
                "No orientation pages were found. Run `csa-companion content check`."
            )
            return
        self.show_page(self.page_id)
        self.query_one("#learn-pages", OptionList).focus()

    def show_page(self, page_id: str) -> None:
        page = self.services.library.get(page_id)
        if page is None:
            self.notify(f"There is no page called “{page_id}”.", severity="warning")
            return
        self.page_id = page_id
        self.query_one("#learn-markdown", Markdown).update(_page_markdown(page))
        self.query_one("#learn-page", VerticalScroll).scroll_home(animate=False)
        pages = self.query_one("#learn-pages", OptionList)
        index = next((n for n, p in enumerate(self.pages) if p.id == page_id), None)
        if index is not None and pages.highlighted != index:
            pages.highlighted = index

    @on(OptionList.OptionHighlighted, "#learn-pages")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.page_id:
            self.show_page(event.option.id)

    @on(OptionList.OptionSelected, "#learn-pages")
    def _selected(self) -> None:
        self.query_one("#learn-page").focus()

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()
        target = internal_link_target(event.href)
        if isinstance(self.services.library.get(target or ""), Tool):
            from csa_companion.screens.tools import ToolsScreen

            self.app.push_screen(ToolsScreen(self.services, target))
        elif target is not None:
            self.show_page(target)
        else:
            self.notify(f"This link points outside the companion: {event.href}")

    def action_back(self) -> None:
        self.dismiss()


def _page_markdown(page: Item) -> str:
    """The page body (front matter is never part of it) under its title."""
    return f"# {page.title}\n\n{page.body}"

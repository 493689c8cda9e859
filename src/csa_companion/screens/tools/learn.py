"""Learn: the orientation pages, rendered as Markdown; their links followed by keyboard or
mouse, and escape back along the trail."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Label, Markdown, OptionList
from textual.widgets.option_list import Option

from csa_companion.content.loader import internal_link_target, link_texts
from csa_companion.content.model import Item, Tool
from csa_companion.screens.base import CompanionScreen
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView
from csa_companion.widgets.markup import escape


class LearnScreen(CompanionScreen):
    """Pick a page on the left; read it on the right; its links are listed under the pages."""

    DEFAULT_CSS = """
    #learn { height: 1fr; }
    #learn-side { width: 30; max-width: 35%; }
    #learn-pages { height: auto; max-height: 60%; }
    #learn-links { height: auto; max-height: 1fr; }
    #learn-page { width: 1fr; padding: 0 1; }
    """

    HELP_TEXT = (
        "Short orientation pages on the Compassionate Systems framework. The links of a page "
        "are listed under the pages: k (or Tab) reaches them, Enter follows a link; a click on a "
        "link in the text works too. Escape goes back to the page you came from, then Home."
    )
    BINDINGS: ClassVar = [
        Binding("k", "links", "Links", id="learn.links"),
        Binding("escape", "back", "Back", id="learn.back"),
    ]

    def __init__(self, services: Services, page_id: str | None = None) -> None:
        super().__init__(services)
        self.pages = services.library.learn_pages
        self.page_id = page_id or (self.pages[0].id if self.pages else None)
        self.history: list[str] = []
        """Pages left by following a link, most recent last (escape goes back to them)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="learn"):
            with Vertical(id="learn-side"):
                pages = (Option(p.title, id=p.id) for p in self.pages)
                yield OptionList(*pages, id="learn-pages", classes="boxed")
                yield Label("Links on this page", id="learn-links-title", classes="box-title")
                yield OptionList(id="learn-links", classes="boxed")
            with VerticalScroll(id="learn-page"):
                yield MarkdownView("", id="learn-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Learn"
        if self.page_id is None:
            command = getattr(self.app, "check_command", "csa-companion content check")
            self.query_one("#learn-markdown", MarkdownView).show(
                f"No orientation pages were found. Run `{command}`."
            )
            self._show_links([])
            return
        self.show_page(self.page_id)
        self.query_one("#learn-pages", OptionList).focus()

    def show_page(self, page_id: str) -> bool:
        """Show a page; False (and a notice) if there is none with that id."""
        page = self.services.library.get(page_id)
        if page is None:
            self.notify(f"There is no page called “{page_id}”.", severity="warning", markup=False)
            return False
        self.page_id = page_id
        self.query_one("#learn-markdown", MarkdownView).show(_page_markdown(page))
        self.query_one("#learn-page", VerticalScroll).scroll_home(animate=False)
        self._show_links(link_texts(page))
        pages = self.query_one("#learn-pages", OptionList)
        index = next((n for n, p in enumerate(self.pages) if p.id == page_id), None)
        if index is not None and pages.highlighted != index:
            pages.highlighted = index
        return True

    def _show_links(self, links: list[tuple[str, str]]) -> None:
        listing = self.query_one("#learn-links", OptionList)
        listing.clear_options()
        seen: set[str] = set()
        for text, href in links:
            if href in seen:  # a page may link one target twice: list it once
                continue
            seen.add(href)
            target = self.services.library.get(internal_link_target(href) or "")
            where = f"{target.title}" if target is not None else href
            label = text if where.casefold() == text.casefold() else f"{text} → {where}"
            listing.add_option(Option(escape(label), id=href))
        listing.highlighted = 0 if links else None
        listing.display = bool(links)
        self.query_one("#learn-links-title").display = bool(links)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "links":
            return self.query_one("#learn-links", OptionList).option_count > 0
        return True

    @on(OptionList.OptionHighlighted, "#learn-pages")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: the list's first highlight, arriving after on_mount chose a page
        if event.option.id and event.option.id != self.page_id:
            self.history.clear()  # a page chosen from the list starts a new trail
            self.show_page(event.option.id)

    @on(OptionList.OptionSelected, "#learn-pages")
    def _selected(self) -> None:
        self.query_one("#learn-page").focus()

    @on(OptionList.OptionSelected, "#learn-links")
    def _link_chosen(self, event: OptionList.OptionSelected) -> None:
        self.follow(event.option.id or "")

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()
        self.follow(event.href)

    def follow(self, href: str) -> None:
        """Open what a link names: a page here (escape comes back), or a tool in Tools."""
        target = internal_link_target(href)
        if isinstance(self.services.library.get(target or ""), Tool):
            self.open("tools", target)
        elif target is not None:
            left = self.page_id
            if self.show_page(target) and left is not None and left != target:
                self.history.append(left)
        else:
            self.notify(f"This link points outside the companion: {href}", markup=False)

    def action_links(self) -> None:
        self.query_one("#learn-links", OptionList).focus()

    def action_back(self) -> None:
        if self.history:
            self.show_page(self.history.pop())
        else:
            self.dismiss()


def _page_markdown(page: Item) -> str:
    """The page body (front matter is never part of it) under its title."""
    return f"# {page.title}\n\n{page.body}"

"""Home: where to go next, recent journal entries, and any draft waiting to be finished."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label, OptionList
from textual.widgets.option_list import Option

from csa_companion.domain.journal import Draft, JournalEntry
from csa_companion.domain.wording import quoted
from csa_companion.domain.worksheet import Worksheet
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.tools.worksheets import worksheet_label
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape

RECENT = 6
DESTINATIONS = [
    # Each description fits the menu at 80 columns (27 characters) so that none wraps.
    ("tools", "t", "Tools", "Think a situation through"),
    ("journal", "j", "Journal", "Your private journal"),
    ("learn", "l", "Learn", "The framework, page by page"),
    ("practice", "p", "Practice", "Settle, breathe, check in"),
    ("reflections", "r", "Reflections", "Monthly, with your month"),
    ("program", "g", "Program", "Dates, surveys, coaching"),
    ("team", "m", "Team", "What your team published"),
    ("data", "a", "Data", "Back up, export, share"),
]
DRAFT_PREFIX = "draft:"
START_SETTING = "start_here_done"
"""Set once "Start here" was used or dismissed: it is not shown again."""
START_HERE = [
    # (id, text): what the companion is for, then three first steps and a way to hide it.
    (
        "",
        "For taking real situations from your site through the framework's tools, and for a"
        " private journal.",
    ),
    ("start-iceberg", "▸ Take one situation through the Iceberg"),
    ("start-entry", "▸ Write a journal entry"),
    (
        "start-calendar",
        "▸ Import your program's calendar: `csa-companion program import FILE` in a "
        "terminal, or set its dates in Program",
    ),
    ("start-dismiss", "✕ Hide this"),
]


class HomeScreen(CompanionScreen):
    """The first screen."""

    HELP_TEXT = (
        "Arrows and Enter, or a letter, pick where to go. Enter opens a waiting draft or a "
        "recent entry; x discards a draft and ctrl+z puts it back."
    )
    BINDINGS: ClassVar = [
        # The menu already shows these letters, so the footer does not repeat them.
        Binding("t", "app.go('tools')", "Go to Tools", id="home.tools", show=False),
        Binding("j", "app.go('journal')", "Go to Journal", id="home.journal", show=False),
        Binding("l", "app.go('learn')", "Go to Learn", id="home.learn", show=False),
        Binding("p", "app.go('practice')", "Go to Practice", id="home.practice", show=False),
        Binding(
            "r", "app.go('reflections')", "Go to Reflections", id="home.reflections", show=False
        ),
        Binding("g", "app.go('program')", "Go to Program", id="home.program", show=False),
        Binding("m", "app.go('team')", "Go to Team", id="home.team", show=False),
        Binding("a", "app.go('data')", "Go to Data", id="home.data", show=False),
        Binding("b", "look_back", "Look back", id="home.look_back"),
        Binding("n", "new_entry", "New entry", id="home.new"),
        Binding("d", "resume", "Resume draft", id="home.resume"),
        Binding("x", "discard", "Discard draft", id="home.discard"),
        Binding("ctrl+z,u", "undo", "Undo discard", id="home.undo", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="home-menu-box"):
                yield Label("Where to next", classes="box-title")
                yield OptionList(*self._menu(), id="home-menu", classes="boxed")
            with Vertical(id="home-side"):
                yield Label("Coming up", classes="box-title")
                yield OptionList(id="home-rhythm", classes="boxed")
                yield Label("Waiting for you", classes="box-title", id="home-waiting-title")
                yield OptionList(id="home-waiting", classes="boxed")
                # (A new data folder shows "Start here" here: see _show_start.)
                yield Label("Recent journal entries", classes="box-title", id="home-recent-title")
                yield OptionList(id="home-recent", classes="boxed")
        yield Footer()

    def _menu(self) -> list[Option]:
        # Never disabled: a destination without its screen yet says so when chosen (app.go).
        return [
            Option(f"[b]{key}[/b]  {name}\n   [$text-muted]{about}[/]", id=dest)
            for dest, key, name, about in DESTINATIONS
        ]

    _recent: dict[str, JournalEntry]
    """The recent entries listed, by uid."""

    def on_mount(self) -> None:
        self.sub_title = "Home"
        self._recent = {}
        self.query_one("#home-menu", OptionList).focus()
        self._show_start(new=False)  # until reload has looked (a new folder shows it)

    def on_screen_resume(self) -> None:
        """Also runs when Home first appears."""
        self.reload()

    def reload(self) -> None:
        from csa_companion.screens.rhythm.home_rhythm import fill_card

        fill_card(self, self.query_one("#home-rhythm", OptionList))
        waiting = self.query_one("#home-waiting", OptionList)
        waiting.clear_options()
        # Every draft is listed (the list scrolls), so any of them can be resumed or discarded.
        for n, draft in enumerate(self.services.drafts.all()):
            when = f"{draft.saved_at:%a %d %b, %H:%M}"
            key = " (d)" if n == 0 else ""
            label = f"Unsaved draft {quoted(escape(draft.name))} from {when}{key}"
            waiting.add_option(Option(label, id=DRAFT_PREFIX + draft.key))
        sheets = self.services.worksheets.drafts()
        titles = {t.id: t.title for t in self.services.library.tools} if sheets else {}
        for sheet in sheets:
            label = worksheet_label(sheet, titles.get(sheet.tool_id, sheet.tool_id))
            waiting.add_option(Option(label, id=sheet.uid))
        if not waiting.option_count:
            waiting.add_option(
                Option("Nothing unfinished. Press n to write a journal entry.", disabled=True)
            )
        else:
            waiting.highlighted = 0
        recent = self.query_one("#home-recent", OptionList)
        recent.clear_options()
        entries = self.services.journal.recent(RECENT)
        self._recent = {e.uid: e for e in entries}
        recent.add_options(
            Option(f"{e.created:%d %b}  {escape(e.display_title)}", id=e.uid) for e in entries
        )
        if not entries:
            recent.add_option(Option("No entries yet.", disabled=True))
        else:
            recent.highlighted = 0
        self._show_start(new=not entries and not self.services.worksheets.all())

    def _show_start(self, *, new: bool) -> None:
        """ "Start here" shows on a new data folder until it is used or hidden, in place of
        the (empty) recent entries. Its card is made the first time it shows: a folder in use
        never shows it, and its two widgets were ~1% of a start."""
        shown = new and self.services.settings.get(START_SETTING) is not True
        if shown and not self.query("#home-start"):
            start = OptionList(
                *(
                    Option(escape(text), id=key or None, disabled=not key)
                    for key, text in START_HERE
                ),
                id="home-start",
                classes="boxed",
            )
            start.set_reactive(OptionList.highlighted, 1)  # the first step, not the text
            title = Label("Start here", classes="box-title", id="home-start-title")
            self.query_one("#home-side").mount(title, start, before="#home-recent-title")
        for widget in self.query("#home-start, #home-start-title"):
            widget.display = shown
        for widget in (self.query_one("#home-recent"), self.query_one("#home-recent-title")):
            widget.display = not shown
        # Nothing waits in a new folder: its card gives its rows to "Start here" (80x24).
        waiting = self.query_one("#home-waiting", OptionList)
        empty = waiting.option_count == 1 and waiting.get_option_at_index(0).disabled
        for widget in (waiting, self.query_one("#home-waiting-title")):
            widget.display = not (shown and empty)

    @on(OptionList.OptionSelected, "#home-start")
    async def _start_here(self, event: OptionList.OptionSelected) -> None:
        """A first step from "Start here": once one is taken (or it is hidden), it is gone."""
        choice = event.option.id
        self.store_call(lambda: self.services.settings.set(START_SETTING, True))
        self._show_start(new=False)
        if choice == "start-iceberg":  # the Iceberg in Tools, its title asked at once
            tools: Any = self.make_screen("tools", "iceberg")  # a ToolsScreen
            await self.app.push_screen(tools)
            tools.action_new()
        elif choice == "start-entry":
            self.open("editor")
        elif choice == "start-calendar":
            await self.app.run_action("go('program')")
        else:
            self.query_one("#home-menu", OptionList).focus()

    @on(OptionList.OptionSelected, "#home-menu")
    async def _go(self, event: OptionList.OptionSelected) -> None:
        await self.app.run_action(f"go('{event.option.id}')")

    @on(OptionList.OptionSelected, "#home-rhythm")
    def _open_rhythm(self, event: OptionList.OptionSelected) -> None:
        from csa_companion.screens.rhythm.home_rhythm import open_coming_up

        open_coming_up(self, event.option.id or "")

    def action_look_back(self) -> None:
        """Show something written before, picked at random, on the Coming up card."""
        from csa_companion.screens.rhythm.home_rhythm import show_random_look_back

        show_random_look_back(self, self.query_one("#home-rhythm", OptionList))

    def _waiting_item(self, option_id: str) -> Draft | Worksheet | None:
        """The journal draft or draft worksheet a "Waiting for you" option stands for."""
        if option_id.startswith(DRAFT_PREFIX):
            return self.services.drafts.get(option_id.removeprefix(DRAFT_PREFIX))
        return self.services.worksheets.get(option_id)

    @on(OptionList.OptionSelected, "#home-waiting")
    def _open_waiting(self, event: OptionList.OptionSelected) -> None:
        item = self._waiting_item(event.option.id or "")
        if isinstance(item, Draft):
            self.open("draft", item)
        elif item is not None:
            self.open("worksheet", item)

    def action_discard(self) -> None:
        """Discard the draft highlighted under "Waiting for you", after asking."""
        option = self.query_one("#home-waiting", OptionList).highlighted_option
        item = self._waiting_item(option.id or "") if option is not None else None
        if item is None:
            self.notify("No draft is waiting.", severity="warning")
            return
        from csa_companion.screens.dialogs import Choice
        from csa_companion.screens.journal.drafts import describe, discard

        def answer(choice: str | None) -> None:
            if choice == "discard" and discard(self, item):
                self.reload()

        self.app.push_screen(
            Choice(
                f"Discard {describe(item)}? You can undo this right after (ctrl+z).",
                [("discard", "Discard"), ("keep", "Keep it")],
                cancel_id="keep",
            ),
            answer,
        )

    def action_undo(self) -> None:
        from csa_companion.screens.journal.drafts import undo_discard

        if undo_discard(self):
            self.reload()

    @on(OptionList.OptionSelected, "#home-recent")
    def _open_recent(self, event: OptionList.OptionSelected) -> None:
        listed = self._recent.get(event.option.id or "")
        # read from its month alone (the whole journal at 50,000 entries took ~1 s)
        entry = self.services.journal.get(listed.uid, listed.created) if listed else None
        if entry is not None:
            self.open("entry", entry)

    def action_new_entry(self) -> None:
        self.open("editor")  # TextArea: imported when first used

    def action_resume(self) -> None:
        drafts = self.services.drafts.all()
        if not drafts:
            self.notify("No draft is waiting.", severity="warning")
            return
        from csa_companion.screens.journal.editor import resume_draft

        resume_draft(self, drafts[0])

"""The journal: search, tag filter, star, delete with undo; opens entries to read or edit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Label

from csa_companion.domain.journal import JournalEntry, JournalRow, LiveSearch, all_tags
from csa_companion.domain.wording import plural, quoted, shown
from csa_companion.screens.base import CompanionScreen, Debounce
from csa_companion.screens.dialogs import confirm_delete
from csa_companion.screens.journal.editor import open_editor
from csa_companion.services import Services
from csa_companion.widgets.entry_list import EntryList
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView
from csa_companion.widgets.select import Select

PREVIEW_DELAY = 0.15
SEARCH_STEP = 5_000
"""Entries a search looks at before the list is shown, and at each step after: a journal of
fewer is searched at once; at 50,000 entries of ~1.9 KB a step of a common word takes ~2-5 ms
where the whole search took 20-45 ms."""
SEARCH_MORE_SECONDS = 0.008
"""How long the search goes on after a repaint before the list shows what it found."""


def delete_entry(
    screen: CompanionScreen, entry: JournalEntry, then: Callable[[], object] | None = None
) -> None:
    """Ask, delete, and offer undo (ctrl+z in the journal)."""

    def answer(choice: str | None) -> None:
        if choice != "delete":
            return
        if screen.store_call(lambda: screen.services.journal.delete(entry.uid)):
            screen.services.recently_deleted.append(entry)
            screen.notify(
                f"Deleted {quoted(entry.display_title)}. Press ctrl+z in the journal to undo."
            )
            if then is not None:
                then()

    screen.app.push_screen(confirm_delete(f"{quoted(entry.display_title)}"), answer)


def star_entry(screen: CompanionScreen, entry: JournalEntry) -> JournalEntry | None:
    """Toggle the star; return the updated entry, or None if it could not be saved."""
    updated = entry.edited(entry.updated, starred=not entry.starred)
    return updated if screen.store_call(lambda: screen.services.journal.save(updated)) else None


class JournalScreen(CompanionScreen):
    """Every entry, newest first."""

    DEFAULT_CSS = """
    #journal-filters { height: 3; }
    #search { width: 2fr; }
    #tag { width: 1fr; min-width: 20; max-width: 34; }
    #journal-count { padding: 0 1; color: $text-muted; width: 100%; height: 1; }
    #entries { height: 1fr; min-height: 5; }
    #journal-preview { height: 40%; border-top: solid $primary 50%; padding: 0 1; }
    #journal-preview Markdown { margin: 0; }
    """

    HELP_TEXT = (
        "Your private journal, newest entry first. Type in the search box to narrow the list "
        "by words in titles, bodies or tags; pick a tag to see only those entries. Entries "
        "added from the shell (`csa-companion journal add`) appear here within seconds."
    )
    BINDINGS: ClassVar = [
        Binding("n", "new", "New entry", id="journal.new"),
        Binding("e", "edit", "Edit", id="journal.edit"),
        Binding("s", "star", "Star", id="journal.star"),
        Binding("d,delete", "delete", "Delete", id="journal.delete"),
        Binding("ctrl+z,u", "undo", "Undo delete", id="journal.undo", show=False),
        Binding("slash", "search", "Search", id="journal.search"),
        Binding("escape", "back", "Back", id="journal.back"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.entries: list[JournalRow] = []
        self._search = LiveSearch(self.entries)
        self._keep_uid: str | None = None
        """The entry the cursor was on as the search began: it stays on it once found."""
        self._more_asked = False
        self._previewed = ""
        self._to_preview: JournalRow | None = None
        self._preview_later = Debounce(self, PREVIEW_DELAY, self._show_preview)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="journal-filters"):
            yield Input(placeholder="Search title, text and tags  (/)", id="search")
            yield Select[str]([], prompt="All tags", id="tag", allow_blank=True)
        yield Label("", id="journal-count")
        yield EntryList(id="entries")
        with VerticalScroll(id="journal-preview"):
            yield MarkdownView("", id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Journal"  # the entries are listed on screen resume
        self.query_one(EntryList).focus()
        # Filter as the value changes, not on the Input.Changed message that follows: the list
        # then updates in the same frame as the typed letter instead of one frame (~17 ms) later.
        self.watch(self.query_one("#search", Input), "value", self._search_changed, init=False)

    def on_screen_resume(self) -> None:
        """Also runs when the screen first appears, and after the editor saved an entry."""
        self.reload()

    def reload(self, keep_uid: str | None = None) -> None:
        """List the entries again; the cursor stays on its entry, or goes to `keep_uid`'s."""
        self.entries = self.services.journal.rows()  # no bodies: `_entry` reads one
        self._search = LiveSearch(self.entries)
        tag_select = self.query_one("#tag", Select)
        chosen = tag_select.value
        options = [(f"#{tag} ({count})", tag) for tag, count in all_tags(self.entries)]
        tag_select.set_options(options)
        if isinstance(chosen, str) and any(value == chosen for _, value in options):
            tag_select.value = chosen
        self.apply_filter(keep_uid)

    def apply_filter(self, keep_uid: str | None = None) -> None:
        """Search, and show the first matches at once; the rest follow, a step after each
        repaint (`_search_more`)."""
        query = self.query_one("#search", Input).value
        chosen = self.query_one("#tag", Select).value
        tag = chosen if isinstance(chosen, str) else None
        current = self.query_one(EntryList).current
        self._keep_uid = keep_uid or (current.uid if current else None)
        self._search.start(query, tag)  # narrows the last results while the query grows
        self._search.step(SEARCH_STEP)
        self._show_found()

    def _search_more(self) -> None:
        """Search on between repaints, a few milliseconds at a time, so that a key typed
        meanwhile waits no longer than that."""
        self._more_asked = False
        search, until = self._search, time.perf_counter() + SEARCH_MORE_SECONDS
        if search.done:
            return
        search.step(SEARCH_STEP)  # at least one step, however short the time
        while not search.done and time.perf_counter() < until:
            search.step(SEARCH_STEP)
        self._show_found()

    def _show_found(self) -> None:
        search, listing = self._search, self.query_one(EntryList)
        keep = self._keep_uid
        if listing.current is not None and listing.cursor > 0:  # kept, or moved to
            keep = listing.current.uid
        found = search.found
        listing.show(found, keep_uid=keep)
        total = len(self.entries)
        text = plural(total, "entry", "entries")
        if not search.done:
            text = f"Searching: {len(found)} of {text} so far"
            if not self._more_asked:  # one step a repaint, however many keys came
                self._more_asked = True
                self.call_after_refresh(self._search_more)
        elif len(found) != total:
            text = f"{len(found)} of {text}"
        if not total:
            text = "No entries yet: press n to write the first one."
        elif not found and search.done:
            text = "No entries match. Clear the search or pick another tag."
        self.query_one("#journal-count", Label).update(text, layout=False)  # no relayout per key

    def _search_changed(self) -> None:
        self.apply_filter()

    @on(Select.Changed, "#tag")
    def _tag_changed(self) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(EntryList).focus()

    @on(EntryList.Highlighted)
    def _preview(self, event: EntryList.Highlighted) -> None:
        # Reading the body and rendering Markdown take a while: wait for a pause in typing
        # or scrolling.
        self._to_preview = event.entry
        self._preview_later()

    def _show_preview(self) -> None:
        row = self._to_preview
        entry = self._entry(row) if row is not None else None
        body = entry.body if entry is not None else ""
        if body != self._previewed:
            self._previewed = body
            self.query_one("#preview", MarkdownView).show(shown(body))

    @on(EntryList.Selected)
    def _open(self, event: EntryList.Selected) -> None:
        if (entry := self._entry(event.entry)) is not None:
            self.open("entry", entry)

    def _entry(self, row: JournalRow) -> JournalEntry | None:
        """The whole entry a row shows, read from its month (None if it is gone)."""
        return self.services.journal.entry(row)

    def _current(self) -> JournalEntry | None:
        row = self.query_one(EntryList).current
        if row is None:
            self.notify("No entry selected.", severity="warning")
            return None
        entry = self._entry(row)
        if entry is None:
            self.notify("That entry is no longer in the journal.", severity="warning")
            self.reload()
        return entry

    def action_new(self) -> None:
        open_editor(self)

    def action_edit(self) -> None:
        if (entry := self._current()) is not None:
            open_editor(self, entry)

    def action_star(self) -> None:
        if (entry := self._current()) is not None and star_entry(self, entry) is not None:
            self.reload()

    def action_delete(self) -> None:
        if (entry := self._current()) is not None:
            delete_entry(self, entry, then=self.reload)

    def action_undo(self) -> None:
        deleted = self.services.recently_deleted
        if not deleted:
            self.notify("Nothing to undo.", severity="warning")
            return
        entry = deleted[-1]
        if self.store_call(lambda: self.services.journal.save(entry)):
            deleted.pop()
            self.reload(keep_uid=entry.uid)
            self.notify(f"Restored {quoted(entry.display_title)}.", markup=False)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.dismiss()

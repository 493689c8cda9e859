"""One journal entry, rendered as Markdown."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Label

from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.wording import quoted, shown
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.journal.editor import open_editor
from csa_companion.screens.journal.journal import delete_entry, star_entry
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView
from csa_companion.widgets.markup import escape


class EntryViewScreen(CompanionScreen):
    """Read an entry; edit, star or delete it from here."""

    DEFAULT_CSS = """
    #entry-meta {
        padding: 0 1; text-style: bold; width: 100%; border-bottom: solid $primary 50%;
    }
    #entry-body { padding: 0 1; }
    """

    HELP_TEXT = "One journal entry. Press e to edit it, s to star it, d to delete it."
    BINDINGS: ClassVar = [
        Binding("e", "edit", "Edit", id="entry.edit"),
        Binding("s", "star", "Star", id="entry.star"),
        Binding("d,delete", "delete", "Delete", id="entry.delete"),
        Binding("w", "worksheet", "Open worksheet", id="entry.worksheet"),
        Binding("p", "publish", "Publish to team", id="entry.publish", show=False),
        Binding("escape", "back", "Back", id="entry.back"),
    ]

    def __init__(self, services: Services, entry: JournalEntry) -> None:
        super().__init__(services)
        self.entry = entry

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="entry-meta")
        with VerticalScroll(id="entry-body"):
            yield MarkdownView("", id="entry-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Journal entry"  # the entry itself is shown on screen resume
        self.query_one("#entry-body").focus()

    def show(self) -> None:
        e = self.entry
        star = "★ " if e.starred else ""
        tags = "  " + " ".join(f"#{t}" for t in e.tags) if e.tags else ""
        edited = f"  (edited {e.updated:%Y-%m-%d %H:%M})" if e.updated != e.created else ""
        linked = ""
        if e.worksheet_uid:
            sheet = self.services.worksheets.get(e.worksheet_uid)
            name = quoted(escape(sheet.title)) if sheet else "a worksheet that was deleted"
            linked = f"\nReflects on {name}" + ("  (w opens it)" if sheet else "")
        self.query_one("#entry-meta", Label).update(
            f"{star}{escape(e.display_title)}\n{e.created:%A %d %B %Y, %H:%M}{edited}"
            f"{escape(tags)}{linked}"
        )
        self.query_one("#entry-markdown", MarkdownView).show(shown(e.body))

    def reload(self) -> None:
        """Show the stored entry (or, if another window deleted it, the last one known)."""
        self.entry = self.services.journal.get(self.entry.uid, self.entry.created) or self.entry
        self.show()

    def on_screen_resume(self) -> None:
        """Also runs when the screen first appears."""
        self.reload()

    def action_edit(self) -> None:
        open_editor(self, self.entry)

    def action_star(self) -> None:
        updated = star_entry(self, self.entry)
        if updated is not None:
            self.entry = updated
            self.show()

    def action_delete(self) -> None:
        delete_entry(self, self.entry, then=self.dismiss)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "worksheet":
            return self.entry.worksheet_uid is not None
        return True

    def action_worksheet(self) -> None:
        sheet = self.services.worksheets.get(self.entry.worksheet_uid or "")
        if sheet is None:
            self.notify("That worksheet was deleted.", severity="warning")
            return
        self.open("worksheet", sheet)

    def action_publish(self) -> None:
        """Publish this one entry to the team folder (what goes is listed first)."""
        from csa_companion.domain.sharing import entry_item

        self.open("team-publish", entry_item(self.entry))

    def action_back(self) -> None:
        self.dismiss()

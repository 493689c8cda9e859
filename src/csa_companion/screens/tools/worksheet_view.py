"""A saved worksheet, read-only: answers, its diagram, and the journal entries about it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Label, Markdown

from csa_companion.content.model import Tool
from csa_companion.domain.export import answers_markdown
from csa_companion.domain.journal import Draft
from csa_companion.domain.wording import quoted
from csa_companion.domain.worksheet import Worksheet, status_words
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.dialogs import confirm_delete
from csa_companion.screens.tools.worksheets import export_worksheet
from csa_companion.services import Services
from csa_companion.widgets.diagram_view import DiagramView
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView
from csa_companion.widgets.markup import escape

ENTRY_LINK = "entry:"


class WorksheetViewScreen(CompanionScreen):
    """Read a worksheet; edit, duplicate, reflect, export or delete it."""

    DEFAULT_CSS = """
    #sheet-meta {
        padding: 0 1; text-style: bold; width: 100%; border-bottom: solid $primary 50%;
    }
    #sheet { height: 1fr; }
    #sheet-answers { width: 1fr; padding: 0 1; }
    #sheet-diagram { width: 1fr; border-left: solid $primary 50%; padding: 0 1; }
    """

    HELP_TEXT = (
        "A saved worksheet with its diagram (g shows it full screen, every answer whole). "
        "Press e to keep working on it, c to run the tool "
        "again on the same situation, r to write a journal entry about it, x to export it as "
        "Markdown, d to delete it."
    )
    BINDINGS = [
        # At 80 columns the footer holds about 68 cells of keys; help lists the hidden ones.
        Binding("g", "diagram", "Diagram", id="sheet.diagram"),
        Binding("e", "edit", "Edit", id="sheet.edit"),
        Binding("c", "duplicate", "Run again", id="sheet.duplicate", show=False),
        Binding("r", "reflect", "Reflect", id="sheet.reflect"),
        Binding("x", "export", "Export", id="sheet.export"),
        Binding("p", "publish", "Publish to team", id="sheet.publish", show=False),
        Binding("d,delete", "delete", "Delete", id="sheet.delete"),
        Binding("escape", "back", "Back", id="sheet.back"),
    ]

    def __init__(self, services: Services, tool: Tool, worksheet: Worksheet) -> None:
        super().__init__(services)
        self.tool = tool
        self.worksheet = worksheet

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="sheet-meta")
        with Horizontal(id="sheet"):
            with VerticalScroll(id="sheet-answers"):
                yield MarkdownView("", id="sheet-markdown")
            with VerticalScroll(id="sheet-diagram"):
                yield DiagramView(self.tool, self.worksheet, id="diagram")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.tool.title} worksheet"  # the sheet is shown on screen resume
        self.query_one("#sheet-answers").focus()

    def on_screen_resume(self) -> None:
        """Also runs when the screen first appears."""
        self.reload()

    def reload(self) -> None:
        """Show the stored worksheet (or, if another window deleted it, the last one known)."""
        self.worksheet = self.services.worksheets.get(self.worksheet.uid) or self.worksheet
        self.show()

    def show(self) -> None:
        w = self.worksheet
        status = status_words(w.status)
        self.query_one("#sheet-meta", Label).update(
            f"{escape(w.title)} · {escape(self.tool.title)} · {status} · "
            f"last changed {w.updated:%Y-%m-%d %H:%M}"
        )
        text = answers_markdown(self.tool, w, heading=False)  # the line above says it
        entries = self.services.journal.for_worksheet(w.uid)
        if entries:
            text += "\n## Journal entries about this worksheet\n\n" + "\n".join(
                f"- [{e.created:%Y-%m-%d} {e.display_title}]({ENTRY_LINK}{e.uid})" for e in entries
            )
        self.query_one("#sheet-markdown", MarkdownView).show(text)
        self.query_one(DiagramView).show(w)

    @on(Markdown.LinkClicked)
    def _open_entry(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()
        entry = self.services.journal.get(event.href.removeprefix(ENTRY_LINK))
        if entry is not None:
            self.open("entry", entry)

    def action_diagram(self) -> None:
        self.open("diagram", self.tool, self.worksheet)

    def action_edit(self) -> None:
        self.open("walkthrough", self.tool, self.worksheet)

    def action_duplicate(self) -> None:
        copy = self.worksheet.duplicate(self.services.clock.now())
        if self.store_call(lambda: self.services.worksheets.save(copy)):
            self.notify(
                f"Started {quoted(copy.title)} with the same answers to revise.", markup=False
            )
            self.app.switch_screen(self.make_screen("walkthrough", self.tool, copy))

    def action_reflect(self) -> None:
        start = Draft(
            title=f"Reflecting on {quoted(self.worksheet.title)}",
            body="",
            tags=self.tool.id,
            saved_at=self.services.clock.now(),
            worksheet_uid=self.worksheet.uid,
        )
        self.open("editor", start=start)

    def action_export(self) -> None:
        export_worksheet(self, self.tool, self.worksheet)

    def action_publish(self) -> None:
        """Publish this worksheet to the team folder (what goes is listed first)."""
        from csa_companion.domain.sharing import worksheet_item

        self.open("team-publish", worksheet_item(self.worksheet, self.tool))

    def action_delete(self) -> None:
        sheet = self.worksheet

        def answer(choice: str | None) -> None:
            if choice == "delete" and self.store_call(
                lambda: self.services.worksheets.delete(sheet.uid)
            ):
                self.services.deleted_worksheets.append(sheet)
                self.notify(
                    f"Deleted {quoted(sheet.title)}. Press ctrl+z in Tools to undo.", markup=False
                )
                self.dismiss()

        self.app.push_screen(confirm_delete(f"the worksheet {quoted(sheet.title)}"), answer)

    def action_back(self) -> None:
        self.dismiss()

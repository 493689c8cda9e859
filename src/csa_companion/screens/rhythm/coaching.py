"""The coaching log: each session with the question brought, notes and next steps; Enter on
a step marks it done (open steps also wait on Home)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Header, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from csa_companion.domain.coaching import CoachingNote
from csa_companion.domain.program import CalendarError, parse_date
from csa_companion.screens.base import CompanionScreen, KeepsTyped
from csa_companion.screens.rhythm.rhythm_nav import sentence
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape


class NoteDialog(KeepsTyped, ModalScreen[CoachingNote | None]):
    """Edit one coaching session; ctrl+s saves (a bad date is reported in place). When the app
    quits with it open (ctrl+q, also from the lock screen), what is typed is saved with `keep`."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
        Binding("ctrl+s", "accept", "Save", id="note.save"),
    ]
    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 100%; padding: 0 1;
        border: thick $accent; background: $panel;
    }
    NoteDialog .row { height: 3; }
    NoteDialog .row Label { width: 10; padding: 1 1 0 0; }
    NoteDialog .row Input { width: 1fr; }
    NoteDialog TextArea { height: 4; }
    #note-problem { color: $text-error; height: auto; width: 100%; }
    """

    def __init__(self, note: CoachingNote, keep: Callable[[CoachingNote], bool]) -> None:
        super().__init__()
        self.note = note
        self.keep = keep

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(classes="row"):
                yield Label("Date")
                yield Input(f"{self.note.day:%Y-%m-%d}", placeholder="YYYY-MM-DD", id="note-day")
            with Horizontal(classes="row"):
                yield Label("Question")
                # No select-all on focus: a key typed would replace the question brought.
                yield Input(self.note.question, id="note-question", select_on_focus=False)
            yield Label("Notes")
            yield TextArea(self.note.notes, id="note-notes", soft_wrap=True)
            yield Label("Next steps, one a line")
            steps = "\n".join(s.text for s in self.note.steps)
            yield TextArea(steps, id="note-steps", soft_wrap=True)
            yield Label("ctrl+s saves, Escape cancels.", id="note-problem")

    def on_mount(self) -> None:
        self._initial = self._typed()
        # As in the editor's body: Tab into notes or steps goes on where they end.
        for area in self.query(TextArea):
            area.move_cursor(area.document.end)
        self.query_one("#note-day", Input).focus()  # the first field, as on screen

    def action_accept(self) -> None:
        try:
            note = self.typed_note()
        except CalendarError as error:
            self.query_one("#note-problem", Label).update(escape(sentence(str(error))))
            return
        self.dismiss(note)

    def typed_note(self) -> CoachingNote:
        """The session as typed; CalendarError when the date does not read."""
        day = parse_date(self.query_one("#note-day", Input).value)
        note = self.note.with_steps_text(self.query_one("#note-steps", TextArea).text)
        return CoachingNote(
            day,
            self.note.updated,
            self.query_one("#note-question", Input).value.strip(),
            self.query_one("#note-notes", TextArea).text,
            note.steps,
            self.note.uid,
        )

    def keep_typed(self) -> bool:
        """Save the session as typed (the app is quitting); False when it cannot be (a date
        that does not read, a read-only folder), so that the quit asks first."""
        if not self.is_mounted or self._typed() == self._initial:
            return True
        try:
            note = self.typed_note()
        except CalendarError:
            return False
        if not self.keep(note):
            return False
        self._initial = self._typed()  # kept: Escape now leaves without asking
        return True

    def _typed(self) -> tuple[str, ...]:
        return (
            self.query_one("#note-day", Input).value,
            self.query_one("#note-question", Input).value,
            self.query_one("#note-notes", TextArea).text,
            self.query_one("#note-steps", TextArea).text,
        )

    def action_cancel(self) -> None:
        """Leave; when something was typed, ask first (the session is no draft: it would be
        gone)."""
        if self._typed() == self._initial:
            self.dismiss(None)
            return
        from csa_companion.screens.dialogs import Choice

        def answer(choice: str | None) -> None:
            if choice == "discard":
                self.dismiss(None)

        self.app.push_screen(
            Choice(
                "Discard what you typed in this coaching session?",
                [("keep", "Keep writing"), ("discard", "Discard")],
                cancel_id="keep",
            ),
            answer,
        )


class CoachingScreen(CompanionScreen):
    """Sessions newest first, each followed by its next steps."""

    HELP_TEXT = (
        "Your coaching sessions. n records a new one (the question comes from this month's "
        "reflection), Enter on a session edits it, Enter on a next step marks it done or not "
        "done, d deletes the highlighted session. Open steps wait on Home until done."
    )
    BINDINGS: ClassVar = [
        Binding("n", "new", "New session", id="coaching.new"),
        Binding("d", "delete", "Delete", id="coaching.delete"),
        Binding("escape", "app.go('home')", "Home", id="coaching.home"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Coaching sessions", classes="box-title")
        yield OptionList(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Coaching log"
        self.query_one("#notes", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        options = self.query_one("#notes", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for note in reversed(self.services.rhythm.coaching.all()):
            question = escape(note.question) or "[$text-muted](no question)[/]"
            options.add_option(
                Option(f"[b]{note.day:%a %d %b %Y}[/b]  {question}", id=f"note:{note.uid}")
            )
            for index, step in enumerate(note.steps):
                mark = "☑" if step.done else "☐"
                options.add_option(
                    Option(f"    {mark} {escape(step.text)}", id=f"step:{note.uid}:{index}")
                )
        if not options.option_count:
            options.add_option(
                Option("No sessions yet. Press n after your first one.", disabled=True)
            )
        options.highlighted = min(highlighted or 0, options.option_count - 1)

    @on(OptionList.OptionSelected, "#notes")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        kind, uid, *rest = (event.option.id or "::").split(":")
        note = self.services.rhythm.coaching.get(uid)
        if note is None:
            return
        if kind == "step":
            toggled = note.toggled(int(rest[0]), self.services.clock.now())
            if self.store_call(lambda: self.services.rhythm.coaching.save(toggled)):
                self.reload()
            return
        self.app.push_screen(NoteDialog(note, self._store), self._save)

    def _store(self, note: CoachingNote) -> bool:
        return self.store_call(lambda: self.services.rhythm.coaching.save(note))

    def _save(self, note: CoachingNote | None) -> None:
        if note is not None and self._store(note):
            self.notify("Coaching session saved.")
            self.reload()

    def action_new(self) -> None:
        now = self.services.clock.now()
        reflection = self.services.rhythm.reflections.get(self.services.rhythm.month(now))
        question = reflection.coach_question(self.services.library.reflection) if reflection else ""
        note = CoachingNote(now.date(), now, question)
        self.app.push_screen(NoteDialog(note, self._store), self._save)

    def action_delete(self) -> None:
        options = self.query_one("#notes", OptionList)
        if options.highlighted is None:
            return
        uid = (options.get_option_at_index(options.highlighted).id or "::").split(":")[1]
        note = self.services.rhythm.coaching.get(uid)
        if note is None:
            return
        from csa_companion.screens.dialogs import Choice

        def answer(choice: str | None) -> None:
            if choice == "delete" and self.store_call(
                lambda: self.services.rhythm.coaching.delete(uid)
            ):
                self.reload()

        question = f"Delete the session of {note.day:%d %b %Y} and its next steps?"
        self.app.push_screen(
            Choice(question, [("delete", "Delete"), ("cancel", "Keep it")]), answer
        )

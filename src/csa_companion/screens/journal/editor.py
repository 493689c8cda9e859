"""The journal entry editor: title, Markdown body and tags, autosaved as a draft while typing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Label, TextArea

from csa_companion.domain.journal import Draft, JournalEntry, parse_tags, unusable_tags
from csa_companion.domain.wording import quoted
from csa_companion.screens.base import CompanionScreen, autosave
from csa_companion.screens.dialogs import Choice
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer


class EntryEditorScreen(CompanionScreen):
    """Write or edit one entry. Every pause in typing saves a draft; ctrl+s saves the entry."""

    DEFAULT_CSS = """
    #editor { height: 1fr; }
    .field { height: 3; }
    .field-label { width: 7; padding: 1 1 0 1; }
    .field Input { width: 1fr; }
    #body { height: 1fr; }
    #status { padding: 0 1; color: $text-muted; }
    """

    HELP_TEXT = (
        "Write freely: the body is Markdown. A draft is saved a moment after you stop typing "
        "and every second while you type, so closing the window loses nothing and a crash at "
        "most the last second; the draft is offered when you return. "
        "Tags are words separated by commas or spaces, like `coaching, site-visit`."
    )
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", id="editor.save"),
        Binding("escape", "close", "Close (keeps draft)", id="editor.close"),
        Binding("ctrl+r", "discard", "Discard changes", id="editor.discard"),
    ]

    def __init__(
        self,
        services: Services,
        entry: JournalEntry | None = None,
        draft: Draft | None = None,
        *,
        start: Draft | None = None,
    ) -> None:
        """Edit `entry` (or a new one); `draft` restores unsaved text, `start` prefills a new
        entry (e.g. a reflection linked to a worksheet) without counting as a change."""
        super().__init__(services)
        self.entry = entry
        self.start = start
        self.initial = (
            draft
            or start
            or Draft(
                title=entry.title if entry else "",
                body=entry.body if entry else "",
                tags=", ".join(entry.tags) if entry else "",
                saved_at=services.clock.now(),
                entry_uid=entry.uid if entry else None,
                worksheet_uid=entry.worksheet_uid if entry else None,
                **({"key": Draft.key_for(entry)} if entry else {}),
            )
        )
        # No select-all when Tab arrives: the first key typed would replace the title or tags.
        self.title_input = Input(
            self.initial.title, placeholder="optional", id="title", select_on_focus=False
        )
        self.body_input = TextArea(self.initial.body, id="body", soft_wrap=True)
        self.tags_input = Input(
            self.initial.tags,
            placeholder="e.g. coaching, iceberg",
            id="tags",
            select_on_focus=False,
        )
        self.status = Label("", id="status")
        self._autosave = autosave(self, self.save_draft)
        self._left = False
        self._leave_unsaved = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="editor"):
            with Horizontal(classes="field"):
                yield Label("Title", classes="field-label")
                yield self.title_input
            yield self.body_input
            with Horizontal(classes="field"):
                yield Label("Tags", classes="field-label")
                yield self.tags_input
            yield self.status
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Edit entry" if self.entry else "New journal entry"
        # Top to bottom, as Tab goes: a new entry starts at its title; anything already
        # written is resumed at the end of the body, where writing goes on.
        if self.entry is None and not self.initial.title and not self.initial.body:
            self.title_input.focus()
        else:
            self.body_input.move_cursor(self.body_input.document.end)
            self.body_input.focus()
        self._set_status("Draft restored." if self._has_changes() else "Not saved yet.")

    def current(self) -> Draft:
        """What is on screen (readable even while the screen is being removed)."""
        return Draft(
            title=self.title_input.value,
            body=self.body_input.text,
            tags=self.tags_input.value,
            saved_at=self.services.clock.now(),
            entry_uid=self.entry.uid if self.entry else None,
            worksheet_uid=self.initial.worksheet_uid,
            key=self.initial.key,
        )

    def _has_changes(self) -> bool:
        """True when what is on screen differs from the stored entry (or is non-blank if new)."""
        draft = self.current()
        if self.entry is None:
            if self.start is not None:
                return (draft.title, draft.body, draft.tags) != (
                    self.start.title,
                    self.start.body,
                    self.start.tags,
                )
            return not draft.is_blank
        return (draft.title.strip(), draft.body, parse_tags(draft.tags)) != (
            self.entry.title,
            self.entry.body,
            self.entry.tags,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.title_input:  # Enter after the title: on to the body
            self.body_input.focus()

    def on_text_area_changed(self) -> None:
        self._schedule_autosave()

    def on_input_changed(self) -> None:
        self._schedule_autosave()

    def _schedule_autosave(self) -> None:
        self._autosave()

    def save_draft(self) -> bool:
        """Keep what is on screen as the draft (or drop the draft if nothing changed); False
        if that could not be saved (the text is still on screen)."""
        self._autosave.cancel()
        if not self._has_changes():
            return self.store_call(lambda: self.services.drafts.clear(self.initial.key))
        draft = self.current()
        if self.store_call(lambda: self.services.drafts.save(draft)):
            self._set_status(f"Draft saved {draft.saved_at:%H:%M:%S}.")
            return True
        self._set_status("Not saved: see the message. Your text is still here.")
        return False

    def keep_typed(self) -> bool:
        return not self._has_changes() or self.save_draft()

    def _set_status(self, text: str) -> None:
        self.status.update(text)

    def action_save(self) -> None:
        draft = self.current()
        if not (draft.title.strip() or draft.body.strip()):
            self.notify("Write something first: the entry is empty.", severity="warning")
            return
        now = self.services.clock.now()
        tags = parse_tags(draft.tags)
        if self.entry is not None:
            entry = self.entry.edited(now, title=draft.title.strip(), body=draft.body, tags=tags)
        else:
            entry = JournalEntry.new(
                draft.body, now, title=draft.title, tags=tags, worksheet_uid=draft.worksheet_uid
            )
        if not self.store_call(lambda: self.services.journal.save(entry)):
            self._set_status("Not saved: see the message. Your text is still here.")
            return
        self.store_call(lambda: self.services.drafts.clear(self.initial.key))
        self.notify(f"Saved {quoted(entry.display_title)}.", markup=False)
        for left_out in unusable_tags(draft.tags):  # never drop typed words without a word
            self.notify(
                f"Left out the tag {quoted(left_out)}: a tag needs a letter or a digit.",
                severity="warning",
            )
        self._finish()

    def action_close(self) -> None:
        if not self.save_draft() and not self._leave_unsaved:
            self._leave_unsaved = True  # a second escape leaves anyway
            self.notify(
                "Your text could not be kept as a draft, so it stays here: copy it somewhere, "
                "or press escape again to close without keeping it.",
                title="Not saved",
                severity="warning",
                timeout=15,
            )
            return
        if self._has_changes() and not self._leave_unsaved:
            self.notify("Draft kept: resume it from Home or the journal (n).")
        self._finish()

    def _finish(self) -> None:
        """Leave the editor; the autosave timer must not fire while the screen is removed."""
        self._autosave.cancel()
        self._left = True
        self.dismiss()

    def action_discard(self) -> None:
        def answer(choice: str | None) -> None:
            if choice != "discard":
                return
            draft = self.current()
            if self._has_changes() or self.services.drafts.get(draft.key) is not None:
                from csa_companion.screens.journal.drafts import discard

                discard(self, draft)  # kept in memory: ctrl+z on Home puts it back
            self._finish()

        self.app.push_screen(
            Choice(
                "Discard your changes to this entry?",
                [("keep", "Keep writing"), ("discard", "Discard")],
                cancel_id="keep",
            ),
            answer,
        )

    def on_unmount(self) -> None:
        if not self._left:  # the app is quitting or the screen is being replaced
            self.save_draft()


def open_editor(
    screen: CompanionScreen, entry: JournalEntry | None = None, start: Draft | None = None
) -> None:
    """Open the editor on `entry` (resuming its unsaved changes, if any), or on a new entry
    prefilled from `start`; when drafts of new entries are waiting, offer the newest first."""
    services = screen.services
    if entry is not None:
        draft = services.drafts.get(Draft.key_for(entry))
        if draft is not None:
            screen.notify("Resuming the unsaved changes you made to this entry.")
        screen.app.push_screen(EntryEditorScreen(services, entry, draft))
        return
    waiting = [d for d in services.drafts.all() if d.entry_uid is None]
    if not waiting:
        screen.app.push_screen(EntryEditorScreen(services, start=start))
        return

    def answer(choice: str | None) -> None:
        if choice == "resume":
            resume_draft(screen, waiting[0])
        elif choice == "new":
            screen.app.push_screen(EntryEditorScreen(services, start=start))

    newest = waiting[0]
    others = f" (and {len(waiting) - 1} more on Home)" if len(waiting) > 1 else ""
    screen.app.push_screen(
        Choice(
            f"You have an unsaved draft {quoted(newest.name)} from "
            f"{newest.saved_at:%a %d %b, %H:%M}"
            f"{others}. Resume it, or start a new entry? Drafts stay on Home until you save "
            "or discard them.",
            [("resume", "Resume draft"), ("new", "New entry"), ("cancel", "Cancel")],
        ),
        answer,
    )


def resume_draft(screen: CompanionScreen, draft: Draft) -> None:
    """Open a waiting draft in the editor."""
    services = screen.services
    entry = services.journal.get(draft.entry_uid) if draft.entry_uid else None
    if draft.entry_uid and entry is None:
        screen.notify("The entry this draft edits is gone; saving will create a new entry.")
    screen.app.push_screen(EntryEditorScreen(services, entry, draft))

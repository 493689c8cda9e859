"""Reflections: the months with their status, and one month's reflection (the month at a
glance first, then the prompts from content, autosaved as a draft while typing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.reflection import (
    DONE,
    DRAFT,
    Glance,
    Reflection,
    glance_lines,
    month_name,
    months_listed,
    reflection_markdown,
    status_of,
)
from csa_companion.screens.base import CompanionScreen, autosave
from csa_companion.services import Services
from csa_companion.storage.private_files import write_private
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape

MARKS = {"not started": "·", DRAFT: "✎", DONE: "✓"}


def month_glance(services: Services, month: str) -> Glance:
    """The month at a glance from the month's entries and everything else in the store."""
    practices = services.practice_log.all()
    entries = month_entries(services, month)
    return services.rhythm.glance(month, entries, services.worksheets.all(), practices)


def month_entries(services: Services, month: str) -> list[JournalEntry]:
    """The journal entries of `month` as the rhythm counts months, newest first."""
    return services.journal.in_month(month, services.rhythm.zone)


class ReflectionsScreen(CompanionScreen):
    """Every month from now back to your first entry, with its reflection's status."""

    HELP_TEXT = (
        "One reflection per calendar month. Enter opens a month (past months can be edited); "
        "its work at a glance comes first, then the prompts. c opens the coaching log, "
        "g the growth chart from your surveys."
    )
    BINDINGS: ClassVar = [
        Binding("c", "app.go('coaching')", "Coaching log", id="reflections.coaching"),
        Binding("g", "app.go('growth')", "Growth", id="reflections.growth"),
        Binding("escape", "app.go('home')", "Home", id="reflections.home"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Monthly reflections", classes="box-title")
        yield OptionList(id="months")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Reflections"
        self.query_one("#months", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        services = self.services
        reflections = {r.month: r for r in services.rhythm.reflections.all()}
        first = services.journal.earliest()
        dates = [w.created for w in services.worksheets.all()] + ([first] if first else [])
        earliest = services.rhythm.month(min(dates)) if dates else None
        current = services.rhythm.month(services.clock.now())
        months = months_listed(current, list(reflections.values()), earliest)
        options = self.query_one("#months", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for month in months:
            status = status_of(reflections.get(month))
            now = "  (this month)" if month == current else ""
            options.add_option(
                Option(f"{MARKS[status]}  {month_name(month):<16} {status}{now}", id=month)
            )
        options.highlighted = highlighted if highlighted is not None else 0

    @on(OptionList.OptionSelected, "#months")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(ReflectionScreen(self.services, event.option.id or ""))


class ReflectionScreen(CompanionScreen):
    """One month: what you did (each line opens what it counts), then the prompts."""

    DEFAULT_CSS = """
    #glance { height: auto; max-height: 9; }
    #prompts { height: 1fr; }
    .prompt { padding: 1 1 0 1; width: 100%; }
    .answer { height: auto; min-height: 4; max-height: 12; }
    #reflection-status { padding: 0 1; color: $text-muted; }
    """
    HELP_TEXT = (
        "The month at a glance is counted from your journal and worksheets: Enter on a line "
        "opens what it counts. Each answer is saved as a draft a moment after you stop "
        "typing. ctrl+f marks the reflection done (or back to draft); ctrl+o exports it to "
        "Markdown for your coach."
    )
    BINDINGS: ClassVar = [
        Binding("ctrl+f", "toggle_done", "Done / draft", id="reflection.done"),
        Binding("ctrl+o", "export", "Export", id="reflection.export"),
        Binding("ctrl+t", "publish", "Publish to team", id="reflection.publish", show=False),
        Binding("escape", "back", "Back", id="reflection.back"),
    ]

    def __init__(self, services: Services, month: str, *, coach_question: bool = False) -> None:
        """`coach_question` puts the cursor in the question for the coach."""
        super().__init__(services)
        self.month = month
        self.to_coach = coach_question
        self.prompts = services.library.reflection
        self.reflection = services.rhythm.reflections.get(month)
        self.summary = month_glance(services, month)
        self._autosave = autosave(self, self.save)
        self._left = False
        self._counted: dict[str, datetime] = {}
        """uid -> time written of the entries the last pick listed."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"{month_name(self.month)} at a glance", classes="box-title")
        titles = {t.id: t.title for t in self.services.library.tools}
        yield OptionList(
            *(Option(escape(text), id=key) for key, text in glance_lines(self.summary, titles)),
            id="glance",
            classes="boxed",
        )
        # Not a Tab stop: Tab goes answer to answer, and the prompts scroll to each.
        with VerticalScroll(id="prompts", can_focus=False):
            if self.prompts is None:
                yield Label('No reflection prompts in your content (kind = "reflection").')
            for question in self.prompts.questions if self.prompts else ():
                yield Label(escape(question.text), classes="prompt")
                answer = self.reflection.answer(question.id) if self.reflection else ""
                yield TextArea(answer, id=f"answer-{question.id}", classes="answer", soft_wrap=True)
        yield Label("", id="reflection-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Reflection: {month_name(self.month)}"
        self._show_status()
        coach = self.prompts.coach_question if self.prompts and self.to_coach else None
        answers = self.query(f"#answer-{coach.id}" if coach else ".answer")
        (answers.first() if answers else self.query_one("#glance")).focus()

    def _show_status(self, extra: str = "") -> None:
        status = status_of(self.reflection)
        self.query_one("#reflection-status", Label).update(f"Status: {status}. {extra}".strip())

    def on_text_area_changed(self) -> None:
        self._autosave()

    def save(self) -> None:
        """Keep what is on screen (nothing typed yet means nothing to store)."""
        self._autosave.cancel()
        now = self.services.clock.now()
        reflection = self.reflection or Reflection(self.month, now)
        for area in self.query(".answer").results(TextArea):
            question_id = (area.id or "").removeprefix("answer-")
            if area.text != reflection.answer(question_id):
                reflection = reflection.with_answer(question_id, area.text, now)
        if reflection == self.reflection or (self.reflection is None and not reflection.answers):
            return
        if self.store_call(lambda: self.services.rhythm.reflections.save(reflection)):
            self.reflection = reflection
            self._show_status(f"Saved {now:%H:%M:%S}.")

    def action_toggle_done(self) -> None:
        self.save()
        now = self.services.clock.now()
        reflection = self.reflection or Reflection(self.month, now)
        marked = reflection.marked(DRAFT if reflection.status == DONE else DONE, now)
        if self.store_call(lambda: self.services.rhythm.reflections.save(marked)):
            self.reflection = marked
            self._show_status()

    def action_publish(self) -> None:
        """Publish this month's reflection (its answers, not the month at a glance) to the
        team folder; what goes is listed first."""
        from csa_companion.domain.sharing import reflection_item

        self.save()
        reflection = self.services.rhythm.reflections.get(self.month)
        if reflection is None or not any(a.strip() for a in reflection.answers.values()):
            self.notify("Write something first: an empty reflection is not published.")
            return
        self.open("team-publish", reflection_item(reflection, self.prompts))

    def action_export(self) -> None:
        self.save()
        titles = {t.id: t.title for t in self.services.library.tools}
        text = reflection_markdown(self.summary, self.reflection, self.prompts, titles)
        folder = self.services.stores.paths.root / "exports"
        path = folder / f"reflection-{self.month}.md"
        try:
            write_private(path, text)  # 0600: it holds private text
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror}", severity="error", markup=False)
            return
        from csa_companion.transfer.actions import plain_note

        self.notify(
            f"Exported to {path}{plain_note(self.services.stores.paths)}", timeout=10, markup=False
        )

    @on(OptionList.OptionSelected, "#glance")
    async def _open_counted(self, event: OptionList.OptionSelected) -> None:
        """Show the entries or worksheets a line counts; pick one to open it."""
        key = event.option.id or ""
        summary = self.summary
        if key in ("entries", "starred"):
            uids = summary.entries if key == "entries" else summary.starred
            entries = [e for e in month_entries(self.services, self.month) if e.uid in uids]
            self._counted = {e.uid: e.created for e in entries}
            options = [(e.uid, f"{e.created:%d %b}  {e.display_title}") for e in entries]
            self._pick("Entries counted", options, self._open_entry)
        elif key in ("started", "finished"):
            groups = summary.started if key == "started" else summary.finished
            uids = [uid for group in groups.values() for uid in group]
            sheets = [w for w in self.services.worksheets.all() if w.uid in uids]
            options = [(w.uid, f"{w.updated:%d %b}  {w.title}  [{w.tool_id}]") for w in sheets]
            self._pick("Worksheets counted", options, self._open_sheet)
        elif key == "steps":
            await self.app.run_action("go('coaching')")
        elif key == "practices":
            await self.app.run_action("go('practice')")

    def _pick(
        self, title: str, options: list[tuple[str, str]], then: Callable[[str | None], None]
    ) -> None:
        from csa_companion.screens.dialogs import Pick

        if not options:
            self.notify("Nothing to open: the count is 0.")
            return
        self.app.push_screen(Pick(title, options), then)

    def _open_entry(self, uid: str | None) -> None:
        written = self._counted.get(uid or "")
        entry = self.services.journal.get(uid or "", written) if written else None
        if entry is not None:
            self.open("entry", entry)

    def _open_sheet(self, uid: str | None) -> None:
        sheet = self.services.worksheets.get(uid or "")
        if sheet is not None:
            self.open("worksheet", sheet)

    def action_back(self) -> None:
        self.save()
        self._left = True
        self.dismiss()

    def on_unmount(self) -> None:
        if not self._left:  # quitting: keep what was typed
            self.save()

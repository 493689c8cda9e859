"""Program: the calendar (orientation, four learning sessions, coaching), edited in place with
checked dates and times; the session surveys open from here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Header, Input, Label, OptionList
from textual.widgets.option_list import Option

from csa_companion.domain.journal import parse_tags
from csa_companion.domain.program import (
    COACHING,
    ORIENTATION,
    SESSION,
    CalendarError,
    Event,
    Program,
    days_away,
    make_event,
)
from csa_companion.domain.survey import DRAFT, POST, PRE, SUBMITTED
from csa_companion.screens.base import CompanionScreen, DraftPlace, KeepsFields
from csa_companion.screens.rhythm.rhythm_nav import sentence
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape

FIELDS = (
    ("date", "Date", "YYYY-MM-DD"),
    ("start", "Starts", "HH:MM, 24-hour"),
    ("end", "Ends", "HH:MM, 24-hour"),
    ("topic", "Topic", "optional"),
    ("tools", "Tools", "tool ids, comma separated"),
)


class EventDialog(KeepsFields, ModalScreen[Event | None]):
    """Edit one event. Enter or ctrl+s checks it; a problem is shown here, in place, and the
    dialog stays open until it is fixed or canceled. What is typed is kept over a quit (not
    saved to the calendar: it may be half a date) and back when the event is edited again."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel", id="event.cancel"),
        Binding("ctrl+s", "accept", "Save", id="event.save"),
    ]
    DEFAULT_CSS = """
    EventDialog { align: center middle; }
    EventDialog > Vertical {
        width: 72; max-width: 98%; height: auto; padding: 0 1;
        border: thick $accent; background: $panel;
    }
    EventDialog .row { height: 3; }
    EventDialog .row Label { width: 8; padding: 1 1 0 0; }
    EventDialog .row Input { width: 1fr; }
    #event-problem { color: $text-error; height: auto; width: 100%; padding: 0 1; }
    #event-hint { color: $text-muted; padding: 0 1; }
    """

    def __init__(
        self, event: Event, check: Callable[[Event], str | None], place: DraftPlace | None = None
    ) -> None:
        super().__init__()
        self.event = event
        self.check = check
        self.place = place

    def compose(self) -> ComposeResult:
        e = self.event
        values = {
            "date": f"{e.start:%Y-%m-%d}",
            "start": f"{e.start:%H:%M}",
            "end": f"{e.end:%H:%M}",
            "topic": e.topic,
            "tools": ", ".join(e.tools),
        }
        with Vertical():
            yield Label(escape(e.title), classes="box-title")
            for key, label, hint in FIELDS:
                if key in ("topic", "tools") and e.kind != SESSION:
                    continue
                with Horizontal(classes="row"):
                    yield Label(label)
                    yield Input(values[key], placeholder=hint, id=f"event-{key}")
            yield Label("", id="event-problem")
            yield Label("Enter or ctrl+s saves, Escape cancels.", id="event-hint")

    def on_mount(self) -> None:
        self.restore_typed()
        self.query_one("#event-date", Input).focus()

    def say_restored(self) -> None:
        # One line at 80 columns (the dialog takes the screen's whole height).
        hint = "Back as typed before the app closed. Enter saves, Escape cancels."
        self.query_one("#event-hint", Label).update(hint)

    def _value(self, key: str) -> str:
        found = self.query(f"#event-{key}").results(Input)
        return next((i.value for i in found), "")

    def on_input_submitted(self) -> None:
        self.action_accept()

    def action_accept(self) -> None:
        problem = self.query_one("#event-problem", Label)
        try:
            event = make_event(
                self.event.kind,
                self._value("date"),
                self._value("start"),
                self._value("end"),
                topic=self._value("topic"),
                tools=parse_tags(self._value("tools")),
            )
        except CalendarError as error:
            problem.update(escape(sentence(str(error))))
            return
        trouble = self.check(event)
        if trouble:
            problem.update(escape(sentence(trouble)))
            return
        self.forget_typed()
        self.dismiss(event)

    def action_cancel(self) -> None:
        self.forget_typed()
        self.dismiss(None)


class ProgramScreen(CompanionScreen):
    """The calendar, one line per event; Enter edits the highlighted one."""

    HELP_TEXT = (
        "Your program's calendar. Enter edits the highlighted event (dates and times are "
        "checked as you save). a adds a coaching session, x removes one. On a learning "
        "session, b opens the survey before it and f the survey after it (✓ submitted, "
        "✎ draft). A facilitator can "
        "also give you a file to load with `csa-companion program import FILE`."
    )
    BINDINGS: ClassVar = [
        # At 80 columns the footer holds about 68 cells of keys; help lists the hidden ones.
        Binding("a", "add_coaching", "Add coaching", id="program.add"),
        Binding("x", "remove_coaching", "Remove coaching", id="program.remove", show=False),
        Binding("b", "survey('pre')", "Survey before", id="program.pre"),
        Binding("f", "survey('post')", "Survey after", id="program.post"),
        Binding("c", "app.go('coaching')", "Coaching log", id="program.coaching", show=False),
        Binding("escape", "app.go('home')", "Home", id="program.home"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="program-note")
        yield OptionList(id="events")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Program"
        self.query_one("#events", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def program(self) -> Program:
        return self.services.rhythm.program.get(self.services.clock.now().date())

    def _ids(self, program: Program) -> list[tuple[str, int, Event]]:
        """(kind, index within kind, event) in date order."""
        return [(e.kind, max(e.number - 1, 0), e) for e in program.events]

    def reload(self) -> None:
        program = self.program
        now = self.services.clock.now()
        note = (
            "Placeholder dates: press Enter on an event to set your cohort's dates."
            if program.placeholder
            else "Enter edits the highlighted event."
        )
        self.query_one("#program-note", Label).update(note)
        options = self.query_one("#events", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for kind, index, event in self._ids(program):
            when = f"{event.start:%a %d %b %Y  %H:%M}-{event.end:%H:%M}"
            ahead = f"  ({days_away(event, now)})" if event.end > now.replace(tzinfo=None) else ""
            about = [escape(event.topic)] if event.topic else []
            if kind == SESSION:
                about.append(self._surveys(event.number))
            # One line each: a topic and the surveys side by side broke over lines.
            topic = "".join(f"\n   [$text-muted]{part}[/]" for part in about)
            label = f"{when}  [b]{escape(event.title)}[/b]{ahead}{topic}"
            options.add_option(Option(label, id=f"{kind}:{index}"))
        options.highlighted = min(highlighted or 0, options.option_count - 1)

    def _surveys(self, session: int) -> str:
        """'surveys before: done, after: draft', in words: a mark such as '·' for not
        started read as one more separator of the line's parts."""
        words = {SUBMITTED: "done", DRAFT: "draft", None: "not started"}
        status = self.services.rhythm.surveys.status
        before, after = words[status(session, PRE)], words[status(session, POST)]
        return f"surveys before: {before}, after: {after}"

    def _selected(self) -> tuple[str, int] | None:
        options = self.query_one("#events", OptionList)
        if options.highlighted is None:
            return None
        kind, index = (options.get_option_at_index(options.highlighted).id or ":0").split(":")
        return kind, int(index)

    @on(OptionList.OptionSelected, "#events")
    def _edit(self, event: OptionList.OptionSelected) -> None:
        kind, index = (event.option.id or ":0").split(":")
        program = self.program
        current = {
            ORIENTATION: [program.orientation],
            SESSION: list(program.sessions),
            COACHING: list(program.coaching),
        }[kind][int(index)]
        self._edit_event(kind, int(index), current)

    def _edit_event(self, kind: str, index: int, current: Event) -> None:
        program = self.program

        known = {t.id for t in self.services.library.tools}

        def check(event: Event) -> str | None:
            unknown = [t for t in event.tools if t not in known]
            if unknown:
                return f"unknown tool {unknown[0]!r}: use one of {', '.join(sorted(known))}"
            problems = program.with_event(kind, index, event).problems()
            return problems[0][2] if problems else None

        def save(event: Event | None) -> None:
            if event is not None and self.store_call(
                lambda: self.services.rhythm.program.save(program.with_event(kind, index, event))
            ):
                self.notify(f"{current.title} saved.")
                self.reload()

        place = DraftPlace(self.services.settings, f"event:{kind}:{index}")
        self.app.push_screen(EventDialog(current, check, place), save)

    def action_add_coaching(self) -> None:
        program = self.program
        last = program.coaching[-1] if program.coaching else program.sessions[0]
        start = last.start + timedelta(days=28)
        draft = Event(COACHING, start.replace(hour=15, minute=0), start.replace(hour=16, minute=0))
        self._edit_event(COACHING, len(program.coaching), draft)

    def action_remove_coaching(self) -> None:
        selected = self._selected()
        if selected is None or selected[0] != COACHING:
            self.notify("Highlight a coaching session to remove it.", severity="warning")
            return
        program = self.program.without_coaching(selected[1])
        if self.store_call(lambda: self.services.rhythm.program.save(program)):
            self.notify("Coaching session removed.")
            self.reload()

    def action_survey(self, when: str) -> None:
        selected = self._selected()
        if selected is None or selected[0] != SESSION:
            self.notify("Highlight a learning session first.", severity="warning")
            return
        from csa_companion.screens.rhythm.survey import open_survey

        open_survey(self, selected[1] + 1, PRE if when == PRE else POST)

"""Before a practice starts: its length, the arrive countdown, bells and (for a check-in) the
guiding question. The choices are remembered per practice, as the facilitator's preset."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Header, Input, Label, Select

from csa_companion.content.model import Practice
from csa_companion.domain.practice import (
    MAX_ARRIVE,
    Setup,
    format_seconds,
    make_plan,
    parse_bells,
    parse_seconds,
)
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.practice.practice import REDUCED_MOTION, PracticeScreen, reduced_motion
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape

BELLS = [
    ("No bells", "none"),
    ("A bell at the start and the end", "single"),
    ("A double bell at the end", "double"),
    ("Bells at times I choose", "custom"),
]
OWN_QUESTION = "__own__"


def preset_key(practice_id: str) -> str:
    return f"practice-preset:{practice_id}"


def question_options(services: Services) -> list[tuple[str, str]]:
    """(label, question) for every question in the bank, grouped by occasion."""
    return [
        (f"{qset.title}: {question}", question)
        for qset in services.library.question_sets
        for question in qset.questions
    ]


class PracticeSetupScreen(CompanionScreen):
    """Choose how to run a practice, then start it."""

    DEFAULT_CSS = """
    #setup { height: 1fr; padding: 0 2; }
    #setup-title { text-style: bold; color: $accent; margin-top: 1; }
    #setup-opening { width: 100%; color: $text-muted; margin-bottom: 1; }
    .setup-row { height: auto; }
    .setup-row Label { width: 22; padding: 1 1 0 0; }
    .setup-row Input { width: 1fr; }
    .setup-row Select { width: 1fr; }
    #setup-buttons { height: auto; margin-top: 1; }
    #setup-buttons Button { margin-right: 2; }
    """

    HELP_TEXT = (
        "Set the length (the phases stretch or shrink in proportion), a countdown before the "
        "first phase, and the bells. Your choices are remembered for this practice. "
        "Enter or the Start button begins."
    )
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "start", "Start", id="setup.start"),
        Binding("escape", "back", "Back", id="setup.back"),
    ]

    def __init__(self, services: Services, practice: Practice, *, presenting: bool = False) -> None:
        super().__init__(services)
        self.practice = practice
        self.presenting = presenting
        self.setup = Setup.from_doc(services.settings.get(preset_key(practice.id)))

    def compose(self) -> ComposeResult:
        practice, setup = self.practice, self.setup
        if not self.presenting:
            yield Header()
        # Not a Tab stop: focus moves field to field, and the form scrolls to each.
        with VerticalScroll(id="setup", can_focus=False):
            yield Label(escape(practice.title), id="setup-title")
            if practice.opening:
                yield Label(f"Opening words: {escape(practice.opening)}", id="setup-opening")
            own = format_seconds(practice.total_seconds)
            with Horizontal(classes="setup-row"):
                yield Label("Length")
                yield Input(
                    format_seconds(setup.total) if setup.total else "",
                    placeholder=f"{own} (its own); type minutes or m:ss",
                    id="setup-length",
                )
            with Horizontal(classes="setup-row"):
                yield Label("Arrive countdown")
                yield Input(
                    f"{setup.arrive:g}" if setup.arrive else "",
                    placeholder=f"seconds before it starts, 0-{MAX_ARRIVE:g}",
                    id="setup-arrive",
                )
            with Horizontal(classes="setup-row"):
                yield Label("Bells")
                yield Select(BELLS, value=setup.bells, allow_blank=False, id="setup-bells")
            with Horizontal(classes="setup-row", id="setup-custom-row"):
                yield Label("Bell times")
                yield Input(
                    ", ".join(format_seconds(b) for b in setup.custom_bells),
                    placeholder="from the start, e.g. 0:00, 2:30, 5:00",
                    id="setup-custom",
                )
            if practice.question:
                with Horizontal(classes="setup-row"):
                    yield Label("Guiding question")
                    yield Select(
                        [*question_options(self.services), ("Type my own…", OWN_QUESTION)],
                        prompt="Pick a question",
                        id="setup-question",
                    )
                with Horizontal(classes="setup-row", id="setup-own-row"):
                    yield Label("Your question")
                    yield Input(placeholder="Shown on screen during the check-in", id="setup-own")
            yield Checkbox(
                "Reduced motion (breathing as words, no moving shape)",
                reduced_motion(self.services),
                id="setup-motion",
            )
            with Horizontal(id="setup-buttons"):
                yield Button("Start", variant="primary", id="setup-start")
                yield Button("Back", id="setup-back")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Practice · {self.practice.title}"
        self.show_rows()
        # The first field: a length typed is applied (Enter in any field starts, with it).
        self.query_one("#setup-length", Input).focus()

    @on(Select.Changed)
    def show_rows(self) -> None:
        """The custom bell times and the typed question only show when chosen."""
        custom = self.query_one("#setup-bells", Select).value == "custom"
        self.query_one("#setup-custom-row").display = custom
        if self.practice.question:
            own = self.query_one("#setup-question", Select).value == OWN_QUESTION
            self.query_one("#setup-own-row").display = own

    @on(Button.Pressed, "#setup-start")
    @on(Input.Submitted)
    def action_start(self) -> None:
        try:
            setup = self.read_setup()
            question = self.read_question()
            plan = make_plan(self.practice, setup)
        except ValueError as error:
            self.notify(str(error), title="Cannot start yet", severity="warning", timeout=8)
            return
        reduced = self.query_one("#setup-motion", Checkbox).value
        self.store_call(
            lambda: self.services.settings.set(preset_key(self.practice.id), setup.to_doc())
        )
        if reduced != reduced_motion(self.services):
            self.store_call(lambda: self.services.settings.set(REDUCED_MOTION, reduced))
        self.app.switch_screen(
            PracticeScreen(
                self.services, self.practice, plan, question=question, presenting=self.presenting
            )
        )

    def read_setup(self) -> Setup:
        length = self.query_one("#setup-length", Input).value.strip()
        arrive = self.query_one("#setup-arrive", Input).value.strip()
        bells = str(self.query_one("#setup-bells", Select).value)
        custom: tuple[float, ...] = ()
        if bells == "custom":
            custom = parse_bells(self.query_one("#setup-custom", Input).value)
        arrive_seconds = parse_seconds(arrive) if arrive else 0.0
        if arrive_seconds > MAX_ARRIVE:
            raise ValueError(f"the arrive countdown can be at most {MAX_ARRIVE:g} seconds")
        return Setup(
            total=parse_seconds(length, bare="m") if length else None,
            arrive=arrive_seconds,
            bells=bells,
            custom_bells=custom,
        )

    def read_question(self) -> str:
        if not self.practice.question:
            return ""
        chosen = self.query_one("#setup-question", Select).value
        if chosen == OWN_QUESTION:
            typed = self.query_one("#setup-own", Input).value.strip()
            if not typed:
                raise ValueError("type your guiding question, or pick one from the list")
            return typed
        if not isinstance(chosen, str):
            raise ValueError("pick a guiding question, or choose to type your own")
        return chosen

    @on(Button.Pressed, "#setup-back")
    def action_back(self) -> None:
        self.dismiss()

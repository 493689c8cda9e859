"""The practice screen: one practice running full screen, calm and readable from the back of a room.

It draws what the timeline (domain/practice.py) says at each tick; it never counts ticks itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Header, Input, Label, ProgressBar, Static

from csa_companion.content.model import Practice
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.practice import (
    ARRIVE,
    DONE,
    WAITING,
    LogEntry,
    Moment,
    Plan,
    Run,
    format_seconds,
)
from csa_companion.screens.base import CompanionScreen, KeepsTyped
from csa_companion.screens.dialogs import Choice
from csa_companion.services import Services
from csa_companion.widgets.big_text import BigText
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape
from csa_companion.widgets.pacer import BreathPacer

TICK = 0.1
"""Seconds between redraws; the time shown comes from the clock, so a late tick costs nothing."""
CONFIRM_END_ABOVE = 10.0
"""Ending with more than this many seconds left asks first."""
FLASH_SECONDS = 0.4
STRIKE_GAP = 0.6
REDUCED_MOTION = "reduced_motion"
"""Settings key: show the pacer as words only."""
PACER_STEPS = 24
"""Sizes the pacer can take: finer than its rows can show, so it still moves smoothly."""
MIN_LOG_SECONDS = 10.0
"""A run shorter than this (a mistaken start) is not logged."""


def reduced_motion(services: Services) -> bool:
    return services.settings.get(REDUCED_MOTION, False) is True


JOURNAL_PHASE = "journal"  # the phase whose cue gets the question set's journaling prompts
JOURNAL_PROMPTS = 2  # as many as fit under the cue on an 80x24 shared screen


class PracticeScreen(CompanionScreen):
    """Runs one plan of a practice. `presenting` leaves out the header and, at the end, the
    personal note (a shared screen never asks for one)."""

    KEEPS_AWAKE = True
    """Nobody touches a running practice: the idle lock of an encrypted app waits for it."""

    DEFAULT_CSS = """
    PracticeScreen { align: center top; }
    #practice-body { height: 1fr; }
    #practice-main { width: 1fr; height: 1fr; align: center middle; }
    #practice-status { width: 100%; text-align: center; color: $text-muted; }
    #practice-question {
        width: 100%; text-align: center; text-style: bold; color: $accent; padding: 0 2;
    }
    #practice-left { width: 100%; height: 33%; min-height: 4; margin: 1 0 0 0; }
    #practice-cue {
        width: 100%; max-width: 70; height: auto; padding: 1 2; text-align: center;
        text-style: bold;
    }
    #practice-phases { width: 24; max-width: 30%; height: auto; padding: 1 1; color: $text-muted; }
    #practice-progress { width: 100%; padding: 0 2; height: 1; }
    #practice-progress Bar { width: 1fr; }
    #practice-big { height: 1fr; padding: 0 2; color: $accent; }
    PracticeScreen.-alone #practice-status, PracticeScreen.-alone #practice-left,
    PracticeScreen.-alone #practice-cue, PracticeScreen.-alone BreathPacer,
    PracticeScreen.-alone #practice-phases, PracticeScreen.-alone #practice-progress {
        display: none;
    }
    BreathPacer { color: $accent; }
    PracticeScreen.flash #practice-cue { background: $accent 40%; }
    PracticeScreen.flash #practice-left { color: $accent; }
    """

    HELP_TEXT = (
        "The practice runs by itself: the cue changes with each phase. Space pauses and resumes, "
        "n or right goes to the next phase (and continues a phase waiting for you), p or left "
        "goes back, r starts again. Presenting, q shows the question (or, without one, the "
        "phase's words) alone, as large as fits; q again brings the rest back. Escape ends the "
        "practice (it asks first when time is left)."
    )
    BINDINGS: ClassVar = [
        Binding("space", "pause", "Pause/resume", id="practice.toggle"),
        Binding("n,right", "next", "Next", id="practice.next"),
        Binding("p,left", "previous", "Previous", id="practice.previous"),
        Binding("r", "restart", "Restart", id="practice.restart"),
        Binding("q", "alone", "Question alone", id="practice.alone"),
        Binding("m", "motion", "Reduced motion", id="practice.motion", show=False),
        Binding("escape", "end", "End", id="practice.end"),
    ]

    def __init__(
        self,
        services: Services,
        practice: Practice,
        plan: Plan,
        *,
        question: str = "",
        presenting: bool = False,
    ) -> None:
        super().__init__(services)
        self.practice = practice
        self.plan = plan
        self.question = question
        self.journal_prompts = services.library.journal_prompts(question)[:JOURNAL_PROMPTS]
        """A starting point or two for the silent writing, from the question's set."""
        self.presenting = presenting
        self.clock = services.clock
        self.run = Run(plan, self.clock.monotonic())
        self.started = self.clock.now()
        self.moment: Moment | None = None
        self.finished = False
        self.logged = False
        self.alone = False
        self._shown: dict[str, object] = {}
        if presenting:
            # The shared screen's footer has room at 80x24 for q (the question alone) and Escape
            # only without r; r still restarts, and the help says so.
            bindings = self._bindings.key_to_bindings
            bindings["r"] = [replace(b, show=False) for b in bindings.get("r", [])]

    def compose(self) -> ComposeResult:
        if not self.presenting:
            yield Header()
        with Horizontal(id="practice-body"):
            with Vertical(id="practice-main"):
                yield Label("", id="practice-status")
                if self.presenting:
                    # The shared screen's question in large type, as a session's views draw it.
                    yield BigText(self.question, most=4, id="practice-big")
                elif self.question:
                    yield Label(escape(self.question), id="practice-question")
                yield BigText("", wrap=False, id="practice-left")
                yield Static("", id="practice-cue")
                pacer = BreathPacer()
                pacer.reduced = reduced_motion(self.services)
                pacer.display = False
                yield pacer
            yield Static("", id="practice-phases")
        yield ProgressBar(total=100, show_eta=False, show_percentage=False, id="practice-progress")
        # On a shared screen, f1 Help whole at 80x24 leaves no room for the palette's key (help
        # lists ctrl+p).
        yield Footer(show_command_palette=not self.presenting)

    def on_mount(self) -> None:
        self.sub_title = self.practice.title
        self.tick()
        self.set_interval(TICK, self.tick)

    # -- drawing -----------------------------------------------------------------------------

    def tick(self) -> None:
        moment = self.run.moment(self.clock.monotonic())
        previous, self.moment = self.moment, moment
        for bell in moment.bells:
            self.ring(bell.strikes)
        if moment == previous:
            return
        self.draw(moment)
        if moment.stage == DONE and not self.finished:
            self.finished = True
            self.on_finished()

    def draw(self, moment: Moment) -> None:
        plan = self.plan
        planned = plan.phases[moment.index]
        count = len(plan.phases)
        if moment.stage == ARRIVE:
            status, cue = "Starting in", self.practice.opening or "Arrive. We begin shortly."
        elif moment.stage == DONE:
            status, cue = "Finished · Escape to close", self.practice.closing or "Thank you."
        elif moment.stage == WAITING:
            status = "Waiting for the facilitator · n to continue"
            cue = planned.phase.cue
        else:
            status = f"{planned.phase.title} · phase {moment.index + 1} of {count}"
            cue = planned.phase.cue
            if planned.phase.id == JOURNAL_PHASE and self.journal_prompts:
                starts = "\n".join(f"• {prompt}" for prompt in self.journal_prompts)
                cue = f"{cue}\n\nTo start from, if you like:\n{starts}"
        if moment.paused and moment.stage != DONE:
            status = f"Paused · space to resume · {status}"
        # Each widget is updated only when what it shows changes: an update re-lays the screen
        # out, and ten a second of those would keep a core busy during a quiet practice.
        if self._changed("status", status):
            self.query_one("#practice-status", Label).update(escape(status))
        left = format_seconds(moment.left)
        if self._changed("left", left):
            self.query_one("#practice-left", BigText).text = left
        if self._changed("phase", (moment.stage, moment.index)):
            self.query_one("#practice-cue", Static).update(escape(cue))
            self.draw_phases(moment)
        if self.presenting:
            self.draw_big(cue)
        pacer = self.query_one(BreathPacer)
        pacer.display = moment.pacer is not None
        if moment.pacer is not None:
            pacer.size_now = round(moment.pacer.size * PACER_STEPS) / PACER_STEPS
            pacer.label = moment.pacer.label
        progress = round(moment.progress * 1000) / 10
        if self._changed("progress", progress):
            self.query_one("#practice-progress", ProgressBar).update(progress=progress)

    def draw_big(self, cue: str) -> None:
        """The question in large type (4 cells a pixel at most, 12 alone); alone without a
        question, the phase's words take its place."""
        text = self.question or (cue if self.alone else "")
        most = 12 if self.alone else 4
        if not self._changed("big", (text, most)):
            return
        big = self.query_one("#practice-big", BigText)
        big.display = bool(text)
        big.most = most
        big.text = text
        big.refresh()

    def _changed(self, key: str, value: object) -> bool:
        """True (and remembered) when `value` differs from what `key` shows now."""
        if self._shown.get(key) == value:
            return False
        self._shown[key] = value
        return True

    def draw_phases(self, moment: Moment) -> None:
        lines = []
        for index, planned in enumerate(self.plan.phases):
            current = index == moment.index and moment.stage not in (ARRIVE, DONE)
            mark = (
                "▶" if current else ("✓" if index < moment.index or moment.stage == DONE else " ")
            )
            title = escape(planned.phase.title)
            lines.append(f"[b]{mark} {title}[/b]" if current else f"{mark} {title}")
        self.query_one("#practice-phases", Static).update("\n".join(lines))

    def ring(self, strikes: int) -> None:
        """The terminal bell and a visual flash, once per strike."""
        for strike in range(strikes):
            self.set_timer(STRIKE_GAP * strike + 0.001, self._strike)

    def _strike(self) -> None:
        self.app.bell()
        self.add_class("flash")
        self.set_timer(FLASH_SECONDS, lambda: self.remove_class("flash"))

    # -- keys --------------------------------------------------------------------------------

    def _control(self, name: str) -> None:
        getattr(self.run, name)(self.clock.monotonic())
        if self.finished and self.run.moment(self.clock.monotonic()).stage != DONE:
            self.finished = False  # went back from the end: it can finish again
        self.tick()

    def action_pause(self) -> None:
        self._control("toggle")

    def action_next(self) -> None:
        self._control("next")

    def action_previous(self) -> None:
        self._control("previous")

    def action_restart(self) -> None:
        self._control("restart")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "alone":
            return self.presenting  # only a shared screen has a question to show alone
        return super().check_action(action, parameters)

    def action_alone(self) -> None:
        self.alone = not self.alone
        self.set_class(self.alone, "-alone")
        self.draw(self.run.moment(self.clock.monotonic()))

    def action_motion(self) -> None:
        reduced = not reduced_motion(self.services)
        if self.store_call(lambda: self.services.settings.set(REDUCED_MOTION, reduced)):
            self.query_one(BreathPacer).reduced = reduced
            self.notify("Reduced motion on." if reduced else "Reduced motion off.")

    def remaining(self) -> float:
        moment = self.run.moment(self.clock.monotonic())
        if moment.stage == ARRIVE:
            return moment.left + self.plan.total
        return self.plan.total - moment.elapsed

    def action_end(self) -> None:
        left = self.remaining()
        if self.finished or left <= CONFIRM_END_ABOVE:
            self.close()
            return

        def answered(choice: str | None) -> None:
            if choice == "end":
                self.close()

        self.app.push_screen(
            Choice(
                f"End the practice? {format_seconds(left)} is left.",
                [("end", "End it"), ("continue", "Keep going")],
                cancel_id="continue",
            ),
            answered,
        )

    # -- the end -----------------------------------------------------------------------------

    def log_run(self) -> None:
        """Record the run in the practice log (once), with the minutes actually practiced."""
        practiced = self.run.practiced(self.clock.monotonic())
        if self.logged or self.presenting or practiced < MIN_LOG_SECONDS:
            return
        self.logged = True
        entry = LogEntry(
            self.practice.id, self.practice.title, self.started, round(practiced / 60, 1)
        )
        self.store_call(lambda: self.services.practice_log.add(entry))

    def on_finished(self) -> None:
        self.log_run()
        if self.presenting:
            return
        self.app.push_screen(NoticeDialog(self.practice.title, self.keep_note), self.save_note)

    def save_note(self, text: str | None) -> None:
        if text and self.keep_note(text):
            self.notify("Saved to your journal.")

    def keep_note(self, text: str) -> bool:
        """Save what was noticed to the journal; False if it could not be saved."""
        entry = JournalEntry.new(
            text,
            self.clock.now(),
            title=f"What I noticed: {self.practice.title}",
            tags=(self.practice.id, "practice"),
        )
        return self.store_call(lambda: self.services.journal.add(entry))

    def close(self) -> None:
        self.log_run()
        self.dismiss()


class NoticeDialog(KeepsTyped, ModalScreen[str | None]):
    """After a practice: one line for "What did you notice?"; Escape or an empty line skips.
    When the app quits with it open (ctrl+q, also from the lock screen), the line typed is
    saved with `keep`."""

    BINDINGS = [Binding("escape", "skip", "Skip", id="notice.skip")]
    DEFAULT_CSS = """
    NoticeDialog { align: center middle; }
    NoticeDialog > Vertical {
        width: 72; max-width: 95%; height: auto; padding: 1 2;
        border: thick $accent; background: $panel;
    }
    NoticeDialog Label { width: 100%; margin-bottom: 1; }
    NoticeDialog #notice-hint { color: $text-muted; margin: 1 0 0 0; }
    """

    def __init__(self, title: str, keep: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self.practice_title = title
        self.keep = keep
        self._kept = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("What did you notice?")
            yield Input(placeholder="One line, just for you", id="notice-input")
            yield Label(
                "Enter saves it to your journal; Escape skips.",
                id="notice-hint",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self.dismiss(None if text == self._kept else text)  # a line kept is saved already

    def keep_typed(self) -> bool:
        """Save the line typed (the app is quitting); False if it could not be saved."""
        if self.keep is None or not self.is_mounted:
            return True
        text = self.query_one("#notice-input", Input).value.strip()
        if not text or text == self._kept:
            return True
        if not self.keep(text):
            return False
        self._kept = text
        return True

    def action_skip(self) -> None:
        self.dismiss(None)

"""A learning session on screen: the facilitator's presenter view, and the audience view that
follows it from another terminal or a browser.

Both draw what the schedule (domain/session.py) says at each tick. The presenter owns the run:
every change is written at once to the run's state file (atomically), which the audience views
poll; they compute the time left from the same state and their own monotonic clock, so they
agree with the presenter to the tick. The audience view shows what the group should see and
nothing else: no notes, no plan, no next block.
"""

from __future__ import annotations

import contextlib
import math
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import ContentSwitcher, Label, Static

from csa_companion.content.model import LearnPage, Practice, Tool
from csa_companion.domain.practice import pacer
from csa_companion.domain.session import (
    END,
    ROUND_END,
    TURN,
    TWO_MINUTES,
    Moment,
    PlannedBlock,
    Schedule,
    SessionRun,
    StateError,
    format_left,
    resolve,
)
from csa_companion.domain.session_text import MadeWorksheet, kind_words, notes, record
from csa_companion.domain.wording import raised
from csa_companion.domain.worksheet import Worksheet
from csa_companion.screens import routes
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.dialogs import Ask, Choice, Pick
from csa_companion.services import PresentTarget, Services
from csa_companion.storage.session_runs import (
    read_run,
    records_folder,
    save_run,
    stamp,
)
from csa_companion.widgets.big_text import BigText
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markdown_view import MarkdownView
from csa_companion.widgets.markup import escape
from csa_companion.widgets.pacer import BreathPacer

TICK = 0.1
"""Seconds between redraws and between the audience's looks at the state file."""
FLASH_SECONDS = 0.4
STRIKE_GAP = 0.6
STRIKES = {END: 2, TWO_MINUTES: 1, ROUND_END: 2, TURN: 1}
"""Cues that ring, and how many strikes (the 20% and 5% marks only show)."""
HOLD_EPSILON = 1e-6
MARK_WORDS = {
    "": "",
    "20%": "▲ 20% of the block left",
    "5%": "▲▲ 5% left: time to close",
    "over": "■ Time is up",
}


def mark_text(moment: Moment) -> str:
    words = MARK_WORDS[moment.mark]
    if moment.mark == "over" and moment.left < 0:
        words += f" · over by {format_left(-moment.left)}"
    return words


class SessionStage(Vertical):
    """What the group sees: the block's title, its question, prompt, practice or page, the time
    left in large digits, the 20%/5% mark and the talking piece. Shared by both views."""

    DEFAULT_CSS = """
    SessionStage { width: 2fr; height: 1fr; }
    #stage-status { width: 100%; color: $text-muted; }
    #stage-title { width: 100%; text-style: bold; text-align: center; padding: 0 1; }
    #stage-shows { height: 1fr; }
    #shows-big { height: 1fr; padding: 0 1; }
    #shows-page { height: 1fr; padding: 0 1; }
    #shows-practice { height: 1fr; align: center middle; }
    #practice-cue { width: 100%; text-align: center; text-style: bold; padding: 0 2; }
    #practice-phase { width: 100%; text-align: center; color: $text-muted; }
    #stage-left { height: 33%; min-height: 4; }
    #stage-mark { width: 100%; text-align: center; text-style: bold; }
    #stage-turn { width: 100%; text-align: center; }
    SessionStage.-alone #stage-status, SessionStage.-alone #stage-title,
    SessionStage.-alone #stage-left, SessionStage.-alone #stage-mark,
    SessionStage.-alone #stage-turn { display: none; }
    SessionStage.-flash #stage-left { background: $accent 30%; }
    BreathPacer { color: $accent; }
    """

    def __init__(self, services: Services, schedule: Schedule) -> None:
        super().__init__()
        self.services = services
        self.schedule = schedule
        self._shown: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Label("", id="stage-status")
        yield Label("", id="stage-title")
        with ContentSwitcher(initial="shows-big", id="stage-shows"):
            yield BigText("", most=4, id="shows-big")
            with VerticalScroll(id="shows-page"):
                yield MarkdownView("", id="page-text")
            with Vertical(id="shows-practice"):
                yield Label("", id="practice-phase")
                yield Static("", id="practice-cue")
                pacer_widget = BreathPacer()
                pacer_widget.display = False
                yield pacer_widget
        yield BigText("", wrap=False, id="stage-left")
        yield Label("", id="stage-mark")
        yield Label("", id="stage-turn")

    def _changed(self, key: str, value: object) -> bool:
        if self._shown.get(key) == value:
            return False
        self._shown[key] = value
        return True

    def draw(self, moment: Moment, status: str, alone: bool) -> None:
        block = moment.block
        self.set_class(alone, "-alone")
        if self._changed("status", status):
            self.query_one("#stage-status", Label).update(escape(status))
        if self._changed("title", (moment.index, block.title)):
            self.query_one("#stage-title", Label).update(escape(block.title))
        left = format_left(moment.left)
        if self._changed("left", left):
            self.query_one("#stage-left", BigText).text = left
        mark = mark_text(moment)
        if self._changed("mark", mark):
            self.query_one("#stage-mark", Label).update(mark)
        turn = moment.turn
        turn_text = ""
        if turn is not None:
            turn_text = (
                "Talking piece: the round is complete"
                if turn.done
                else f"Talking piece: speaker {turn.speaker} of {turn.speakers} · "
                f"{format_left(turn.left)} left in this turn"
            )
        if self._changed("turn", turn_text):
            self.query_one("#stage-turn", Label).update(turn_text)
        self.draw_shows(moment, alone)

    def draw_shows(self, moment: Moment, alone: bool) -> None:
        block = moment.block
        library = self.services.library
        switcher = self.query_one(ContentSwitcher)
        practice = moment.planned.practice
        if practice is not None and not alone:
            switcher.current = "shows-practice"
            self.draw_practice(moment, practice)
            return
        page = library.get(block.learn or block.tool) if block.kind == "content" else None
        if isinstance(page, LearnPage | Tool) and not alone:
            switcher.current = "shows-page"
            if self._changed("page", page.id):
                self.query_one("#page-text", MarkdownView).show(page.body)
            return
        switcher.current = "shows-big"
        kind = kind_words(block, library)
        text = block.shows or raised(kind)
        big = self.query_one("#shows-big", BigText)
        if big.text != text:
            big.text = text
        big.most = 12 if alone else 4

    def draw_practice(self, moment: Moment, practice: Practice) -> None:
        plan = moment.practice
        position = moment.position
        pacer_widget = self.query_one(BreathPacer)
        index = moment.hold
        if index is None and plan is not None and position < plan.total:
            index = next(
                n
                for n, p in enumerate(plan.phases)
                if position < p.end or n == len(plan.phases) - 1
            )
        if plan is None or index is None:
            phase_text, cue, breath = practice.title, practice.closing or practice.title, None
        else:
            planned = plan.phases[index]
            phase_text = (
                f"{practice.title} · {planned.phase.title} ({index + 1} of {len(plan.phases)})"
            )
            if moment.holding:
                phase_text = f"Waiting for the facilitator\n{phase_text}"
            cue = planned.phase.cue
            rhythm = planned.phase.rhythm
            breath = (
                pacer(rhythm, position - planned.start) if rhythm and not moment.holding else None
            )
        if self._changed("phase", phase_text):
            self.query_one("#practice-phase", Label).update(escape(phase_text))
        if self._changed("cue", cue):
            self.query_one("#practice-cue", Static).update(escape(cue))
        pacer_widget.display = breath is not None
        if breath is not None:
            pacer_widget.size_now = round(breath.size * 24) / 24
            pacer_widget.label = breath.label


class SessionScreenBase(CompanionScreen):
    """What both views share: the tick, the bells and flashes."""

    KEEPS_AWAKE = True

    def __init__(self, services: Services, schedule: Schedule, state_path: Path) -> None:
        super().__init__(services)
        self.schedule = schedule
        self.state_path = state_path
        self.clock = services.clock
        self.run: SessionRun | None = None
        self._last_position: tuple[int, float] | None = None

    @property
    def stage(self) -> SessionStage:
        return self.query_one(SessionStage)

    def now(self) -> float:
        return self.clock.monotonic()

    def ring(self, strikes: int) -> None:
        for strike in range(strikes):
            self.set_timer(STRIKE_GAP * strike + 0.001, self._strike)

    def _strike(self) -> None:
        self.app.bell()
        self.stage.add_class("-flash")
        self.set_timer(FLASH_SECONDS, lambda: self.stage.remove_class("-flash"))

    def ring_cues(self, run: SessionRun, moment: Moment) -> None:
        """Ring the run's cues and the practice's own bells that fell due since the last tick
        (held at a wait phase's end, a bell there waits for the facilitator)."""
        strikes = sum(STRIKES.get(cue, 0) for cue in run.cues(self.now()))
        upto = moment.position - (HOLD_EPSILON if moment.holding else 0.0)
        before = self._last_position
        if before is not None and before[0] == moment.index and moment.practice is not None:
            strikes += sum(b.strikes for b in moment.practice.bells if before[1] < b.at <= upto)
        self._last_position = (moment.index, upto)
        if strikes:
            self.ring(min(strikes, 3))


class PresenterScreen(SessionScreenBase):
    """The facilitator's view: the stage, the plan with planned starts and where the session
    stands, the notes and the next block. Keys move the run; each change is saved at once."""

    DEFAULT_CSS = """
    #presenter-body { height: 1fr; }
    #presenter-side { width: 1fr; max-width: 64; height: 1fr; padding: 0 1; }
    #presenter-plan { height: auto; max-height: 50%; }
    #presenter-next { width: 100%; margin: 1 0 0 0; text-style: bold; }
    #presenter-notes { height: 1fr; margin: 1 0 0 0; }
    PresenterScreen.-notes-hidden #presenter-notes { display: none; }
    PresenterScreen.-alone #presenter-side { display: none; }
    """
    HELP_TEXT = (
        "The presenter view runs the session block by block. n or right moves on, p or left goes "
        "back (a block goes on where it stood), space pauses and resumes, + and - add or take a "
        "minute on the current block, g goes to a block, a switches between manual and "
        "automatic (the next block starts by itself), q shows the question alone, h hides the "
        "notes, t starts a talking-piece round and s passes to the next speaker, w walks the "
        "block's tool as a group worksheet, Escape ends the session (it asks) and saves the "
        "record. Every change reaches the audience views within a second."
    )
    # The footer shows the keys used most, and f1 Help whole at 80x24 (no palette key: help
    # lists ctrl+p); help lists the others.
    BINDINGS: ClassVar = [
        Binding("n,right", "next", "Next", id="session.next"),
        Binding("p,left", "previous", "Previous", id="session.previous"),
        Binding("space", "pause", "Pause", id="session.pause"),
        Binding("plus,equals_sign", "add(60)", "+1 min", id="session.add"),
        Binding("minus", "add(-60)", "-1 min", id="session.take", show=False),
        Binding("g", "goto", "Go to", id="session.goto", show=False),
        Binding("q", "alone", "Question alone", id="session.alone"),
        Binding("h", "notes", "Notes", id="session.notes", show=False),
        Binding("a", "auto", "Auto/manual", id="session.auto", show=False),
        Binding("t", "round", "Talking piece", id="session.round", show=False),
        Binding("s", "speaker", "Next speaker", id="session.speaker", show=False),
        Binding("w", "worksheet", "Group worksheet", id="session.worksheet", show=False),
        Binding("escape", "end", "End", id="session.end"),
    ]

    def __init__(
        self,
        services: Services,
        schedule: Schedule,
        state_path: Path,
        *,
        start: datetime | None = None,
        resume: dict[str, Any] | None = None,
        auto: bool = False,
    ) -> None:
        super().__init__(services, schedule, state_path)
        self.start = start
        self.resume_doc = resume
        self.auto = auto
        self.made: list[MadeWorksheet] = []
        self.saved_seq = -1
        self.record_path: Path | None = None
        self._side: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="presenter-body"):
            yield SessionStage(self.services, self.schedule)
            with Vertical(id="presenter-side"):
                yield Static("", id="presenter-plan")
                yield Label("", id="presenter-next")
                with VerticalScroll(id="presenter-notes"):
                    yield Static("", id="notes-text")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = self.schedule.title
        if self.resume_doc is not None:
            self.offer_resume(self.resume_doc)
        else:
            self.begin(None)
        self.set_interval(TICK, self.tick)

    def offer_resume(self, doc: dict[str, Any]) -> None:
        try:
            run = SessionRun.from_doc(self.schedule, doc, self.now(), self.clock.now().timestamp())
        except StateError:
            self.begin(None)
            return
        moment = run.moment(self.now())

        def answered(choice: str | None) -> None:
            self.begin(run if choice == "resume" else None)

        self.app.push_screen(
            Choice(
                f"A run of {self.schedule.title} was not ended: block {moment.index + 1} of "
                f"{len(self.schedule.blocks)}, {moment.block.title}, "
                f"{format_left(moment.left)} left. Resume it?",
                [("resume", "Resume"), ("new", "Start again")],
                cancel_id="resume",
            ),
            answered,
        )

    def begin(self, run: SessionRun | None) -> None:
        if run is None:
            run = SessionRun(self.schedule, self.now(), started=self.clock.now(), auto=self.auto)
        self.run = run
        self.save()
        self.call_after_refresh(self.tick)

    # -- drawing -----------------------------------------------------------------------------

    def tick(self) -> None:
        # A widget not mounted yet (a busy machine): the next tick draws.
        with contextlib.suppress(NoMatches):
            self._tick()

    def _tick(self) -> None:
        run = self.run
        if run is None:
            return
        moment = run.moment(self.now())
        self.ring_cues(run, moment)
        if run.seq != self.saved_seq:
            self.save()
        status = (
            f"Block {moment.index + 1} of {len(self.schedule.blocks)} · "
            f"{kind_words(moment.block, self.services.library)} · {moment.stand} · "
            f"{'automatic' if moment.auto else 'manual'}"
            + (" · PAUSED (space resumes)" if moment.paused and not moment.ended else "")
            + (" · WAITING for you (n continues)" if moment.holding else "")
            + (" · ENDED" if moment.ended else "")
        )
        self.set_class(run.alone, "-alone")
        self.stage.draw(moment, status, run.alone)
        self.draw_side(moment)

    def planned_start(self, planned: PlannedBlock) -> str:
        start = self.start or (self.run.started if self.run else None)
        if start is None:
            return f"{planned.start / 60:>4.0f}m"
        from datetime import timedelta

        return f"{start + timedelta(seconds=planned.start):%H:%M}"

    def draw_side(self, moment: Moment) -> None:
        run = self.run
        assert run is not None
        visited = {v.index for v in run.visits}
        lines = []
        for index, planned in enumerate(self.schedule.blocks):
            mark = "▶" if index == moment.index else ("✓" if index in visited else " ")
            text = (
                f"{mark} {self.planned_start(planned)} {escape(planned.block.title)} "
                f"({planned.block.minutes:g}m)"
            )
            lines.append(f"[b]{text}[/b]" if index == moment.index else text)
        plan_text = "\n".join(lines)
        if self._changed_text("plan", plan_text):
            self.query_one("#presenter-plan", Static).update(plan_text)
        following = moment.index + 1
        if following < len(self.schedule.blocks):
            planned = self.schedule.blocks[following]
            expected = run.expected_start(self.now(), following)
            at = self.planned_start(planned)
            next_text = (
                f"Next: {planned.block.title} ({planned.block.minutes:g} min), planned {at}, "
                f"in {format_left(max(0.0, expected - moment.elapsed))}"
            )
        else:
            next_text = "Next: the end of the session"
        if self._changed_text("next", next_text):
            self.query_one("#presenter-next", Label).update(escape(next_text))
        found = notes(moment.block, self.services.library)
        notes_text = "\n\n".join(f"[b]{escape(k)}:[/b] {escape(v)}" for k, v in found) or (
            "No notes for this block."
        )
        if self._changed_text("notes", notes_text):
            self.query_one("#notes-text", Static).update(notes_text)

    def _changed_text(self, key: str, text: str) -> bool:
        if self._side.get(key) == text:
            return False
        self._side[key] = text
        return True

    # -- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the run's state at once (atomically), for the audience views and resume."""
        run = self.run
        if run is None:
            return
        doc = run.to_doc(self.now(), self.clock.now().timestamp())
        try:
            save_run(self.state_path, doc)
        except OSError as error:
            if self.saved_seq != -2:
                self.notify(
                    f"The audience views cannot follow: the run cannot be saved "
                    f"({error.strerror or error}).",
                    severity="error",
                )
            self.saved_seq = -2
            return
        self.saved_seq = run.seq

    # -- keys --------------------------------------------------------------------------------

    def _control(self, name: str, *args: Any) -> None:
        if self.run is None:
            return
        getattr(self.run, name)(self.now(), *args)
        self.tick()

    def action_next(self) -> None:
        self._control("next")

    def action_previous(self) -> None:
        self._control("previous")

    def action_pause(self) -> None:
        self._control("toggle")

    def action_add(self, seconds: int) -> None:
        self._control("add", float(seconds))

    def action_auto(self) -> None:
        if self.run is not None:
            self._control("set_auto", not self.run.auto)
            self.notify(
                "Automatic: each block starts when the one before ends."
                if self.run.auto
                else "Manual: you move on."
            )

    def action_alone(self) -> None:
        if self.run is not None:
            self.run.set_alone(not self.run.alone)
            self.tick()

    def action_notes(self) -> None:
        self.toggle_class("-notes-hidden")

    def action_goto(self) -> None:
        if self.run is None:
            return
        options = [
            (str(n), f"{self.planned_start(p)}  {p.block.title}")
            for n, p in enumerate(self.schedule.blocks)
        ]

        def chosen(answer: str | None) -> None:
            if answer is not None:
                self._control("goto", int(answer))

        self.app.push_screen(Pick("Go to which block?", options, self.run.index), chosen)

    def action_round(self) -> None:
        run = self.run
        if run is None:
            return
        block = run.schedule.blocks[run.index].block
        speakers = block.speakers or 6
        minutes = block.turn_minutes or 2

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                count_text, _, minutes_text = text.replace("×", "x").partition("x")
                count, turn = int(count_text), float(minutes_text or minutes)
                if count < 1 or count > 50 or not 0 < turn <= 30 or not math.isfinite(turn):
                    raise ValueError
            except ValueError:
                self.notify("Type speakers x minutes, for example 6 x 2.", severity="warning")
                return
            self._control("start_round", count, turn * 60)

        self.app.push_screen(
            Ask(
                "A talking-piece round: how many speakers, and minutes each?",
                f"{speakers} x {minutes:g}",
                "Speakers x minutes (6 x 2). s passes to the next speaker; a soft bell marks "
                "each turn.",
            ),
            answered,
        )

    def action_speaker(self) -> None:
        self._control("next_speaker")

    def action_worksheet(self) -> None:
        run = self.run
        if run is None:
            return
        block = run.schedule.blocks[run.index].block
        tool = self.services.library.get(block.tool) if block.tool else None
        if not isinstance(tool, Tool):
            self.notify("This block has no tool to walk as a group worksheet.", severity="warning")
            return
        now = self.clock.now()
        title = f"{self.schedule.title}, {now:%d %b %Y}: {tool.title}"
        sheet = Worksheet.new(tool, title, now, group=True)
        self.made.append(MadeWorksheet(title, tool.id, block.title, sheet.uid))
        self.app.push_screen(routes.make("walkthrough", self.services, tool, sheet))

    def action_end(self) -> None:
        run = self.run
        if run is None or run.ended:
            self.dismiss()
            return

        def answered(choice: str | None) -> None:
            if choice == "end":
                self.finish()

        self.app.push_screen(
            Choice(
                f"End {self.schedule.title}? The record of the run is saved for the team.",
                [("end", "End the session"), ("continue", "Keep going")],
                cancel_id="continue",
            ),
            answered,
        )

    def finish(self) -> None:
        run = self.run
        assert run is not None
        run.end(self.now())
        self.save()
        # Only the worksheets kept: one left empty leaves nothing behind.
        kept = [m for m in self.made if self.services.worksheets.get(m.uid) is not None]
        text = record(run, self.now(), self.services.library, kept)
        started = run.started or self.clock.now()
        folder = records_folder_for(self.state_path)
        path = folder / f"{started:%Y-%m-%d-%H%M}-{self.schedule.plan_id}.md"
        try:
            from csa_companion.storage.private_files import write_private

            write_private(path, text)
        except OSError as error:
            self.notify(
                f"The record could not be saved ({error.strerror or error}).", severity="error"
            )
        else:
            self.record_path = path
            self.notify(f"The session's record is saved in {path}", timeout=10)
        self.tick()
        self.app.push_screen(
            Choice(
                f"{self.schedule.title} has ended."
                + (f" Its record is in {self.record_path}." if self.record_path else ""),
                [("close", "Close")],
                cancel_id="close",
            ),
            lambda _: self.dismiss(),
        )


def records_folder_for(state_path: Path) -> Path:
    """`exports/sessions/` in the data folder that holds `sessions/<plan>.run.json`."""
    from csa_companion.paths import DataPaths

    return records_folder(DataPaths(state_path.parent.parent))


class AudienceScreen(SessionScreenBase):
    """The group's view: follows the presenter's run through its state file (read every tick,
    re-read only when it changed), never showing notes, the plan or anything personal."""

    DEFAULT_CSS = """
    AudienceScreen SessionStage { width: 100%; }
    """
    HELP_TEXT = (
        "The audience view follows the facilitator's presenter view: it changes when they move "
        "on, pause or add time. q shows the question alone here; Escape closes this view."
    )
    BINDINGS: ClassVar = [
        Binding("q", "alone", "Question alone", id="audience.alone"),
        Binding("escape", "close", "Close", id="audience.close"),
    ]

    def __init__(
        self, services: Services, schedule: Schedule, state_path: Path, plan_title: str = ""
    ) -> None:
        super().__init__(services, schedule, state_path)
        self.plan_title = plan_title or schedule.title
        self._stamp: tuple[int, int] | None = None
        self.local_alone = False
        self.waiting = True

    def compose(self) -> ComposeResult:
        yield SessionStage(self.services, self.schedule)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.plan_title
        self.tick()
        self.set_interval(TICK, self.tick)

    def load(self) -> None:
        """Re-read the state file when it was replaced."""
        current = stamp(self.state_path)
        if current == self._stamp:
            return
        self._stamp = current
        doc = read_run(self.state_path)
        if doc is None:
            self.run = None
            return
        schedule = self.schedule
        tools = doc.get("tools")
        if isinstance(tools, list) and tuple(tools) != schedule.tools:
            plan = self.services.library.get(schedule.plan_id)
            from csa_companion.content.model import SessionPlan

            if isinstance(plan, SessionPlan):
                schedule = resolve(plan, [str(t) for t in tools], library=self.services.library)
        try:
            run = SessionRun.from_doc(schedule, doc, self.now(), self.clock.now().timestamp())
        except StateError:
            self.run = None
            return
        if self.run is not None:
            run.carry_cues(self.run)
        if schedule is not self.schedule:
            self.schedule = schedule
            self.stage.schedule = schedule
        self.run = run

    def tick(self) -> None:
        # A widget not mounted yet (a busy machine): the next tick draws.
        with contextlib.suppress(NoMatches):
            self._tick()

    def _tick(self) -> None:
        self.load()
        run = self.run
        if run is None:
            waiting = f"{self.plan_title}: waiting for the facilitator to start"
            if self.stage._changed("title", waiting):  # redrawn only when it changes
                self.stage.query_one("#stage-title", Label).update(escape(waiting))
            return
        moment = run.moment(self.now())
        self.ring_cues(run, moment)
        status = "Paused" if moment.paused and not moment.ended else ""
        if moment.ended:
            status = "The session has ended. Thank you."
        alone = run.alone or self.local_alone
        self.stage.draw(moment, status, alone)

    def action_alone(self) -> None:
        self.local_alone = not self.local_alone
        self.tick()

    def action_close(self) -> None:
        self.dismiss()


def session_screen(services: Services, target: PresentTarget) -> SessionScreenBase:
    """The presenter view of a session (offering to resume a run not ended), or with
    `target.audience` the view that follows it."""
    from datetime import date

    from csa_companion.domain.program import parse_time
    from csa_companion.domain.session import find_plan, schedule_for
    from csa_companion.paths import DataPaths
    from csa_companion.storage.session_runs import read_calendar, run_path

    library = services.library
    plan = find_plan(library, target.item_id or "")
    assert plan is not None, "check_target found the plan"
    assert target.data_dir is not None, "make_app gives the data folder"
    paths = DataPaths(target.data_dir)
    state_path = run_path(paths, plan.id)
    if target.audience:
        # The tools come with the presenter's state; the calendar is not read here.
        schedule, _ = schedule_for(plan, library, None)
        return AudienceScreen(services, schedule, state_path)
    schedule, start = schedule_for(plan, library, read_calendar(paths))
    if target.start:
        start = datetime.combine(start.date() if start else date.today(), parse_time(target.start))
    doc = read_run(state_path)
    resume = doc if doc and not doc.get("ended") and doc.get("plan") == plan.id else None
    return PresenterScreen(
        services, schedule, state_path, start=start, resume=resume, auto=target.auto
    )

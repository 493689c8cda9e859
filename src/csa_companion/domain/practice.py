"""A practice run as a pure timeline: from monotonic readings to phase, time left, bells, pacer.

Nothing here reads a clock or counts ticks: every method takes `now` (monotonic seconds), so a
run ends on time however late the screen's timer fires, and tests drive it with plain numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from csa_companion.content.model import Phase, Practice, Rhythm

BELL_CHOICES = ("none", "single", "double", "custom")
MIN_TOTAL, MAX_TOTAL = 30.0, 3 * 3600.0
MAX_ARRIVE = 300.0
_EPSILON = 1e-9


@dataclass(frozen=True)
class Setup:
    """The choices made before starting, remembered per practice as the facilitator's preset."""

    total: float | None = None
    """Seconds for the whole practice (phases scale in proportion); None keeps its own length."""
    arrive: float = 0.0
    """A countdown before the first phase, 0-300 s."""
    bells: str = "single"
    """none; single (a strike at the start and the end); double (two at the end); custom."""
    custom_bells: tuple[float, ...] = ()
    """For "custom": seconds from the start of the practice."""

    def to_doc(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "arrive": self.arrive,
            "bells": self.bells,
            "custom_bells": list(self.custom_bells),
        }

    @classmethod
    def from_doc(cls, doc: object) -> Setup:
        """A saved preset; anything unreadable falls back to the default for that field."""
        if not isinstance(doc, dict):
            return cls()
        total = _number(doc.get("total"), MIN_TOTAL, MAX_TOTAL)
        bells = doc.get("bells")
        custom = doc.get("custom_bells")
        return cls(
            total=total,
            arrive=_number(doc.get("arrive"), 0, MAX_ARRIVE) or 0.0,
            bells=bells if isinstance(bells, str) and bells in BELL_CHOICES else "single",
            custom_bells=tuple(
                b for b in (_number(v, 0, MAX_TOTAL) for v in custom) if b is not None
            )
            if isinstance(custom, list)
            else (),
        )


def _number(value: object, least: float, most: float) -> float | None:
    """`value` as a float when it is a number within [least, most], else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and least <= value <= most:
        return float(value)
    return None


def parse_seconds(text: str, *, bare: str = "s") -> float:
    """'90s', '5m', '5:00' or '1:02:30' -> seconds; ValueError with a message otherwise.

    A bare number is in `bare` units: "s" (arrive countdown, bell times) or "m" (a length)."""
    text = text.strip().lower()
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min)?", text):
        value = float(match.group(1))
        if math.isfinite(value):  # hundreds of digits make an infinite float
            return value * 60 if (match.group(2) or bare) in ("m", "min") else value
    if re.fullmatch(r"\d{1,9}(:\d{1,2}){1,2}", text):  # more digits: no float holds them
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    raise ValueError(f"{text!r} is not a time: use seconds (90), minutes (5m) or m:ss (5:00)")


def parse_bells(text: str) -> tuple[float, ...]:
    """Custom bell times, comma separated ('0, 1:30, 5m'), sorted."""
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    if not parts:
        raise ValueError("give at least one bell time, for example 0, 2:30, 5:00")
    return tuple(sorted(parse_seconds(p) for p in parts))


def format_seconds(seconds: float) -> str:
    """Whole seconds, rounded up, as m:ss (or h:mm:ss)."""
    whole = max(0, math.ceil(seconds - _EPSILON))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Bell:
    """A bell at `at` seconds from the start of the practice, struck `strikes` times."""

    at: float
    strikes: int = 1


@dataclass(frozen=True)
class PlannedPhase:
    """A phase placed on the timeline, after scaling."""

    phase: Phase
    start: float
    seconds: float

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True)
class Plan:
    """A practice laid out for one run."""

    phases: tuple[PlannedPhase, ...]
    arrive: float
    bells: tuple[Bell, ...]

    @property
    def total(self) -> float:
        return self.phases[-1].end if self.phases else 0.0


def make_plan(practice: Practice, setup: Setup) -> Plan:
    """Scale the phases to the chosen total and place the bells; ValueError on a bad setup."""
    if not practice.phases:
        raise ValueError(f"{practice.title} has no phases")
    own = float(practice.total_seconds)
    total = own if setup.total is None else setup.total
    if not MIN_TOTAL <= total <= MAX_TOTAL:
        raise ValueError(
            f"the length must be between {format_seconds(MIN_TOTAL)} and "
            f"{format_seconds(MAX_TOTAL)}, not {format_seconds(total)}"
        )
    if not 0 <= setup.arrive <= MAX_ARRIVE:
        raise ValueError(f"the arrive countdown must be 0-{MAX_ARRIVE:g} s")
    factor = total / own
    phases, start = [], 0.0
    for phase in practice.phases:
        seconds = phase.seconds * factor
        phases.append(PlannedPhase(phase, start, seconds))
        start += seconds
    # The last phase ends exactly on the total, whatever the rounding of the sum.
    phases[-1] = replace(phases[-1], seconds=total - phases[-1].start)
    return Plan(tuple(phases), setup.arrive, _bells(phases, setup, total, factor))


def _bells(
    phases: list[PlannedPhase], setup: Setup, total: float, factor: float
) -> tuple[Bell, ...]:
    if setup.bells == "none":
        return ()
    if setup.bells == "custom":
        outside = [b for b in setup.custom_bells if not 0 <= b <= total]
        if outside:
            raise ValueError(
                f"a bell at {format_seconds(outside[0])} is outside the practice "
                f"(0:00 to {format_seconds(total)})"
            )
        return tuple(Bell(at) for at in sorted(set(setup.custom_bells)))
    inside = {p.start + at * factor for p in phases for at in p.phase.bells}
    end_strikes = 2 if setup.bells == "double" else 1
    bells = [Bell(0.0), *(Bell(at) for at in sorted(inside - {0.0})), Bell(total, end_strikes)]
    return tuple(bells)


@dataclass(frozen=True)
class Pacer:
    """The breathing pacer: `size` from 0 (empty lungs) to 1 (full), and what to do now."""

    size: float
    label: str


def pacer(rhythm: Rhythm, elapsed: float) -> Pacer:
    """Where in the breath a phase is, `elapsed` seconds in."""
    t = elapsed % rhythm.cycle
    if t < rhythm.inhale:
        return Pacer(t / rhythm.inhale, "in")
    t -= rhythm.inhale
    if t < rhythm.hold:
        return Pacer(1.0, "hold")
    t -= rhythm.hold
    if t < rhythm.exhale:
        return Pacer(1.0 - t / rhythm.exhale, "out")
    return Pacer(0.0, "rest")


ARRIVE, PHASE, WAITING, DONE = "arrive", "phase", "waiting", "done"


@dataclass(frozen=True)
class Moment:
    """What the screen shows at one instant."""

    stage: str
    """arrive (counting down to the start), phase, waiting (for the facilitator) or done."""
    index: int
    """The current phase (0 while arriving)."""
    left: float
    """Seconds left in the phase, or in the arrive countdown."""
    elapsed: float
    """Seconds into the practice (0 while arriving)."""
    progress: float
    """0 to 1 over the whole practice."""
    paused: bool
    pacer: Pacer | None
    bells: tuple[Bell, ...]
    """Bells that fell due since the previous moment (each is returned once)."""


class Run:
    """One run of a plan. `position` is seconds into the practice (negative while arriving);
    it moves with the monotonic clock while running and stands still while paused or held."""

    def __init__(self, plan: Plan, now: float) -> None:
        self.plan = plan
        self._practiced = 0.0
        self._restart(now, -plan.arrive)

    def _restart(self, now: float, position: float) -> None:
        self._offset = position
        self._anchor: float | None = now
        self._released: set[int] = set()
        self._holding: int | None = None
        self._rung = -math.inf
        self._mark = (now, position)

    def _account(self, now: float) -> float:
        """Add the time practiced since the last mark (running, past the arrive countdown and
        before the end; a hold for the facilitator counts, a pause or a skipped phase does
        not), mark `now`, and return the position at `now`."""
        since, was = self._mark
        position = self._position(now)
        if self._anchor is not None and was < self.plan.total:
            spent = max(0.0, now - since)
            arriving = min(spent, max(0.0, -was))
            spent -= arriving
            if position >= self.plan.total:  # it ended meanwhile: count up to the end only
                spent = min(spent, self.plan.total - max(was, 0.0))
            self._practiced += spent
        self._mark = (now, position)
        return position

    def _marked(self, now: float) -> None:
        """After a control moved or stopped the run: count on from here."""
        self._mark = (now, self._position(now))

    def practiced(self, now: float) -> float:
        """Seconds actually practiced so far: the minutes the practice log records (not the
        planned length when phases were skipped or the run ended early)."""
        self._account(now)
        return self._practiced

    @property
    def paused(self) -> bool:
        return self._anchor is None

    def _position(self, now: float) -> float:
        """Advance to `now`, stopping at the end of a wait phase not yet released."""
        if self._anchor is None:
            return self._offset
        position = self._offset + (now - self._anchor)
        for index, planned in enumerate(self.plan.phases):
            if planned.phase.wait and index not in self._released and position >= planned.end:
                self._offset, self._anchor = planned.end, now
                self._holding = index
                return planned.end
        if position >= self.plan.total:
            self._offset, self._anchor = self.plan.total, now
            return self.plan.total
        return position

    def moment(self, now: float) -> Moment:
        """The state at `now`; bells due since the last call are handed out once."""
        position = self._position(now)
        plan = self.plan
        # While held at the end of a wait phase, the next phase's first bell waits too.
        upto = position - _EPSILON if self._holding is not None else position
        due = tuple(b for b in plan.bells if self._rung < b.at <= upto)
        self._rung = max(self._rung, upto)
        progress = max(0.0, position) / plan.total
        if position < 0:
            return Moment(ARRIVE, 0, -position, 0.0, 0.0, self.paused, None, due)
        if position >= plan.total:
            last = len(plan.phases) - 1
            return Moment(DONE, last, 0.0, plan.total, 1.0, self.paused, None, due)
        if self._holding is not None:
            return Moment(WAITING, self._holding, 0.0, position, progress, self.paused, None, due)
        index = self.index_at(position)
        planned = plan.phases[index]
        rhythm = planned.phase.rhythm
        breath = pacer(rhythm, position - planned.start) if rhythm else None
        return Moment(
            PHASE, index, planned.end - position, position, progress, self.paused, breath, due
        )

    def index_at(self, position: float) -> int:
        for index, planned in enumerate(self.plan.phases):
            if position < planned.end:
                return index
        return len(self.plan.phases) - 1

    # -- controls ----------------------------------------------------------------------------

    def pause(self, now: float) -> None:
        self._offset = self._account(now)
        self._anchor = None
        self._marked(now)

    def resume(self, now: float) -> None:
        self._account(now)
        if self._anchor is None:
            self._anchor = now
        self._marked(now)

    def toggle(self, now: float) -> None:
        if self.paused:
            self.resume(now)
        else:
            self.pause(now)

    def _jump(self, now: float, position: float) -> None:
        """Move to `position`, keeping paused or running; waits ahead of it hold again."""
        self._account(now)
        self._offset = position
        if self._anchor is not None:
            self._anchor = now
        self._holding = None
        self._released = {
            i for i, p in enumerate(self.plan.phases) if p.phase.wait and p.end <= position
        }
        # A jump rings nothing where it lands; bells after it ring as they come.
        self._rung = position
        self._marked(now)

    def next(self, now: float) -> None:
        """Start the next phase (skips the arrive countdown; after the last phase, the end)."""
        position = self._position(now)
        if position < 0:
            self._jump(now, 0.0)
            return
        index = (self._holding if self._holding is not None else self.index_at(position)) + 1
        phases = self.plan.phases
        self._jump(now, phases[index].start if index < len(phases) else self.plan.total)

    def previous(self, now: float) -> None:
        """Back to the start of the previous phase (the first phase stays at its start)."""
        position = self._position(now)
        if position < 0:
            return
        index = self._holding if self._holding is not None else self.index_at(position)
        if position >= self.plan.total:
            index = len(self.plan.phases)
        self._jump(now, self.plan.phases[max(0, index - 1)].start)

    def restart(self, now: float) -> None:
        """From the first phase again, running, with its opening bell."""
        self._account(now)
        self._restart(now, 0.0)


@dataclass(frozen=True)
class LogEntry:
    """One finished (or ended) practice in the practice log."""

    practice_id: str
    title: str
    started: datetime
    minutes: float

    def to_doc(self) -> dict[str, Any]:
        return {
            "practice_id": self.practice_id,
            "title": self.title,
            "started": self.started.isoformat(),
            "minutes": self.minutes,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> LogEntry:
        return cls(
            practice_id=str(doc["practice_id"]),
            title=str(doc.get("title", doc["practice_id"])),
            started=datetime.fromisoformat(doc["started"]),
            minutes=float(doc.get("minutes", 0)),
        )

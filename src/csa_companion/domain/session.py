"""A learning session run as a pure schedule: from monotonic readings and the facilitator's moves
to the current block, the time left, the 20%/5% marks, the bells and where the session stands.

Nothing here reads a clock: every method takes `now` (monotonic seconds), so the presenter, the
audience views in other processes and the tests all compute the same answer from the same
readings. A run's state is a plain dict (`to_doc`) holding plan ids and times only, never
anything a participant wrote, so it can be saved as it changes (crash resume) and read by the
audience views.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from csa_companion.content.library import Library
from csa_companion.content.model import OCCASIONS, Block, Practice, SessionPlan
from csa_companion.domain.practice import Plan, Setup, make_plan
from csa_companion.domain.program import Event, Program

MINUTE = 60.0
STATE_VERSION = 1
BELL_KINDS = ("exercise", "breakout")
"""Blocks whose groups work apart: a bell two minutes before the end and one at the end."""
WARNING_SECONDS = 120.0
MARKS = ((0.05, "5%"), (0.20, "20%"))
"""Marks by the share of the block left, smallest first."""
# Cue names handed out once each by `SessionRun.cues`.
MARK_20, MARK_5, TWO_MINUTES, END, TURN, ROUND_END = (
    *("mark-20", "mark-5", "two-minutes", "end", "turn", "round-end"),
)
_EPSILON = 1e-9


@dataclass(frozen=True)
class PlannedBlock:
    """A block placed on the plan's timeline (seconds from the session's start)."""

    block: Block
    start: float
    seconds: float
    practice: Practice | None = None
    """The practice a `practice` block runs (found in the library), else None."""

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True)
class Schedule:
    """A plan resolved for one session: its tools filled in from the calendar."""

    plan_id: str
    title: str
    session: str
    tools: tuple[str, ...]
    blocks: tuple[PlannedBlock, ...]

    @property
    def total(self) -> float:
        return self.blocks[-1].end if self.blocks else 0.0

    def index_of(self, block_id: str) -> int | None:
        return next((n for n, p in enumerate(self.blocks) if p.block.id == block_id), None)

    def planned_clock(self, start: datetime) -> list[datetime]:
        """Each block's planned start on the wall clock, for a session starting at `start`."""
        return [start + timedelta(seconds=p.start) for p in self.blocks]


def resolve(
    plan: SessionPlan,
    tools: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
    *,
    library: Library | None = None,
) -> Schedule:
    """Lay a plan out for a session whose calendar names `tools` (the plan's own `tools` when
    none). Each run of consecutive `each_tool` blocks is repeated once per tool, in the
    calendar's order, sharing the run's minutes (whole minutes, the odd ones to the last copies),
    so a cohort that reorders its tools gets a matching plan of the same length. With `library`,
    the tools' titles come from it and each `practice` block carries its practice (whose wait
    phases hold the run)."""
    chosen = tuple(tools) or plan.tools
    if titles is None and library is not None:
        titles = {t.id: t.title for t in library.tools}
    titles = titles or {}
    blocks: list[Block] = []
    group: list[Block] = []

    def flush() -> None:
        if not group:
            return
        if not chosen:
            blocks.extend(_for_tool(b, "", "", 1) for b in group)
        else:
            for copy, tool in enumerate(chosen):
                for block in group:
                    minutes = _share(block.minutes, len(chosen), copy)
                    blocks.append(
                        replace(
                            _for_tool(block, tool, titles.get(tool, tool), len(chosen)),
                            minutes=minutes,
                        )
                    )
        group.clear()

    for block in plan.blocks:
        if block.each_tool:
            group.append(block)
            continue
        flush()
        blocks.append(block)
    flush()
    placed, start = [], 0.0
    for block in blocks:
        seconds = block.minutes * MINUTE
        found = library.get(block.practice) if library and block.practice else None
        practice = found if isinstance(found, Practice) and block.kind == "practice" else None
        placed.append(PlannedBlock(block, start, seconds, practice))
        start += seconds
    return Schedule(plan.id, plan.title, plan.session, chosen, tuple(placed))


def _share(minutes: float, copies: int, copy: int) -> float:
    """Copy number `copy`'s part of `minutes` shared by `copies`: whole minutes, the odd ones
    to the last copies; fractions only when there are fewer minutes than copies."""
    if minutes < copies:
        return minutes / copies
    base, odd = divmod(int(minutes), copies)
    return base + (1 if copy >= copies - odd else 0) + (minutes - int(minutes)) / copies


def _for_tool(block: Block, tool: str, title: str, copies: int) -> Block:
    """A repeated block made for one tool: `{tool}` in its texts becomes the tool's title."""
    name = title or "the tool"

    def fill(text: str) -> str:
        return text.replace("{tool}", name)

    heading = fill(block.title)
    if copies > 1 and "{tool}" not in block.title:
        heading = f"{heading}: {name}"
    return replace(
        block,
        id=f"{block.id}-{tool}" if tool else block.id,
        title=heading,
        tool=tool or block.tool,
        prompt=fill(block.prompt),
        question=fill(block.question),
        instructions=fill(block.instructions),
        say=fill(block.say),
        watch=fill(block.watch),
        debrief=fill(block.debrief),
        safety=fill(block.safety),
    )


def practice_plan(practice: Practice, seconds: float) -> Plan | None:
    """The practice fitted into a block of `seconds`: its own length, or the block's when
    shorter (at least 30 s); None when it cannot be laid out (it has no phases)."""
    try:
        total = min(float(practice.total_seconds), max(30.0, seconds))
        return make_plan(practice, Setup(total=total, bells="single"))
    except ValueError:
        return None


def stand_text(behind: float) -> str:
    """'on time', '3 min behind', '2 min ahead' (whole minutes, rounded down)."""
    minutes = math.floor(abs(behind) / MINUTE + _EPSILON)
    if minutes == 0:
        return "on time"
    return f"{minutes} min {'behind' if behind > 0 else 'ahead'}"


def format_left(seconds: float) -> str:
    """Time left as m:ss (h:mm:ss from an hour), rounded up; over time as +m:ss."""
    over = seconds < -_EPSILON
    whole = math.ceil(abs(seconds) - _EPSILON) if not over else math.floor(abs(seconds))
    hours, rest = divmod(max(0, whole), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"+{text}" if over else text


@dataclass(frozen=True)
class Turn:
    """Where a talking-piece round stands: speaker `speaker` of `speakers` (1-based)."""

    speaker: int
    speakers: int
    left: float
    """Seconds left in this speaker's turn (0 once the round is over)."""
    turn: float

    @property
    def done(self) -> bool:
        return self.speaker > self.speakers


@dataclass(frozen=True)
class Moment:
    """What the views show at one instant."""

    index: int
    planned: PlannedBlock
    position: float
    """Seconds into the block (pauses excluded)."""
    length: float
    """The block's seconds, with the minutes added or taken."""
    left: float
    """Seconds left in the block; negative once over (the facilitator has not moved on)."""
    mark: str
    """'', '20%', '5%' or 'over'."""
    paused: bool
    auto: bool
    elapsed: float
    """Real seconds since the session started, pauses included."""
    behind: float
    """Seconds the session will end after its plan if the rest goes as planned (< 0: ahead)."""
    ended: bool
    turn: Turn | None
    practice: Plan | None = None
    """The practice a `practice` block runs, fitted into the block's length."""
    hold: int | None = None
    """The practice's wait phase the block holds at until the facilitator moves on (its index
    in `practice.phases`), None while the block runs."""

    @property
    def block(self) -> Block:
        return self.planned.block

    @property
    def holding(self) -> bool:
        return self.hold is not None

    @property
    def stand(self) -> str:
        return stand_text(self.behind)


@dataclass(frozen=True)
class Visit:
    """One stretch of time spent in a block, in real seconds from the session's start."""

    index: int
    start: float
    end: float | None = None


class StateError(ValueError):
    """A saved run that does not fit its plan (the plan changed since, or the file is not one)."""


class SessionRun:
    """One run of a schedule. The facilitator moves on by hand, or the run moves on by itself
    when the block's time is up (`auto`). Every block keeps the time spent in it, so going back
    to one goes on where it stood. A practice's wait phase holds its block at the phase's end
    (in automatic mode too) until the facilitator moves on: `next` then releases the hold."""

    def __init__(
        self, schedule: Schedule, now: float, *, started: datetime | None = None, auto: bool = False
    ) -> None:
        if not schedule.blocks:
            raise ValueError(f"{schedule.title} has no blocks")
        self.schedule = schedule
        self.started = started
        """The wall-clock start, for the record's actual times (None in tests that do not care)."""
        self.auto = auto
        self.index = 0
        self.ended = False
        self.seq = 0
        """Counts changes, so a reader can tell a new state from the same one read again."""
        self.added: dict[int, float] = {}
        self.used: dict[int, float] = {}
        self.visits: list[Visit] = [Visit(0, 0.0)]
        self.talk: dict[str, float] | None = None
        self.alone = False
        """The question shown alone, as large as fits (the audience views follow)."""
        self.released: dict[int, set[int]] = {}
        """By block: the practice's wait phases the facilitator moved on from."""
        self._plans: dict[tuple[int, float], Plan | None] = {}
        self._offset = 0.0
        self._anchor: float | None = now
        self._real_offset = 0.0
        self._real_anchor = now
        self._rung = 0.0
        self._pending: list[str] = []

    # -- reading ------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._anchor is None

    def length(self, index: int) -> float:
        return max(0.0, self.schedule.blocks[index].seconds + self.added.get(index, 0.0))

    def real(self, now: float) -> float:
        """Real seconds since the session started (pauses included)."""
        return self._real_offset + max(0.0, now - self._real_anchor)

    def position(self, now: float) -> float:
        """Seconds into the current block, after any automatic moves up to `now`."""
        self._settle(now)
        return self._raw_position(now)

    def _raw_position(self, now: float) -> float:
        """Seconds into the current block: the offset, plus the time running since the anchor,
        up to the next wait phase not released."""
        if self._anchor is None:
            return self._offset
        position = self._offset + max(0.0, now - self._anchor)
        hold = self._next_hold()
        if hold is not None and position >= hold[0]:
            return max(self._offset, hold[0])
        return position

    def practice_plan(self, index: int) -> Plan | None:
        """Block `index`'s practice fitted into the block's length (minutes added included)."""
        practice = self.schedule.blocks[index].practice
        if practice is None:
            return None
        key = (index, self.length(index))
        if key not in self._plans:
            self._plans[key] = practice_plan(practice, key[1])
        return self._plans[key]

    def _next_hold(self) -> tuple[float, int] | None:
        """(seconds into the block, phase index) of the current block's first wait phase not
        released that ends at or after the offset (a hold already passed is not gone back to)."""
        plan = self.practice_plan(self.index)
        if plan is None:
            return None
        released = self.released.get(self.index, set())
        for number, planned in enumerate(plan.phases):
            if (
                planned.phase.wait
                and number not in released
                and planned.end >= self._offset - _EPSILON
            ):
                return planned.end, number
        return None

    def _hold(self, now: float) -> int | None:
        """The wait phase the current block holds at now, if it does."""
        if self.ended:
            return None
        hold = self._next_hold()
        if hold is not None and self._raw_position(now) >= hold[0] - _EPSILON:
            return hold[1]
        return None

    def _settle(self, now: float) -> None:
        """In automatic mode, move on past every block whose time ran out before `now`."""
        while (
            self.auto
            and not self.ended
            and self._anchor is not None
            and self.index < len(self.schedule.blocks) - 1
        ):
            position = self._raw_position(now)
            length = self.length(self.index)
            if position < length or self._hold(now) is not None:
                return
            self._pending += self._due(self._rung, length)
            excess = position - length
            when = now - excess
            self._enter(self.index + 1, when, self.real(when))
            self._offset, self._anchor, self._rung = 0.0, when, 0.0

    def moment(self, now: float) -> Moment:
        position = self.position(now)
        index = self.index
        length = self.length(index)
        left = length - position
        return Moment(
            index=index,
            planned=self.schedule.blocks[index],
            position=position,
            length=length,
            left=left,
            mark=_mark(left, length),
            paused=self.paused,
            auto=self.auto,
            elapsed=self.real(now),
            behind=self._behind(now, left),
            ended=self.ended,
            turn=self._turn(position),
            practice=self.practice_plan(index),
            hold=self._hold(now),
        )

    def _behind(self, now: float, left: float) -> float:
        later = sum(self.length(n) for n in range(self.index + 1, len(self.schedule.blocks)))
        # Against the plan as written: time added to a block puts the session behind.
        return self.real(now) + max(0.0, left) + later - self.schedule.total

    def expected_start(self, now: float, index: int) -> float:
        """When a later block should start (real seconds from the session's start) if what
        is left goes as planned; for the current or an earlier block, when it last began."""
        if index <= self.index:
            return next((v.start for v in reversed(self.visits) if v.index == index), 0.0)
        left = max(0.0, self.length(self.index) - self.position(now))
        return self.real(now) + left + sum(self.length(n) for n in range(self.index + 1, index))

    def _turn(self, position: float) -> Turn | None:
        if self.talk is None:
            return None
        speakers, turn = int(self.talk["speakers"]), self.talk["turn"]
        into = max(0.0, position - self.talk["anchor"])
        speaker = int(self.talk["speaker"]) + int(into // turn + _EPSILON)
        if speaker > speakers:
            return Turn(speakers + 1, speakers, 0.0, turn)
        return Turn(speaker, speakers, turn - (into % turn), turn)

    def cues(self, now: float) -> tuple[str, ...]:
        """Marks and bells that fell due since the last call, each handed out once (moving to a
        block rings nothing where it lands)."""
        position = self.position(now)
        due = [*self._pending, *self._due(self._rung, position)]
        self._pending = []
        self._rung = max(self._rung, position)
        return tuple(due)

    def _due(self, after: float, upto: float) -> list[str]:
        return [name for at, name in self.thresholds() if after < at <= upto + _EPSILON]

    def thresholds(self) -> list[tuple[float, str]]:
        """The current block's cues as (seconds into the block, name), in order."""
        length = self.length(self.index)
        found = [(length * 0.8, MARK_20), (length * 0.95, MARK_5)]
        if self.schedule.blocks[self.index].block.kind in BELL_KINDS and length > 0:
            if length > WARNING_SECONDS:
                found.append((length - WARNING_SECONDS, TWO_MINUTES))
            found.append((length, END))
        if self.talk is not None:
            speakers, turn = int(self.talk["speakers"]), self.talk["turn"]
            for n in range(1, speakers - int(self.talk["speaker"]) + 2):
                last = n == speakers - int(self.talk["speaker"]) + 1
                found.append((self.talk["anchor"] + n * turn, ROUND_END if last else TURN))
        return sorted(found)

    # -- moves ----------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.seq += 1

    def _enter(self, index: int, now: float, real: float) -> None:
        """Close the current visit and open one for `index` at real time `real`."""
        last = self.visits[-1]
        self.visits[-1] = replace(last, end=real)
        self.used[self.index] = self._raw_position(now)
        self.index = index
        self.talk = None
        self.alone = False
        self.visits.append(Visit(index, real))

    def goto(self, now: float, index: int) -> None:
        """Go to block `index`, on where it stood (its time spent is kept)."""
        if self.ended or not 0 <= index < len(self.schedule.blocks) or index == self.index:
            return
        self._settle(now)
        if index == self.index:
            return
        self._enter(index, now, self.real(now))
        self._offset = self.used.get(index, 0.0)
        if self._anchor is not None:
            self._anchor = now
        self._rung = self._offset
        self._pending = []
        self._changed()

    def next(self, now: float) -> None:
        """Release the wait phase the block holds at; else move on to the next block."""
        self._settle(now)
        hold = self._hold(now)
        if hold is None:
            self.goto(now, self.index + 1)
            return
        self._offset = self._raw_position(now)
        if self._anchor is not None:
            self._anchor = now
        self.released.setdefault(self.index, set()).add(hold)
        self._changed()

    def previous(self, now: float) -> None:
        self._settle(now)
        self.goto(now, self.index - 1)

    def pause(self, now: float) -> None:
        if self.paused or self.ended:
            return
        self._settle(now)
        self._offset = self._raw_position(now)
        self._anchor = None
        self._changed()

    def resume(self, now: float) -> None:
        if not self.paused or self.ended:
            return
        self._anchor = now
        self._changed()

    def toggle(self, now: float) -> None:
        if self.paused:
            self.resume(now)
        else:
            self.pause(now)

    def add(self, now: float, seconds: float) -> None:
        """Add (or with a negative number take) time on the current block; never below zero."""
        if self.ended:
            return
        self._settle(now)
        # The position stays where it is while a practice's wait phases move with the length;
        # a block held at one stays held at it.
        hold = self._hold(now)
        self._offset = self._raw_position(now)
        if self._anchor is not None:
            self._anchor = now
        base = self.schedule.blocks[self.index].seconds
        self.added[self.index] = max(-base, self.added.get(self.index, 0.0) + seconds)
        plan = self.practice_plan(self.index)
        if hold is not None and plan is not None and hold < len(plan.phases):
            self._offset = plan.phases[hold].end
        self._changed()

    def set_auto(self, now: float, auto: bool) -> None:
        if self.ended or auto == self.auto:
            return
        self._settle(now)
        self.auto = auto
        self._changed()

    def start_round(self, now: float, speakers: int, turn: float) -> None:
        """A talking-piece round from now: `speakers` turns of `turn` seconds."""
        if self.ended or speakers < 1 or turn <= 0:
            return
        position = self.position(now)
        self.talk = {"speakers": speakers, "turn": turn, "anchor": position, "speaker": 1}
        self._changed()

    def next_speaker(self, now: float) -> None:
        """The next speaker starts now (the round's later turns move with them)."""
        if self.talk is None or self.ended:
            return
        position = self.position(now)
        turn = self._turn(position)
        if turn is None or turn.done:
            return
        self.talk = {**self.talk, "anchor": position, "speaker": turn.speaker + 1}
        self._rung = position
        self._changed()

    def set_alone(self, alone: bool) -> None:
        if alone != self.alone:
            self.alone = alone
            self._changed()

    def end(self, now: float) -> None:
        if self.ended:
            return
        self._settle(now)
        real = self.real(now)
        self.used[self.index] = self._raw_position(now)
        self.visits[-1] = replace(self.visits[-1], end=real)
        self._offset = self._raw_position(now)
        self._anchor = None
        self._real_offset, self._real_anchor = real, now
        self.ended = True
        self._changed()

    # -- saving -----------------------------------------------------------------------------------

    def to_doc(self, now: float, wall: float) -> dict[str, Any]:
        """The state as of `now` (monotonic) = `wall` (seconds since the epoch): plan ids and
        times only."""
        position = self.position(now)
        return {
            "version": STATE_VERSION,
            "plan": self.schedule.plan_id,
            "session": self.schedule.session,
            "tools": list(self.schedule.tools),
            "blocks": [p.block.id for p in self.schedule.blocks],
            "seq": self.seq,
            "saved_mono": now,
            "saved_wall": wall,
            "started": self.started.isoformat() if self.started else None,
            "index": self.index,
            "position": position,
            "running": not self.paused,
            "real": self.real(now) if not self.ended else self._real_offset,
            "auto": self.auto,
            "ended": self.ended,
            "added": {str(k): v for k, v in self.added.items()},
            "used": {str(k): v for k, v in self.used.items()},
            "talk": self.talk,
            "alone": self.alone,
            "released": {str(k): sorted(v) for k, v in self.released.items() if v},
            "visits": [[v.index, v.start, v.end] for v in self.visits],
        }

    @classmethod
    def from_doc(
        cls, schedule: Schedule, doc: Mapping[str, Any], now: float, wall: float
    ) -> SessionRun:
        """A run from its saved state, moved on to `now` by the time that passed since it was
        saved: by the monotonic clock when it is the same one (another process on this computer),
        else by the wall clock (after a restart). StateError when it does not fit `schedule`."""
        try:
            return cls._from_doc(schedule, doc, now, wall)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            if isinstance(error, StateError):
                raise
            raise StateError(f"the saved run cannot be read ({error})") from None

    @classmethod
    def _from_doc(
        cls, schedule: Schedule, doc: Mapping[str, Any], now: float, wall: float
    ) -> SessionRun:
        if doc.get("version") != STATE_VERSION:
            raise StateError(f"the saved run has version {doc.get('version')!r}")
        if doc["plan"] != schedule.plan_id or list(doc["blocks"]) != [
            p.block.id for p in schedule.blocks
        ]:
            raise StateError("the saved run was made with another version of the plan")
        count = len(schedule.blocks)
        index = int(doc["index"])
        if not 0 <= index < count:
            raise StateError(f"the saved run is at block {index + 1} of {count}")
        since = _since(float(doc["saved_mono"]), float(doc["saved_wall"]), now, wall)
        started = doc.get("started")
        run = cls(
            schedule,
            now,
            started=datetime.fromisoformat(started) if isinstance(started, str) else None,
            auto=bool(doc["auto"]),
        )
        run.index = index
        run.seq = int(doc["seq"])
        run.ended = bool(doc["ended"])
        run.alone = doc.get("alone") is True
        run.added = {int(k): float(v) for k, v in dict(doc["added"]).items() if 0 <= int(k) < count}
        run.used = {int(k): float(v) for k, v in dict(doc["used"]).items() if 0 <= int(k) < count}
        run.released = {
            int(k): {int(n) for n in v}
            for k, v in dict(doc.get("released") or {}).items()
            if 0 <= int(k) < count
        }
        talk = doc.get("talk")
        if talk:
            run.talk = {k: float(talk[k]) for k in ("speakers", "turn", "anchor", "speaker")}
        run.visits = [
            Visit(int(i), float(s), None if e is None else float(e)) for i, s, e in doc["visits"]
        ] or [Visit(index, 0.0)]
        running = bool(doc["running"]) and not run.ended
        run._offset = float(doc["position"])
        # The position as saved; the time since then counts while it was running.
        run._anchor = now - since if running else None
        run._real_offset = float(doc["real"])
        run._real_anchor = now - (0.0 if run.ended else since)
        if run.ended:
            run._real_anchor = now
        run._rung = run._raw_position(now)  # what is past rings no more after a reload
        return run

    def carry_cues(self, other: SessionRun) -> None:
        """Take over what `other` (an earlier read of the same run) already rang, so a view
        that reloads the state rings each bell once."""
        if other.index == self.index and len(other.visits) == len(self.visits):
            self._rung = max(self._rung, other._rung)


def _since(saved_mono: float, saved_wall: float, now: float, wall: float) -> float:
    """Seconds since a save: by the monotonic clock when it is the same clock (it agrees with
    the wall clock within a few seconds), else by the wall clock."""
    by_mono, by_wall = now - saved_mono, wall - saved_wall
    if by_mono >= 0 and abs(by_mono - by_wall) <= 5.0:
        return by_mono
    return max(0.0, by_wall)


def _mark(left: float, length: float) -> str:
    if left <= _EPSILON:
        return "over"
    for share, name in MARKS:
        if left <= share * length + _EPSILON:
            return name
    return ""


def find_plan(library: Library, wanted: str) -> SessionPlan | None:
    """The plan for `orientation`, a learning session number (1-4) or a plan id. A session's
    plan is the one named `session-<n>` (`session-orientation`) if there is one, else the
    first plan for that session."""
    plans = library.sessions
    if wanted in OCCASIONS:
        own = library.get("session-orientation" if wanted == "orientation" else f"session-{wanted}")
        if isinstance(own, SessionPlan) and own.session == wanted:
            return own
        return next((p for p in plans if p.session == wanted), None)
    item = library.get(wanted)
    return item if isinstance(item, SessionPlan) else None


def calendar_event(plan: SessionPlan, program: Program | None) -> Event | None:
    """The calendar's event for a plan: the orientation or its learning session."""
    if program is None:
        return None
    if plan.session == "orientation":
        return program.orientation
    return program.session(int(plan.session))


def schedule_for(
    plan: SessionPlan, library: Library, program: Program | None
) -> tuple[Schedule, datetime | None]:
    """The plan laid out with its session's tools from the calendar (the plan's own when the
    calendar is not known or names none), and the calendar's start time."""
    event = calendar_event(plan, program)
    tools = event.tools if event is not None else ()
    return resolve(plan, tools, library=library), (event.start if event is not None else None)

"""The program calendar: orientation, four learning sessions and monthly coaching.

Times are local wall-clock times (naive datetimes): a cohort's calendar says "9:00 on
12 January" wherever each participant sits, and "now" is compared by its own wall clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

ORIENTATION, SESSION, COACHING = "orientation", "session", "coaching"
SESSIONS = 4
DEFAULT_TOOLS = (
    ("iceberg",),
    ("ladder-of-inference", "ladder-of-social-connectedness"),
    ("shifting-the-burden",),
    ("four-player-model",),
)
DEFAULT_TOPICS = (
    "Seeing beneath events",
    "How we make meaning, and how we connect",
    "Quick fixes and lasting ones",
    "How a conversation moves",
)
# ASCII digits only: \d also takes other scripts' digits, which no calendar here writes.
_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})(?::00)?$")  # TOML times carry seconds


class CalendarError(ValueError):
    """A date, time or order that cannot be right; the message says what to fix."""


def parse_date(text: str) -> date:
    """'2027-01-12' -> date; an impossible date says why (e.g. February has 28 days)."""
    found = _DATE.match(text.strip())
    if not found:
        raise CalendarError(f"{text.strip()!r} is not a date: write it as YYYY-MM-DD")
    year, month, day = (int(part) for part in found.groups())
    if year < 1:
        raise CalendarError(f"{text.strip()} is not a date: there is no year 0")
    if not 1 <= month <= 12:
        raise CalendarError(f"{text.strip()} is not a date: there is no month {month}")
    import calendar  # here: Home does not need it (~1 ms)

    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise CalendarError(
            f"{text.strip()} is not a date: {name} {year} has {last} days, not {day}"
        )
    return date(year, month, day)


def parse_time(text: str) -> time:
    """'9:00' or '15:30' -> time (24-hour clock)."""
    found = _TIME.match(text.strip())
    if not found:
        raise CalendarError(f"{text.strip()!r} is not a time: write it as HH:MM (24-hour)")
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        raise CalendarError(f"{text.strip()} is not a time of day")
    return time(hour, minute)


@dataclass(frozen=True)
class Event:
    """One dated part of the program."""

    kind: str
    start: datetime
    end: datetime
    topic: str = ""
    tools: tuple[str, ...] = ()
    number: int = 0
    """1-4 for learning sessions and coaching sessions (in date order); 0 for orientation."""

    @property
    def title(self) -> str:
        if self.kind == ORIENTATION:
            return "Orientation"
        if self.kind == SESSION:
            return f"Learning session {self.number}"
        return f"Coaching session {self.number}"

    @property
    def day(self) -> date:
        return self.start.date()

    def to_doc(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "topic": self.topic,
            "tools": list(self.tools),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any], number: int = 0) -> Event:
        return cls(
            kind=str(doc["kind"]),
            start=datetime.fromisoformat(doc["start"]),
            end=datetime.fromisoformat(doc["end"]),
            topic=str(doc.get("topic", "")),
            tools=tuple(str(t) for t in doc.get("tools", ())),
            number=number,
        )


def make_event(
    kind: str, day: str, start: str, end: str, *, topic: str = "", tools: tuple[str, ...] = ()
) -> Event:
    """An event from typed text; raises CalendarError for a bad date/time or an end
    before its start."""
    when = parse_date(day)
    begins, ends = (
        datetime.combine(when, parse_time(start)),
        datetime.combine(when, parse_time(end)),
    )
    if ends <= begins:
        raise CalendarError(f"ends at {end.strip()}, which is not after its start {start.strip()}")
    return Event(kind, begins, ends, topic.strip(), tools)


@dataclass(frozen=True)
class Program:
    """The person's calendar. `placeholder` is True until they set their own dates."""

    orientation: Event
    sessions: tuple[Event, ...]
    coaching: tuple[Event, ...] = ()
    placeholder: bool = False

    def __post_init__(self) -> None:
        # Numbers follow date order, so "Coaching session 2" is always the second one.
        sessions = tuple(replace(e, number=n) for n, e in enumerate(self.sessions, start=1))
        coaching = sorted(self.coaching, key=lambda e: e.start)
        object.__setattr__(self, "sessions", sessions)
        object.__setattr__(
            self, "coaching", tuple(replace(e, number=n) for n, e in enumerate(coaching, start=1))
        )

    @property
    def events(self) -> list[Event]:
        """Every event in date order."""
        return sorted([self.orientation, *self.sessions, *self.coaching], key=lambda e: e.start)

    def session(self, number: int) -> Event | None:
        return self.sessions[number - 1] if 1 <= number <= len(self.sessions) else None

    def problems(self) -> list[tuple[str, int, str]]:
        """Order problems as (table, index, message): the orientation comes first and each
        session after the one before it."""
        found = []
        previous = self.orientation
        for index, session in enumerate(self.sessions):
            if session.start < previous.end:
                found.append(
                    (
                        "sessions",
                        index,
                        f"{session.title} ({session.start:%Y-%m-%d %H:%M}) is before "
                        f"the end of {previous.title.lower()} ({previous.end:%Y-%m-%d %H:%M})",
                    )
                )
            previous = session
        if len(self.sessions) != SESSIONS:
            found.append(
                (
                    "sessions",
                    0,
                    f"the program has {SESSIONS} learning sessions, not {len(self.sessions)}",
                )
            )
        return found

    def validate(self) -> Program:
        """Self, or CalendarError naming the first order problem."""
        problems = self.problems()
        if problems:
            raise CalendarError(problems[0][2])
        return self

    def with_event(self, kind: str, index: int, event: Event) -> Program:
        """A copy with one event replaced (index counts within its kind); no longer a
        placeholder. Call `validate()` on the result to check the order."""
        if kind == ORIENTATION:
            return replace(self, orientation=event, placeholder=False)
        if kind == SESSION:
            sessions = list(self.sessions)
            sessions[index] = event
            return replace(self, sessions=tuple(sessions), placeholder=False)
        coaching = list(self.coaching)
        if index < len(coaching):
            coaching[index] = event
        else:
            coaching.append(event)
        return replace(self, coaching=tuple(coaching), placeholder=False)

    def without_coaching(self, index: int) -> Program:
        coaching = [e for n, e in enumerate(self.coaching) if n != index]
        return replace(self, coaching=tuple(coaching), placeholder=False)

    def to_doc(self) -> dict[str, Any]:
        return {
            "key": "calendar",
            "orientation": self.orientation.to_doc(),
            "sessions": [e.to_doc() for e in self.sessions],
            "coaching": [e.to_doc() for e in self.coaching],
            "placeholder": self.placeholder,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Program:
        return cls(
            orientation=Event.from_doc(doc["orientation"]),
            sessions=tuple(Event.from_doc(d) for d in doc.get("sessions", ())),
            coaching=tuple(Event.from_doc(d) for d in doc.get("coaching", ())),
            placeholder=bool(doc.get("placeholder", False)),
        )


def template(today: date) -> Program:
    """The editable template: an orientation two weeks out, four sessions three weeks
    apart, coaching in between. Placeholder dates, to be replaced by the cohort's own."""
    first = today + timedelta(days=14)
    orientation = Event(
        ORIENTATION,
        datetime.combine(first, time(15, 0)),
        datetime.combine(first, time(16, 30)),
        "Expectations, the three-legged stool, generative social fields, ways to show up",
    )
    sessions = []
    coaching = []
    for n in range(SESSIONS):
        day = first + timedelta(days=7 + 21 * n)
        sessions.append(
            Event(
                SESSION,
                datetime.combine(day, time(9, 0)),
                datetime.combine(day, time(13, 0)),
                DEFAULT_TOPICS[n],
                DEFAULT_TOOLS[n],
            )
        )
        if n < SESSIONS - 1:
            talk = day + timedelta(days=10)
            coaching.append(
                Event(
                    COACHING, datetime.combine(talk, time(15, 0)), datetime.combine(talk, time(16))
                )
            )
    return Program(orientation, tuple(sessions), tuple(coaching), placeholder=True)


def next_event(program: Program, now: datetime) -> Event | None:
    """The event going on now, else the next one; None after the last."""
    wall = wall_clock(now)
    return next((e for e in program.events if e.end > wall), None)


def last_session_started(program: Program, now: datetime) -> Event | None:
    """The most recent learning session that has ended (its post-survey is due)."""
    wall = wall_clock(now)
    done = [e for e in program.sessions if e.end <= wall]
    return done[-1] if done else None


def next_session(program: Program, now: datetime) -> Event | None:
    """The next learning session that has not started yet (its pre-survey is due)."""
    wall = wall_clock(now)
    return next((e for e in program.sessions if e.start > wall), None)


def next_coaching(program: Program, now: datetime) -> Event | None:
    wall = wall_clock(now)
    return next((e for e in program.coaching if e.start > wall), None)


def days_away(event: Event, now: datetime) -> str:
    """'today', 'tomorrow', 'in 5 days' (calendar days, by the wall clock); months or years
    when far off, so a line on Home's small card stays short ('in 7973 years', not
    'in 2912103 days')."""
    days = (event.day - wall_clock(now).date()).days
    if days <= 0:
        return "now" if event.start <= wall_clock(now) < event.end else "today"
    if days == 1:
        return "tomorrow"
    if days < 100:
        return f"in {days} days"
    months = days * 4800 // 146097  # 146097 days are 400 Gregorian years
    return f"in {months} months" if months < 24 else f"in {months // 12} years"


def wall_clock(now: datetime) -> datetime:
    """The local wall-clock time of an aware `now`, comparable with calendar times."""
    return now.replace(tzinfo=None) if now.tzinfo is not None else now


@dataclass
class _Lines:
    """Where keys sit in a TOML text, to name the line of a problem found after parsing."""

    lines: list[str]
    headers: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.headers = [n for n, line in enumerate(self.lines) if line.lstrip().startswith("[")]

    def line_of(self, table: str | None, index: int = 0, key: str | None = None) -> int:
        """1-based line of `key` in `[table]` / the `index`-th `[[table]]` (or of the header)."""
        if table is None:
            start, end = 0, self.headers[0] if self.headers else len(self.lines)
        else:
            pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?")
            mine = [n for n in self.headers if pattern.match(self.lines[n])]
            if not mine:
                return 1
            start = mine[min(index, len(mine) - 1)]
            end = next((n for n in self.headers if n > start), len(self.lines))
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for n in range(start, end):
                if pattern.match(self.lines[n]):
                    return n + 1
        return start + 1


class ImportProblem(CalendarError):
    """A problem in a calendar file, at a line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def program_from_toml(text: str, known_tools: frozenset[str] | None = None) -> Program:
    """Read a cohort's calendar file; raises ImportProblem naming the line of the first
    mistake. The file has `[orientation]`, four `[[sessions]]` and any `[[coaching]]`
    tables, each with `date`, `start`, `end` (and `topic`, `tools` for sessions)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))
        raise ImportProblem(line, f"not valid TOML: {str(error).split(' (at ')[0]}") from None
    where = _Lines(text.splitlines())

    def event(kind: str, table: str, index: int, raw: object) -> Event:
        if not isinstance(raw, dict):
            raise ImportProblem(where.line_of(table, index), f"'{table}' must be a table")
        values: dict[str, str] = {}
        for key in ("date", "start", "end"):
            value = raw.get(key)
            if value is None:
                raise ImportProblem(where.line_of(table, index), f"missing '{key}' in {table}")
            values[key] = str(value)
        tools = raw.get("tools", [])
        if not isinstance(tools, list) or not all(isinstance(t, str) for t in tools):
            raise ImportProblem(
                where.line_of(table, index, "tools"), "'tools' must be a list of tool ids"
            )
        for tool in tools:
            if known_tools is not None and tool not in known_tools:
                raise ImportProblem(
                    where.line_of(table, index, "tools"),
                    f"unknown tool {tool!r}: use one of {', '.join(sorted(known_tools))}",
                )
        try:
            parse_date(values["date"])
        except CalendarError as error:
            raise ImportProblem(where.line_of(table, index, "date"), str(error)) from None
        try:
            return make_event(
                kind,
                values["date"],
                values["start"],
                values["end"],
                topic=str(raw.get("topic", "")),
                tools=tuple(tools),
            )
        except CalendarError as error:
            key = "end" if "not after" in str(error) else _bad_time_key(values)
            raise ImportProblem(where.line_of(table, index, key), str(error)) from None

    if "orientation" not in data:
        raise ImportProblem(1, "missing the [orientation] table")
    orientation = event(ORIENTATION, "orientation", 0, data["orientation"])
    raw_sessions = data.get("sessions", [])
    if not isinstance(raw_sessions, list) or len(raw_sessions) != SESSIONS:
        count = len(raw_sessions) if isinstance(raw_sessions, list) else 0
        raise ImportProblem(
            where.line_of("sessions") if count else 1,
            f"the program has {SESSIONS} [[sessions]], this file has {count}",
        )
    sessions = [event(SESSION, "sessions", n, raw) for n, raw in enumerate(raw_sessions)]
    raw_coaching = data.get("coaching", [])
    if not isinstance(raw_coaching, list):
        raise ImportProblem(where.line_of("coaching"), "'coaching' must be [[coaching]] tables")
    coaching = [event(COACHING, "coaching", n, raw) for n, raw in enumerate(raw_coaching)]
    program = Program(orientation, tuple(sessions), tuple(coaching))
    for table, index, message in program.problems():
        raise ImportProblem(where.line_of(table, index, "date"), message)
    return program


def _bad_time_key(values: dict[str, str]) -> str:
    """Which of start/end holds the time that failed to parse."""
    for key in ("start", "end"):
        try:
            parse_time(values[key])
        except CalendarError:
            return key
    return "date"


def program_text(program: Program) -> str:
    """The calendar as plain text lines, for `program show`."""
    lines = []
    if program.placeholder:
        lines += ["(placeholder dates: set yours in the Program screen or with `program import`)"]
    for event in program.events:
        when = f"{event.start:%a %Y-%m-%d %H:%M}-{event.end:%H:%M}"
        lines.append(f"{when}  {event.title}" + (f": {event.topic}" if event.topic else ""))
        if event.tools:
            lines.append(f"{'':<27}tools: {', '.join(event.tools)}")
    return "\n".join(lines) + "\n"

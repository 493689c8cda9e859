"""The program calendar: validation, TOML import naming the line, next event and what is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from csa_companion.domain.due import due_items
from csa_companion.domain.program import (
    CalendarError,
    ImportProblem,
    days_away,
    make_event,
    next_event,
    parse_date,
    program_from_toml,
    template,
)
from csa_companion.domain.reflection import DRAFT, NOT_STARTED

GOOD = Path(__file__).parent.parent / "data" / "program" / "cohort.toml"
TOOLS = frozenset(
    {
        "iceberg",
        "ladder-of-inference",
        "ladder-of-social-connectedness",
        "shifting-the-burden",
        "four-player-model",
    }
)
PST = timezone(timedelta(hours=-8))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PST)


def test_impossible_date_says_why() -> None:
    with pytest.raises(CalendarError, match="February 2027 has 28 days, not 30"):
        parse_date("2027-02-30")
    with pytest.raises(CalendarError, match="no month 13"):
        parse_date("2027-13-01")
    with pytest.raises(CalendarError, match="YYYY-MM-DD"):
        parse_date("12/01/2027")
    assert parse_date("2028-02-29") == date(2028, 2, 29)
    # Year 0 ended in a traceback (date() refuses it); other digits than ASCII are no date.
    with pytest.raises(CalendarError, match="there is no year 0"):
        parse_date("0000-01-12")
    with pytest.raises(CalendarError, match="YYYY-MM-DD"):
        parse_date("２０２７-０１-１２")


def test_end_before_start_is_refused() -> None:
    with pytest.raises(CalendarError, match="ends at 09:00, which is not after its start 13:00"):
        make_event("session", "2027-01-19", "13:00", "09:00")
    with pytest.raises(CalendarError, match="not a time"):
        make_event("session", "2027-01-19", "25:00", "26:00")


def test_sessions_out_of_order_are_refused() -> None:
    program = program_from_toml(GOOD.read_text(), TOOLS)
    swapped = program.with_event("session", 1, make_event("session", "2027-01-10", "9:00", "13:00"))
    with pytest.raises(
        CalendarError,
        match=r"Learning session 2 \(2027-01-10 09:00\) is before the end of learning session 1",
    ):
        swapped.validate()


def test_import_of_a_good_file() -> None:
    program = program_from_toml(GOOD.read_text(), TOOLS)
    assert program.orientation.start == datetime(2027, 1, 12, 15, 0)
    assert [s.number for s in program.sessions] == [1, 2, 3, 4]
    assert program.sessions[1].tools == ("ladder-of-inference", "ladder-of-social-connectedness")
    assert [c.title for c in program.coaching] == ["Coaching session 1", "Coaching session 2"]
    assert not program.placeholder


def _broken(old: str, new: str, count: int = 1) -> str:
    text = GOOD.read_text()
    assert old in text
    return text.replace(old, new, count)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (_broken('end = "16:30"', 'end = "16:30'), 5, "not valid TOML"),
        (_broken('date = "2027-02-09"', 'date = "2027-02-30"'), 15, "February 2027 has 28 days"),
        (
            _broken(
                'start = "09:00"\nend = "13:00"\ntopic = "How we',
                'start = "13:00"\nend = "09:00"\ntopic = "How we',
            ),
            17,
            "not after its start",
        ),
        (
            _broken('date = "2027-03-02"', 'date = "2027-01-05"'),
            22,
            "Learning session 3 (2027-01-05 09:00) is before the end of learning session 2",
        ),
        (_broken('tools = ["iceberg"]', 'tools = ["icebreaker"]'), 12, "unknown tool 'icebreaker'"),
        (_broken('start = "15:00"', 'start = "3pm"'), 4, "'3pm' is not a time"),
        (_broken('date = "2027-01-12"', 'date = "0000-01-12"'), 3, "there is no year 0"),
        (
            _broken('[orientation]\ndate = "2027-01-12"\n', "[orientation]\n"),
            2,
            "missing 'date' in orientation",
        ),
    ],
    ids=[
        "syntax",
        "impossible-date",
        "end-before-start",
        "out-of-order",
        "unknown-tool",
        "bad-time",
        "year-0",
        "missing-key",
    ],
)
def test_import_mistakes_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ImportProblem) as raised:
        program_from_toml(text, TOOLS)
    assert raised.value.line == line, str(raised.value)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"line {line}: ")


def test_template_has_placeholder_dates_in_order() -> None:
    program = template(date(2026, 11, 24))
    assert program.placeholder and len(program.sessions) == 4
    program.validate()
    gaps = {
        (b.start - a.start).days
        for a, b in zip(program.sessions, program.sessions[1:], strict=False)
    }
    assert gaps == {21}


def _due(now: datetime, status: dict[tuple[int, str], str] | None = None) -> list[str]:
    program = program_from_toml(GOOD.read_text(), TOOLS)
    done = status or {}
    items = due_items(program, now, "2027-01", NOT_STARTED, "", lambda s, w: done.get((s, w)))
    return [d.text for d in items]


def test_next_event_and_due_before_the_orientation() -> None:
    program = program_from_toml(GOOD.read_text(), TOOLS)
    now = at("2027-01-05T10:00")
    event = next_event(program, now)
    assert event is not None and event.title == "Orientation"
    assert days_away(event, now) == "in 7 days"
    assert _due(now) == [
        "Pre-survey: session 1 (in 14 days)",
        "Reflection, Jan 2027 (not started)",
        "Coach question by 29 Jan (in 24 days)",
    ]


def test_due_on_a_session_day_then_after_it() -> None:
    program = program_from_toml(GOOD.read_text(), TOOLS)
    morning = at("2027-01-19T08:00")
    event = next_event(program, morning)
    assert event is not None and event.title == "Learning session 1"
    assert days_away(event, morning) == "today"
    assert _due(morning)[0] == "Pre-survey: session 1 (today)"
    during = at("2027-01-19T10:00")
    assert days_away(program.sessions[0], during) == "now"
    afternoon = at("2027-01-19T14:00")
    assert _due(afternoon, {(1, "pre"): "submitted"})[:2] == [
        "Post-survey: session 1",
        "Pre-survey: session 2 (in 21 days)",
    ]


def test_due_between_sessions_and_after_the_last() -> None:
    between = at("2027-02-01T12:00")
    done = {(1, "pre"): "submitted", (1, "post"): "submitted"}
    assert _due(between, done)[0] == "Pre-survey: session 2 (in 8 days)"
    program = program_from_toml(GOOD.read_text(), TOOLS)
    after = at("2027-04-01T12:00")
    assert next_event(program, after) is None
    assert _due(after) == [
        "Post-survey: session 4",
        "Reflection, Jan 2027 (not started)",
    ]
    items = due_items(program, after, "2027-04", DRAFT, "", lambda s, w: "submitted")
    assert [d.text for d in items] == ["Reflection, Apr 2027 (draft)"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2027-01-06", "tomorrow"),
        ("2027-04-14", "in 99 days"),
        ("2027-04-15", "in 3 months"),
        ("2029-01-04", "in 23 months"),
        ("2029-01-06", "in 2 years"),
        ("9999-01-12", "in 7972 years"),
    ],
)
def test_a_far_event_is_months_or_years_away(day: str, expected: str) -> None:
    """An event in year 9999 was 'in 2912103 days', which Home's card broke over lines."""
    event = make_event("session", day, "09:00", "10:00")
    assert days_away(event, at("2027-01-05T10:00")) == expected

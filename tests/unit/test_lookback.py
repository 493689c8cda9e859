"""Look back and coaching next steps, without an app."""

from __future__ import annotations

from datetime import date, timedelta

from csa_companion.domain.coaching import CoachingNote, NextStep, open_steps
from csa_companion.domain.lookback import Memory, look_back, near_days
from tests.rhythm_data import at

NOW = at("2027-06-15T12:00")


def memory(title: str, days_ago: float) -> Memory:
    return Memory("", NOW - timedelta(days=days_ago), title, title, False)


def test_look_back_takes_the_closest_within_about() -> None:
    items = [
        memory("six days", 6),
        memory("eight and a half days", 8.5),
        memory("33 days", 33),
        memory("40 days", 40),
        memory("a year and 20 days", 385),
    ]
    found = look_back(items, NOW)
    assert [(m.label, m.title) for m in found] == [
        ("About a week ago", "six days"),
        ("About a month ago", "33 days"),
    ]


def test_near_days_sift_a_day_wider_than_the_windows() -> None:
    assert near_days(NOW) == [
        ("2027-06-05", "2027-06-11"),
        ("2027-05-10", "2027-05-22"),
        ("2026-05-30", "2026-07-01"),
    ]


def test_steps_typed_one_a_line_keep_their_done_marks() -> None:
    note = CoachingNote(date(2027, 1, 29), NOW, steps=(NextStep("Call Ana", True),))
    edited = note.with_steps_text("- Call Ana\n\n* Try a check-in \n")
    assert edited.steps == (NextStep("Call Ana", True), NextStep("Try a check-in"))
    later = CoachingNote(date(2027, 2, 19), NOW, steps=(NextStep("Read"),))
    assert [text for _, _, text in open_steps([later, edited])] == ["Try a check-in", "Read"]
    assert open_steps([edited.toggled(1, NOW)]) == []

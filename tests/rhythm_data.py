"""Seeded data for the program's rhythm: a month of work, a reflection, coaching, surveys."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from csa_companion.domain.coaching import CoachingNote, NextStep
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.practice import LogEntry
from csa_companion.domain.program import program_from_toml
from csa_companion.domain.reflection import Reflection
from csa_companion.domain.survey import POST, PRE, SUBMITTED, Answer, SurveyResponse
from csa_companion.domain.worksheet import COMPLETE, DRAFT, Worksheet
from csa_companion.paths import DataPaths
from csa_companion.storage.practice_log import PracticeLogRepo
from csa_companion.storage.program_repos import Rhythm
from csa_companion.storage.repos import JournalRepo, WorksheetRepo
from csa_companion.storage.store import Stores

PST = timezone(timedelta(hours=-8))
COHORT = Path(__file__).parent / "data" / "program" / "cohort.toml"


def at(text: str) -> datetime:
    """A wall-clock time in the tests' zone (UTC-8)."""
    return datetime.fromisoformat(text).replace(tzinfo=PST)


def _sheet(tool: str, title: str, created: str, updated: str, status: str, uid: str) -> Worksheet:
    return Worksheet(tool, title, at(created), at(updated), {"event": "x"}, status, uid=uid)


def seed_month(data_dir: Path) -> Rhythm:
    """January 2027: 4 entries (2 starred, tags), 3 worksheets started (1 finished), one
    December worksheet finished in January, a February entry, the cohort calendar, a coaching
    note with one open and one done step, two practices in January (one in February), and a
    January reflection draft."""
    stores = Stores(DataPaths(data_dir))
    journal, sheets = JournalRepo(stores["journal"]), WorksheetRepo(stores["worksheets"])
    rows = [
        ("j1", "2027-01-03T08:00", ("pickup", "team"), True),
        ("j2", "2027-01-10T12:00", ("pickup",), False),
        ("j3", "2027-01-20T18:00", ("pickup", "check-in"), True),
        ("j4", "2027-01-31T23:30", ("team",), False),  # the last half hour of January
        ("j5", "2027-02-01T00:30", ("pickup",), True),  # February
        ("j0", "2026-12-31T23:59", ("team",), True),  # December
    ]
    for uid, when, tags, starred in rows:
        moment = at(when)
        journal.add(
            JournalEntry(f"Body of {uid}", moment, moment, f"Entry {uid}", tags, starred, uid=uid)
        )
    for sheet in (
        _sheet("iceberg", "Cafeteria", "2027-01-05T10:00", "2027-01-06T10:00", COMPLETE, "w1"),
        _sheet("iceberg", "Pickup", "2027-01-12T10:00", "2027-01-12T11:00", DRAFT, "w2"),
        _sheet("ladder-of-inference", "Staff", "2027-01-25T10:00", "2027-01-25T10:30", DRAFT, "w3"),
        _sheet(
            "shifting-the-burden", "Old", "2026-12-20T10:00", "2027-01-02T10:00", COMPLETE, "w4"
        ),
    ):
        sheets.save(sheet)
    practice_log = PracticeLogRepo(stores)
    for when in ("2027-01-04T07:45", "2027-01-18T07:50", "2027-02-01T08:00"):
        practice_log.add(LogEntry("settling-arrive", "Settling: arriving together", at(when), 5.0))
    rhythm = Rhythm.open(stores)
    rhythm.program.save(program_from_toml(COHORT.read_text()))
    rhythm.coaching.save(
        CoachingNote(
            date(2027, 1, 29),
            at("2027-01-29T16:00"),
            question="How do I slow down at pickup?",
            notes="Talked about the first twenty minutes.",
            steps=(NextStep("Try a two-minute check-in at pickup"), NextStep("Read Iceberg", True)),
            uid="c1",
        )
    )
    rhythm.reflections.save(
        Reflection(
            "2027-01",
            at("2027-01-30T20:00"),
            {"tried": "A check-in at pickup.", "coach-question": "How do I keep it going?"},
        )
    )
    return rhythm


def seed_surveys(rhythm: Rhythm) -> None:
    """Sessions 1 and 2 pre and post submitted, a session 3 pre draft."""
    ratings = {
        (1, PRE): {"aspiration": 2, "systems": 1, "tool-iceberg": 1},
        (1, POST): {"aspiration": 3, "systems": 3, "tool-iceberg": 4},
        (2, PRE): {"aspiration": 3, "systems": 2},
        (2, POST): {"aspiration": 4, "systems": 4},
        (3, PRE): {"aspiration": 4},
    }
    for (session, when), items in ratings.items():
        answers = {k: Answer(v, "felt unsure, still" if v == 1 else "") for k, v in items.items()}
        status = "draft" if session == 3 else SUBMITTED
        day = at("2027-01-19T08:00") + timedelta(days=21 * (session - 1), hours=6 * (when == POST))
        rhythm.surveys.save(SurveyResponse(session, when, day, answers, status))

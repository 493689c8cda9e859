"""Repositories for the program's rhythm: calendar, reflections, coaching log, surveys.

Each area is its own file on the same crash-safe store (program.json, reflections.json,
coaching.json, surveys.json), so autosaving a reflection never rewrites the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from tinydb import Query

from csa_companion.domain.coaching import CoachingNote, open_steps
from csa_companion.domain.due import Due, due_items
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.program import Program, template
from csa_companion.domain.reflection import Glance, Reflection, glance, month_of, status_of
from csa_companion.domain.survey import SurveyResponse
from csa_companion.domain.worksheet import Worksheet
from csa_companion.storage.repos import _put
from csa_companion.storage.store import Store, Stores

if TYPE_CHECKING:
    from csa_companion.content.model import ReflectionPrompts
    from csa_companion.domain.practice import LogEntry

NAMES = ("program", "reflections", "coaching", "surveys")
_key = Query().key
_month = Query().month
_uid = Query().uid


class ProgramRepo:
    """The one program calendar; the template until the person saves their own."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store.table("program")

    def get(self, today: date) -> Program:
        doc = self._table.get(_key == "calendar")
        return Program.from_doc(dict(doc)) if isinstance(doc, dict) else template(today)

    def save(self, program: Program) -> None:
        with self.store.transaction():
            _put(self._table, program.to_doc(), _key == "calendar")


class ReflectionRepo:
    """Monthly reflections, one per 'YYYY-MM'."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store.table("reflections")

    def all(self) -> list[Reflection]:
        found = [Reflection.from_doc(dict(doc)) for doc in self._table.all()]
        return sorted(found, key=lambda r: r.month, reverse=True)

    def get(self, month: str) -> Reflection | None:
        doc = self._table.get(_month == month)
        return Reflection.from_doc(dict(doc)) if isinstance(doc, dict) else None

    def save(self, reflection: Reflection) -> None:
        with self.store.transaction():
            _put(self._table, reflection.to_doc(), _month == reflection.month)


class CoachingRepo:
    """The coaching log, oldest session first."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store.table("coaching")

    def all(self) -> list[CoachingNote]:
        notes = [CoachingNote.from_doc(dict(doc)) for doc in self._table.all()]
        return sorted(notes, key=lambda n: (n.day, n.updated))

    def get(self, uid: str) -> CoachingNote | None:
        doc = self._table.get(_uid == uid)
        return CoachingNote.from_doc(dict(doc)) if isinstance(doc, dict) else None

    def save(self, note: CoachingNote) -> None:
        with self.store.transaction():
            _put(self._table, note.to_doc(), _uid == note.uid)

    def delete(self, uid: str) -> None:
        with self.store.transaction():
            self._table.remove(_uid == uid)


class SurveyRepo:
    """Survey responses (drafts and submitted), one per session and pre/post."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store.table("surveys")

    def all(self) -> list[SurveyResponse]:
        return [SurveyResponse.from_doc(dict(doc)) for doc in self._table.all()]

    def get(self, session: int, when: str) -> SurveyResponse | None:
        doc = self._table.get(_key == f"{session}-{when}")
        return SurveyResponse.from_doc(dict(doc)) if isinstance(doc, dict) else None

    def status(self, session: int, when: str) -> str | None:
        response = self.get(session, when)
        return response.status if response else None

    def save(self, response: SurveyResponse) -> None:
        with self.store.transaction():
            _put(self._table, response.to_doc(), _key == response.key)


@dataclass
class Rhythm:
    """The program's repositories, opened together."""

    program: ProgramRepo
    reflections: ReflectionRepo
    coaching: CoachingRepo
    surveys: SurveyRepo
    zone: tzinfo | None = None
    """The time zone months are counted in; None: the computer's own, with its DST rules."""

    @classmethod
    def open(cls, stores: Stores, zone: tzinfo | None = None) -> Rhythm:
        return cls(
            program=ProgramRepo(stores["program"]),
            reflections=ReflectionRepo(stores["reflections"]),
            coaching=CoachingRepo(stores["coaching"]),
            surveys=SurveyRepo(stores["surveys"]),
            zone=zone,
        )

    def month(self, moment: datetime) -> str:
        """'YYYY-MM' of `moment` in local time."""
        return month_of(moment, self.zone)

    def glance(
        self,
        month: str,
        entries: Sequence[JournalEntry],
        sheets: Sequence[Worksheet],
        practices: Sequence[LogEntry] | None = None,
    ) -> Glance:
        """The month at a glance, with the coaching next steps still open by the month's end;
        `practices` is the practice log."""
        steps = [
            text
            for note, _, text in open_steps(self.coaching.all())
            if f"{note.day:%Y-%m}" <= month
        ]
        return glance(month, entries, sheets, tz=self.zone, practices=practices, next_steps=steps)

    def due(self, now: datetime, prompts: Callable[[], ReflectionPrompts | None]) -> list[Due]:
        """What is due at `now` (see domain.due). `prompts` gives the reflection's prompts,
        asked for only when this month's reflection exists (Home opens no content else)."""
        month = self.month(now)
        reflection = self.reflections.get(month)
        question = reflection.coach_question(prompts()) if reflection else ""
        return due_items(
            self.program.get(now.date()),
            now,
            month,
            status_of(reflection),
            question,
            self.surveys.status,
        )


def look_back_entries(journal: Store, now: datetime) -> list[JournalEntry]:
    """Journal entries written around the look-back days, without parsing the whole journal
    (Home shows the look back; a 5,000-entry journal takes ~140 ms to parse, the sift ~1 ms)."""
    from csa_companion.domain.lookback import near_days
    from csa_companion.storage.journal_store import JournalStore

    ranges = near_days(now)
    docs = (
        journal.documents_of_months(_months(ranges))
        if isinstance(journal, JournalStore)
        else journal.documents("journal")
    )
    return [
        JournalEntry.from_doc(doc)
        for doc in docs
        if any(low <= str(doc.get("created", ""))[:10] <= high for low, high in ranges)
    ]


def _months(ranges: list[tuple[str, str]]) -> set[str]:
    """Every month (`YYYY-MM`) that the day ranges (`YYYY-MM-DD`, low and high) touch."""
    months: set[str] = set()
    for low, high in ranges:
        year, month = int(low[:4]), int(low[5:7])
        while f"{year:04d}-{month:02d}" <= high[:7]:
            months.add(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months

"""Pre/post session surveys: items from content, ratings and drafts, pairing, trend, CSV."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csa_companion.content.model import Survey, SurveyItem


PRE, POST = "pre", "post"
DRAFT, SUBMITTED = "draft", "submitted"
LOW, HIGH = 1, 5
TOOL_PREFIX = "tool-"
PARTICIPANT = "participant_code"
"""The setting that holds the participant code the person chose (never their name)."""
CSV_COLUMNS = ("participant", "session", "when", "item", "rating", "comment", "date")


class SurveyError(ValueError):
    """A rating or an answer that cannot be accepted; the message says what to fix."""


def items_for(survey: Survey, tools: Sequence[str], titles: dict[str, str]) -> list[SurveyItem]:
    from csa_companion.content.model import SurveyItem  # Home does not need the content model

    """The survey's items for a session: the fixed ones, then one per tool it covers."""
    per_tool = [
        SurveyItem(TOOL_PREFIX + tool, survey.tool_item.replace("{tool}", titles.get(tool, tool)))
        for tool in tools
    ]
    return [*survey.items, *per_tool]


def item_texts(survey: Survey, titles: dict[str, str]) -> dict[str, str]:
    """The words of every item an answer can be stored under: the items asked now, the
    retired ones (marked as earlier), and one per tool in `titles`."""
    per_tool = items_for(survey, list(titles), titles)
    return {**survey.texts(), **{i.id: i.text for i in per_tool}}


def parse_rating(text: str) -> int | None:
    """'' -> None (not answered yet); '1'..'5' -> int; anything else -> SurveyError."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not LOW <= int(text) <= HIGH:
        raise SurveyError(f"{text!r} is not a rating: use a whole number from {LOW} to {HIGH}")
    return int(text)


@dataclass(frozen=True)
class Answer:
    rating: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class SurveyResponse:
    """One person's answers for one session, before (pre) or after (post) it."""

    session: int
    when: str
    updated: datetime
    answers: dict[str, Answer] = field(default_factory=dict)
    status: str = DRAFT

    @property
    def key(self) -> str:
        return response_key(self.session, self.when)

    def answer(self, item_id: str) -> Answer:
        return self.answers.get(item_id, Answer())

    def with_answer(self, item_id: str, answer: Answer, now: datetime) -> SurveyResponse:
        if answer.rating is not None and not LOW <= answer.rating <= HIGH:
            raise SurveyError(f"a rating must be from {LOW} to {HIGH}, not {answer.rating}")
        return replace(self, answers={**self.answers, item_id: answer}, updated=now)

    def missing(self, items: Sequence[SurveyItem]) -> list[SurveyItem]:
        return [i for i in items if self.answer(i.id).rating is None]

    def submitted(self, items: Sequence[SurveyItem], now: datetime) -> SurveyResponse:
        """Mark it submitted, or SurveyError naming the first item without a rating."""
        missing = self.missing(items)
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise SurveyError(f"rate every item: “{missing[0].text}” has no rating{more}")
        return replace(self, status=SUBMITTED, updated=now)

    def to_doc(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "session": self.session,
            "when": self.when,
            "status": self.status,
            "updated": self.updated.isoformat(),
            "answers": {
                k: {"rating": a.rating, "comment": a.comment} for k, a in self.answers.items()
            },
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> SurveyResponse:
        return cls(
            session=int(doc["session"]),
            when=str(doc["when"]),
            status=str(doc.get("status", DRAFT)),
            updated=datetime.fromisoformat(doc["updated"]),
            answers={
                str(k): Answer(v.get("rating"), str(v.get("comment", "")))
                for k, v in doc.get("answers", {}).items()
            },
        )


def response_key(session: int, when: str) -> str:
    return f"{session}-{when}"


@dataclass(frozen=True)
class Point:
    """One item's pre and post rating for one session (None where not submitted)."""

    session: int
    pre: int | None
    post: int | None

    @property
    def change(self) -> int | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass(frozen=True)
class Trend:
    item: str
    points: tuple[Point, ...]

    @property
    def overall(self) -> int | None:
        """Last rating given minus the first one, across sessions (None with fewer than two)."""
        ratings = [r for p in self.points for r in (p.pre, p.post) if r is not None]
        return ratings[-1] - ratings[0] if len(ratings) >= 2 else None


def trends(responses: Sequence[SurveyResponse], item_ids: Sequence[str]) -> list[Trend]:
    """Pre/post pairs for each item and session, from submitted responses only (a draft is
    not an answer yet). Items follow `item_ids`, then any other rated item."""
    done = {(r.session, r.when): r for r in responses if r.status == SUBMITTED}
    sessions = sorted({session for session, _ in done})
    rated = [k for r in done.values() for k, a in r.answers.items() if a.rating is not None]
    items = list(dict.fromkeys([*(i for i in item_ids if i in rated), *rated]))

    def rating(session: int, when: str, item: str) -> int | None:
        response = done.get((session, when))
        return response.answer(item).rating if response else None

    return [
        Trend(
            item,
            tuple(
                Point(s, rating(s, PRE, item), rating(s, POST, item))
                for s in sessions
                if rating(s, PRE, item) is not None or rating(s, POST, item) is not None
            ),
        )
        for item in items
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"
"""How a CSV file is written: UTF-8 after a byte-order mark, without which Excel on Windows reads
it in the computer's own code page and shows accents wrongly. Our own readers skip the mark."""


def safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with =, +, -, @, a tab or
    a carriage return gets a leading apostrophe (OWASP's advice against CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unsafe_cell(text: str) -> str:
    """`safe_cell` undone: the text as it was written."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def survey_csv(responses: Sequence[SurveyResponse], participant: str) -> str:
    """Every submitted answer as CSV, one row per item, in session/pre-post/item order. Text
    (the code, item ids, comments) is made safe for spreadsheets (`safe_cell`); the cohort
    report reads it back as it was written."""
    out = io.StringIO()
    import csv  # only exports need it (Home does not)

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    order = {PRE: 0, POST: 1}
    for response in sorted(responses, key=lambda r: (r.session, order.get(r.when, 2))):
        if response.status != SUBMITTED:
            continue
        for item, answer in response.answers.items():
            writer.writerow(
                (
                    safe_cell(participant),
                    response.session,
                    response.when,
                    safe_cell(item),
                    "" if answer.rating is None else answer.rating,
                    safe_cell(answer.comment),
                    f"{response.updated:%Y-%m-%d}",
                )
            )
    return out.getvalue()

"""Monthly reflections: local-time months, the month at a glance, the reflection itself,
and its Markdown export."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from csa_companion.domain.journal import JournalEntry, all_tags
from csa_companion.domain.worksheet import COMPLETE, Worksheet

if TYPE_CHECKING:  # the practice model is not imported for a type (Home does not need it)
    from csa_companion.content.model import ReflectionPrompts
    from csa_companion.domain.practice import LogEntry

NOT_STARTED, DRAFT, DONE = "not started", "draft", "done"
TOP_TAGS = 3
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")  # ASCII digits only: strptime takes no others


def month_of(moment: datetime, tz: tzinfo | None = None) -> str:
    """'YYYY-MM' of `moment` in local time. `tz` None means the computer's own zone, with
    the daylight-saving rules in force at that moment (a fixed offset taken from "now"
    would put 23:30 on the last day of a month into the next one across a DST change)."""
    return f"{moment.astimezone(tz):%Y-%m}"


def parse_month(text: str) -> str:
    """Checks 'YYYY-MM'; raises ValueError with a clear message."""
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise ValueError(f"{text.strip()!r} is not a month: write it as YYYY-MM, e.g. 2027-01")
    return text.strip()


def month_name(month: str, fmt: str = "%B %Y") -> str:
    """'2027-01' -> 'January 2027' (or as `fmt` says). Not strptime: its first call costs
    ~10 ms (it builds the locale's tables), which Home's Coming up card paid at start."""
    return date(int(month[:4]), int(month[5:7]), 1).strftime(fmt)


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + 1}-01" if number == 12 else f"{year}-{number + 1:02d}"


@dataclass(frozen=True)
class Glance:
    """This month at a glance, with the uids behind each count so each item can open what
    it counts."""

    month: str
    started: dict[str, list[str]] = field(default_factory=dict)
    """Tool id -> uids of worksheets started this month."""
    finished: dict[str, list[str]] = field(default_factory=dict)
    """Tool id -> uids of worksheets finished this month (complete, last changed this month)."""
    entries: list[str] = field(default_factory=list)
    top_tags: list[tuple[str, int]] = field(default_factory=list)
    starred: list[str] = field(default_factory=list)
    practices: int | None = None
    """Practices done this month; None while the app has no practice log."""
    practice_minutes: float = 0.0
    """The minutes actually practiced in them (as the practice log records them)."""
    next_steps: list[str] = field(default_factory=list)
    """Coaching next steps not yet done."""


def glance(
    month: str,
    entries: Sequence[JournalEntry],
    worksheets: Sequence[Worksheet],
    *,
    tz: tzinfo | None = None,
    practices: Sequence[LogEntry] | None = None,
    next_steps: Sequence[str] = (),
) -> Glance:
    """Count the month's work from the store's contents (`practices`: the practice log)."""
    mine = [e for e in entries if month_of(e.created, tz) == month]
    done = None if practices is None else [p for p in practices if month_of(p.started, tz) == month]
    started: dict[str, list[str]] = {}
    finished: dict[str, list[str]] = {}
    for sheet in sorted(worksheets, key=lambda w: w.created):
        if month_of(sheet.created, tz) == month:
            started.setdefault(sheet.tool_id, []).append(sheet.uid)
        if sheet.status == COMPLETE and month_of(sheet.updated, tz) == month:
            finished.setdefault(sheet.tool_id, []).append(sheet.uid)
    return Glance(
        month=month,
        started=started,
        finished=finished,
        entries=[e.uid for e in mine],
        top_tags=all_tags(mine)[:TOP_TAGS],
        starred=[e.uid for e in mine if e.starred],
        practices=None if done is None else len(done),
        practice_minutes=sum(p.minutes for p in done or ()),
        next_steps=list(next_steps),
    )


def _by_tool(counts: dict[str, list[str]], titles: dict[str, str]) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{titles.get(tool, tool)} {len(uids)}" for tool, uids in counts.items())


def glance_lines(summary: Glance, titles: dict[str, str]) -> list[tuple[str, str]]:
    """(key, text) lines for showing the glance; the key says what the line opens."""
    tags = ", ".join(f"#{tag} ({n})" for tag, n in summary.top_tags)
    lines = [
        (
            "started",
            f"Worksheets started: {sum(map(len, summary.started.values()))}"
            f" ({_by_tool(summary.started, titles)})",
        ),
        (
            "finished",
            f"Worksheets finished: {sum(map(len, summary.finished.values()))}"
            f" ({_by_tool(summary.finished, titles)})",
        ),
        (
            "entries",
            f"Journal entries: {len(summary.entries)}"
            + (f"; most used tags {tags}" if tags else ""),
        ),
        ("starred", f"Starred entries: {len(summary.starred)}"),
        (
            "practices",
            "Practices done: "
            + (
                "no practice log yet"
                if summary.practices is None
                else f"{summary.practices}"
                + (f" ({round(summary.practice_minutes, 1):g} min)" if summary.practices else "")
            ),
        ),
    ]
    lines += [("steps", f"Next step from coaching: {step}") for step in summary.next_steps]
    return lines


@dataclass(frozen=True)
class Reflection:
    """One month's reflection: answers keyed by question id (answers to questions the
    content no longer has are kept)."""

    month: str
    updated: datetime
    answers: dict[str, str] = field(default_factory=dict)
    status: str = DRAFT

    def answer(self, question_id: str) -> str:
        return self.answers.get(question_id, "")

    def with_answer(self, question_id: str, text: str, now: datetime) -> Reflection:
        answers = dict(self.answers)
        if text.strip():
            answers[question_id] = text
        else:
            answers.pop(question_id, None)
        return replace(self, answers=answers, updated=now)

    def marked(self, status: str, now: datetime) -> Reflection:
        return replace(self, status=status, updated=now)

    def coach_question(self, prompts: ReflectionPrompts | None) -> str:
        question = prompts.coach_question if prompts else None
        return self.answer(question.id).strip() if question else ""

    def to_doc(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "answers": dict(self.answers),
            "status": self.status,
            "updated": self.updated.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Reflection:
        return cls(
            month=str(doc["month"]),
            answers={str(k): str(v) for k, v in doc.get("answers", {}).items()},
            status=str(doc.get("status", DRAFT)),
            updated=datetime.fromisoformat(doc["updated"]),
        )


def status_of(reflection: Reflection | None) -> str:
    return NOT_STARTED if reflection is None else reflection.status


def months_listed(
    current: str, reflections: Sequence[Reflection], earliest: str | None
) -> list[str]:
    """Months to list, newest first: from the current one (or a later month with a
    reflection) back to the earliest month with any work or reflection, at most 24."""
    written = [r.month for r in reflections]
    oldest = min([current, *written, *([earliest] if earliest else [])])
    months: list[str] = []
    month = max([current, *written])
    while month >= oldest and len(months) < 24:
        months.append(month)
        month = previous_month(month)
    return months


def reflection_markdown(
    summary: Glance,
    reflection: Reflection | None,
    prompts: ReflectionPrompts | None,
    titles: dict[str, str],
) -> str:
    """The month as Markdown for a coach: the month at a glance, then each prompt and answer."""
    status = status_of(reflection)
    lines = [f"# Monthly reflection: {month_name(summary.month)}", "", f"Status: {status}", ""]
    lines += ["## This month at a glance", ""]
    lines += [f"- {text}" for _key, text in glance_lines(summary, titles)]
    lines.append("")
    questions = prompts.questions if prompts else ()
    if reflection is None:
        lines += ["*No reflection written for this month yet.*", ""]
        return "\n".join(lines)
    for question in questions:
        lines += [
            f"## {question.text}",
            "",
            reflection.answer(question.id).strip() or "*(no answer)*",
            "",
        ]
    known = {q.id for q in questions}
    for key, text in reflection.answers.items():
        if key not in known:
            lines += [f"## {key}", "", text.strip(), ""]
    return "\n".join(lines)

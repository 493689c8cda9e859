"""A session plan in words: the `session show` lines, the printable run sheet (Markdown) and the
record of a run for the team (Markdown). Pure functions of the schedule, the content and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from csa_companion.content.library import Library
from csa_companion.content.model import Block, LearnPage, Practice, Tool
from csa_companion.domain.session import PlannedBlock, Schedule, SessionRun, stand_text

NOTE_LABELS = (
    ("say", "Say"),
    ("watch", "Watch for"),
    ("debrief", "Debrief"),
    ("safety", "Keeping it safe to speak"),
)
KIND_WORDS = {
    "practice": "settling practice",
    "check-in": "check-in",
    "journal": "journaling",
    "content": "content",
    "exercise": "team exercise",
    "breakout": "breakout",
    "reflection": "reflection",
    "break": "break",
    "closing": "closing",
}


def kind_words(block: Block, library: Library) -> str:
    """What kind of block it is, in words; a practice block names its own practice (its
    title in the content), not "settling practice" whatever it is."""
    item = library.get(block.practice) if block.practice else None
    if block.kind == "practice" and isinstance(item, Practice):
        return item.title
    return KIND_WORDS.get(block.kind, block.kind)


def session_title(schedule: Schedule) -> str:
    return schedule.title


def shows(block: Block, library: Library) -> list[tuple[str, str]]:
    """What the group sees in a block, as (label, text) pairs."""
    found: list[tuple[str, str]] = []
    if block.practice:
        item = library.get(block.practice)
        found.append(("Practice", item.title if isinstance(item, Practice) else block.practice))
    if block.learn:
        item = library.get(block.learn)
        title = item.title if isinstance(item, LearnPage | Tool) else block.learn
        found.append(("Page", title))
    if block.tool:
        item = library.get(block.tool)
        found.append(("Tool", item.title if isinstance(item, Tool) else block.tool))
    if block.question:
        found.append(("Question", block.question))
    if block.prompt:
        found.append(("Prompt", block.prompt))
    if block.instructions:
        found.append(("Instructions", block.instructions))
    if block.speakers:
        found.append(("Talking piece", f"{block.speakers} speakers x {block.turn_minutes:g} min"))
    return found


def notes(block: Block, library: Library) -> list[tuple[str, str]]:
    """The facilitator's notes for a block, with the tool's own notes where it has them (its
    introduction for a lesson; its activity, debrief and safety notes for a team exercise)."""
    found = [(label, getattr(block, key)) for key, label in NOTE_LABELS if getattr(block, key)]
    tool = library.get(block.tool) if block.tool else None
    extra = getattr(tool, "facilitator", None) if isinstance(tool, Tool) else None
    if extra is not None:
        name = tool.title if tool else ""
        if block.kind == "content":
            found.append((f"{name}: introducing it", extra.introduce))
        elif block.kind in ("exercise", "breakout"):
            found += [
                (f"{name}: the activity", extra.activity),
                (f"{name}: debrief", extra.debrief),
                (f"{name}: power and safety", extra.safety),
            ]
    return [(label, text) for label, text in found if text]


def minutes_text(minutes: float) -> str:
    return f"{minutes:g} min"


def clock(start: datetime | None, seconds: float) -> str:
    return f"{start + timedelta(seconds=seconds):%H:%M}" if start else f"+{seconds / 60:g}m"


def show_lines(schedule: Schedule, library: Library, start: datetime | None, where: str) -> str:
    """`session show`: one line a block with its planned start, then what the group sees."""
    lines = [
        f"{schedule.title} ({schedule.plan_id}) · {minutes_text(schedule.total / 60)}"
        + (f" · tools: {', '.join(schedule.tools)}" if schedule.tools else ""),
        f"starts {start:%H:%M} ({where})" if start else "start time: none given",
    ]
    for planned in schedule.blocks:
        block = planned.block
        lines.append(
            f"{clock(start, planned.start):>6}  {minutes_text(block.minutes):>7}  "
            f"{block.kind:<10}  {block.title}"
        )
        for label, text in shows(block, library):
            lines.append(f"{'':27}{label}: {text}")
    return "\n".join(lines) + "\n"


def show_doc(schedule: Schedule, library: Library, start: datetime | None) -> dict[str, Any]:
    """`session show --json`."""
    return {
        "id": schedule.plan_id,
        "title": schedule.title,
        "session": schedule.session,
        "minutes": schedule.total / 60,
        "tools": list(schedule.tools),
        "start": f"{start:%H:%M}" if start else None,
        "blocks": [
            {
                "id": p.block.id,
                "title": p.block.title,
                "kind": p.block.kind,
                "minutes": p.block.minutes,
                "start": clock(start, p.start) if start else None,
                "offset_minutes": p.start / 60,
                "shows": {label.lower(): text for label, text in shows(p.block, library)},
                "notes": {label: text for label, text in notes(p.block, library)},
            }
            for p in schedule.blocks
        ],
    }


def run_sheet(schedule: Schedule, library: Library, start: datetime | None, when: str = "") -> str:
    """A printable run sheet: every block with its times, what the group sees, the notes."""
    lines = [f"# Run sheet: {schedule.title}", ""]
    if when:
        lines += [when, ""]
    if schedule.tools:
        lines += [f"Tools: {', '.join(_tool_title(t, library) for t in schedule.tools)}", ""]
    lines += ["| Start | Minutes | Block | Kind |", "| --- | --- | --- | --- |"]
    for planned in schedule.blocks:
        block = planned.block
        lines.append(
            f"| {clock(start, planned.start)} | {block.minutes:g} | {_cell(block.title)} "
            f"| {_cell(kind_words(block, library))} |"
        )
    for planned in schedule.blocks:
        lines += ["", *_block_section(planned, library, start)]
    return "\n".join(lines).rstrip() + "\n"


def _block_section(planned: PlannedBlock, library: Library, start: datetime | None) -> list[str]:
    block = planned.block
    span = f"{clock(start, planned.start)}-{clock(start, planned.end)}"
    lines = [f"## {span} {block.title} ({kind_words(block, library)})", ""]
    for label, text in shows(block, library):
        lines.append(f"- **{label}:** {text}")
    found = notes(block, library)
    if found:
        lines += ["", "Notes for the facilitator:", ""]
        lines += [f"- **{label}:** {text}" for label, text in found]
    return lines


def _tool_title(tool_id: str, library: Library) -> str:
    item = library.get(tool_id)
    return item.title if isinstance(item, Tool) else tool_id


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


@dataclass(frozen=True)
class MadeWorksheet:
    """A group worksheet made during the run (title and tool only: its answers stay in it)."""

    title: str
    tool: str
    block: str
    uid: str = ""


def record(
    run: SessionRun,
    now: float,
    library: Library,
    worksheets: list[MadeWorksheet],
) -> str:
    """The record of a run for the team: the blocks as run, with their actual times, the
    questions and prompts used, the group worksheets made. Nothing anyone wrote or said."""
    schedule = run.schedule
    started = run.started
    moment = run.moment(now)
    lines = [f"# Session record: {schedule.title}", ""]
    if started:
        finish = started + timedelta(seconds=moment.elapsed)
        lines += [f"{started:%A %d %B %Y}, {started:%H:%M} to {finish:%H:%M}", ""]
    lines += [
        f"Planned: {minutes_text(schedule.total / 60)}. Ran: {_duration(moment.elapsed)}"
        f" ({_against_plan(moment.elapsed - schedule.total)}).",
        "",
        "## Blocks as run",
        "",
        "| Block | Planned | Start | End | Minutes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for visit in run.visits:
        planned = schedule.blocks[visit.index]
        end = visit.end if visit.end is not None else moment.elapsed
        lines.append(
            f"| {_cell(planned.block.title)} | {planned.block.minutes:g} "
            f"| {clock(started, visit.start)} | {clock(started, end)} "
            f"| {(end - visit.start) / 60:.0f} |"
        )
    skipped = [p for n, p in enumerate(schedule.blocks) if n not in {v.index for v in run.visits}]
    if skipped:
        lines += ["", "Not reached: " + ", ".join(p.block.title for p in skipped) + "."]
    used = []
    for index in dict.fromkeys(v.index for v in run.visits):
        block = schedule.blocks[index].block
        for label, text in (("Question", block.question), ("Prompt", block.prompt)):
            if text:
                used.append(f"- {label} ({block.title}): {text}")
    if used:
        lines += ["", "## Questions and prompts used", "", *used]
    lines += ["", "## Group worksheets made", ""]
    if worksheets:
        lines += [f"- {w.title} ({_tool_title(w.tool, library)}, in {w.block})" for w in worksheets]
        lines += ["", "They are saved with the group worksheets (`worksheet list`)."]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def _against_plan(over: float) -> str:
    words = stand_text(over)
    return words.replace("behind", "over").replace("ahead", "early")


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"

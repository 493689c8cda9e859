"""A tool's facilitator notes as Markdown: time, introduction, activity, debrief, safety."""

from __future__ import annotations

from csa_companion.content.model import Tool

HEADING = "For facilitators"


def facilitator_markdown(tool: Tool) -> str:
    """The notes under a "For facilitators" heading, or "" for a tool without notes."""
    notes = tool.facilitator
    if notes is None:
        return ""
    return "\n\n".join(
        [
            f"## {HEADING}",
            f"**Time with a group:** about {notes.minutes} minutes, from introduction to debrief.",
            f"**Introducing it.** {notes.introduce}",
            f"**In the room or in breakout rooms.** {notes.activity}",
            f"**Debrief.** {notes.debrief}",
            f"**Power and safety with the director present.** {notes.safety}",
        ]
    )


def lesson_markdown(tool: Tool) -> str:
    """The tool's lesson, followed by its facilitator notes when it has them."""
    notes = facilitator_markdown(tool)
    return f"{tool.body}\n\n{notes}" if notes else tool.body

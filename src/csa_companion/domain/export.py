"""Markdown export of a worksheet: answers under step headings, then the text diagram."""

from __future__ import annotations

from collections.abc import Sequence

from csa_companion.content.model import Act, Step, Tool
from csa_companion.domain.diagrams import render_diagram
from csa_companion.domain.four_player import (
    MIN_OBSERVATIONS,
    NOT_DETECTABLE_NOTE,
    detect_patterns,
    tally,
)
from csa_companion.domain.worksheet import Observation, Worksheet, status_words

DIAGRAM_WIDTH = 72


def export_file_name(worksheet: Worksheet) -> str:
    """A file name that says what the export is and does not clash with another export."""
    return f"{worksheet.tool_id}-{worksheet.updated:%Y-%m-%d}-{worksheet.uid[:6]}.md"


def worksheet_markdown(tool: Tool, worksheet: Worksheet) -> str:
    """The worksheet as a Markdown document a person can keep, print or share."""
    diagram = render_diagram(tool, worksheet, DIAGRAM_WIDTH).plain.rstrip()
    return f"{answers_markdown(tool, worksheet)}\n## Diagram\n\n```text\n{diagram}\n```\n"


def answers_markdown(tool: Tool, worksheet: Worksheet, *, heading: bool = True) -> str:
    """Title (unless `heading` is False), then every step's prompts and answer; orphaned
    answers and observations last."""
    status = status_words(worksheet.status)
    lines = []
    kind = " · group worksheet" if worksheet.group else " · team" if worksheet.team else ""
    if heading:
        lines += [
            f"# {worksheet.title or tool.title}",
            "",
            f"*{tool.title}*{kind} · {status} · started {worksheet.created:%Y-%m-%d %H:%M %z}"
            f" · last changed {worksheet.updated:%Y-%m-%d %H:%M %z}",
            "",
        ]
    team = worksheet.asks_as_team
    for number, step in enumerate(tool.steps, start=1):
        lines += [f"## {number}. {step.title_for(team)}", ""]
        for prompt in step.prompts_for(team):
            lines.append(f"> {prompt}")
        lines += ["", _answer(step, worksheet) or "*(no answer)*", ""]
    orphans = worksheet.orphaned_answers(tool)
    if orphans:
        lines += ["## Answers to steps this tool no longer has", ""]
        for step_id, text in orphans.items():
            lines += [f"### {step_id}", "", text.strip(), ""]
    if worksheet.observations:
        lines += ["## Observed acts", ""]
        names = {a.id: a.name for a in tool.acts}
        for observation in worksheet.observations:
            who = f" ({observation.name})" if observation.name else ""
            lines.append(
                f"- {observation.at:%H:%M:%S} {names.get(observation.act, observation.act)}{who}"
            )
        counts = tally(worksheet.observations, tool.acts)
        lines += ["", "Tally: " + ", ".join(f"{names[a]} {n}" for a, n in counts.items()), ""]
        lines += _patterns(worksheet.observations, tool.acts)
    return "\n".join(lines)


def _patterns(observations: Sequence[Observation], acts: Sequence[Act]) -> list[str]:
    """The stuck patterns the observer screen names, with what to try."""
    found = detect_patterns(observations, acts)
    lines = ["## Stuck patterns", ""]
    if len(observations) < MIN_OBSERVATIONS:
        lines.append(f"Fewer than {MIN_OBSERVATIONS} acts recorded: too few to name a pattern.")
    elif not found:
        lines.append("No stuck pattern showed in the acts recorded.")
    lines += [f"- **{p.name}.** {p.explanation} *Try:* {p.suggestion}" for p in found]
    return [*lines, "", NOT_DETECTABLE_NOTE, ""]


def _answer(step: Step, worksheet: Worksheet) -> str:
    """A step's answer as Markdown: a choice in bold, then the words written beside it."""
    if not step.choices:
        return worksheet.answer(step.id).strip()
    chosen, words = worksheet.chosen(step), worksheet.words(step).strip()
    return "\n\n".join(part for part in (f"**{chosen}**" if chosen else "", words) if part)

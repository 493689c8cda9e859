"""Markdown export of a worksheet: answers under step headings, then the text diagram."""

from __future__ import annotations

from csa_companion.content.model import Step, Tool
from csa_companion.domain.diagrams import render_diagram
from csa_companion.domain.worksheet import COMPLETE, Worksheet

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
    status = "complete" if worksheet.status == COMPLETE else "draft"
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
    for number, step in enumerate(tool.steps, start=1):
        lines += [f"## {number}. {step.title}", ""]
        for prompt in step.prompts_for(worksheet.asks_as_team):
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
        lines.append("")
    return "\n".join(lines)


def _answer(step: Step, worksheet: Worksheet) -> str:
    """A step's answer as Markdown: a choice in bold, then the words written beside it."""
    if not step.choices:
        return worksheet.answer(step.id).strip()
    chosen, words = worksheet.chosen(step), worksheet.words(step).strip()
    return "\n\n".join(part for part in (f"**{chosen}**" if chosen else "", words) if part)

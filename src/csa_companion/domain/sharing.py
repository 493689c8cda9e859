"""Share bundles: chosen worksheets, reflections and entries, for a teammate or a coach.

A bundle carries each chosen record as stored and as readable Markdown (worksheets with their
text diagram), so the receiver sees the diagram even without the sharer's content files. It
carries nothing that was not chosen: a shared reflection holds its answers, not the month at a
glance (which counts the sharer's other entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csa_companion.content.model import ReflectionPrompts, Tool
from csa_companion.domain.export import worksheet_markdown
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.reflection import Reflection, month_name, status_of
from csa_companion.domain.worksheet import Worksheet, status_words

BUNDLE_FORMAT = "csa-companion-share"
BUNDLE_VERSION = 1
WORKSHEET, REFLECTION, ENTRY = "worksheet", "reflection", "entry"
KINDS = {WORKSHEET: "worksheets", REFLECTION: "reflections", ENTRY: "journal"}  # kind -> table


@dataclass(frozen=True)
class SharedItem:
    """One record in a bundle or on the shelf."""

    kind: str
    title: str
    text: str  # Markdown, diagrams included
    document: dict[str, Any]  # the record as its own store keeps it
    detail: str = ""
    """What tells it from others of the same title (a worksheet's tool, when it was started and
    its status); shown where records are chosen, not put in a bundle."""

    @property
    def ident(self) -> str:
        doc = self.document
        return str(doc.get("uid") or doc.get("month") or "")

    def to_doc(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "document": self.document,
        }


def worksheet_item(sheet: Worksheet, tool: Tool | None) -> SharedItem:
    title = sheet.title or (tool.title if tool else sheet.tool_id)
    if tool is None:
        text = f"# {title}\n\n" + "\n\n".join(
            f"## {step}\n\n{answer}" for step, answer in sheet.answers.items()
        )
    else:
        text = worksheet_markdown(tool, sheet)
    label = "Group worksheet" if sheet.group else "Worksheet"
    detail = (
        f"{tool.title if tool else sheet.tool_id} · started {sheet.created:%a %d %b %Y %H:%M}"
        f" · {status_words(sheet.status)}"
    )
    return SharedItem(WORKSHEET, f"{label}: {title}", text, sheet.to_doc(), detail)


def reflection_item(reflection: Reflection, prompts: ReflectionPrompts | None) -> SharedItem:
    title = f"Monthly reflection: {month_name(reflection.month)}"
    lines = [f"# {title}", "", f"Status: {status_of(reflection)}", ""]
    questions = prompts.questions if prompts else ()
    for question in questions:
        lines += [
            f"## {question.text}",
            "",
            reflection.answer(question.id).strip() or "*(no answer)*",
        ]
        lines.append("")
    known = {q.id for q in questions}
    for key, text in reflection.answers.items():
        if key not in known:
            lines += [f"## {key}", "", text.strip(), ""]
    return SharedItem(
        REFLECTION, title, "\n".join(lines), reflection.to_doc(), status_of(reflection)
    )


def entry_item(entry: JournalEntry) -> SharedItem:
    tags = " ".join(f"#{t}" for t in entry.tags)
    meta = f"*{entry.created:%Y-%m-%d %H:%M}*" + (f" · {tags}" if tags else "")
    text = f"# {entry.display_title}\n\n{meta}\n\n{entry.body}\n"
    detail = f"written {entry.created:%a %d %b %Y %H:%M}" + (f" · {tags}" if tags else "")
    return SharedItem(ENTRY, f"Entry: {entry.display_title}", text, entry.to_doc(), detail)

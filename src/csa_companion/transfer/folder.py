"""The data folder as a readable folder of Markdown files, to keep, print or hand to a coach.

README.md                    what is where
journal/YYYY-MM.md           the journal by month, oldest entry first
worksheets/<tool>-<date>-<id>.md   each worksheet with its text diagram
reflections/YYYY-MM.md       each monthly reflection, with the month at a glance
surveys/surveys.md, surveys/survey-answers.csv
coaching.md, practice-log.md
shared-with-me/<sharer>/...  what others shared, as they shared it
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from csa_companion.content.library import Library
from csa_companion.content.model import Tool
from csa_companion.domain.export import export_file_name, worksheet_markdown
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.reflection import month_name, reflection_markdown
from csa_companion.domain.sharing import worksheet_item
from csa_companion.domain.survey import CSV_ENCODING, PARTICIPANT, item_texts, survey_csv
from csa_companion.domain.wording import file_part
from csa_companion.errors import UsageError
from csa_companion.storage.practice_log import PracticeLogRepo
from csa_companion.storage.private_files import write_atomic
from csa_companion.storage.program_repos import Rhythm
from csa_companion.storage.repos import JournalRepo, SettingsRepo, WorksheetRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer.bundles import ShelfRepo
from csa_companion.transfer.records import Progress


def markdown_files(stores: Stores, library: Library) -> dict[str, str]:
    """Relative path -> Markdown text for everything in the stores."""
    rhythm = Rhythm.open(stores)
    entries = JournalRepo(stores["journal"]).all()
    sheets = WorksheetRepo(stores["worksheets"]).all()
    files: dict[str, str] = {}
    by_month: dict[str, list[JournalEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.created):
        by_month[f"{entry.created:%Y-%m}"].append(entry)
    for month, month_entries in by_month.items():
        files[f"journal/{month}.md"] = _journal_month(month, month_entries)
    for sheet in sheets:
        tool = library.get(sheet.tool_id)
        text = (
            worksheet_markdown(tool, sheet)
            if isinstance(tool, Tool)
            else worksheet_item(sheet, None).text + "\n"
        )
        files[f"worksheets/{export_file_name(sheet)}"] = text
    practices = PracticeLogRepo(stores).all()
    titles = {t.id: t.title for t in library.tools}
    for reflection in rhythm.reflections.all():
        summary = rhythm.glance(reflection.month, entries, sheets, practices)
        text = reflection_markdown(summary, reflection, library.reflection, titles)
        files[f"reflections/{reflection.month}.md"] = text
    surveys = rhythm.surveys.all()
    if surveys:
        code = SettingsRepo(stores["settings"]).get(PARTICIPANT) or ""
        files["surveys/survey-answers.csv"] = survey_csv(surveys, code)
        survey = library.survey
        texts = item_texts(survey, titles) if survey is not None else {}
        files["surveys/surveys.md"] = _surveys(rhythm, texts)
    notes = rhythm.coaching.all()
    if notes:
        files["coaching.md"] = _coaching(rhythm)
    log = PracticeLogRepo(stores).all()
    if log:
        rows = [f"| {e.started:%Y-%m-%d %H:%M} | {e.title} | {e.minutes:g} |" for e in log]
        table = ["| When | Practice | Minutes |", "| --- | --- | --- |", *rows]
        files["practice-log.md"] = "# Practice log\n\n" + "\n".join(table) + "\n"
    for item in ShelfRepo(stores).all():
        folder = f"shared-with-me/{file_part(item.sharer)}"
        files[f"{folder}/{item.item.kind}-{file_part(item.item.ident)}.md"] = item.item.text
    files["README.md"] = _index(files)
    return files


def write_folder(
    stores: Stores, library: Library, out: Path, progress: Progress | None = None
) -> int:
    """Write the folder (each file atomically, 0600); returns how many files were written.
    Nothing is written when a file would land in the data folder (a data folder named
    `journal` and the folder above it as `out`)."""
    files = markdown_files(stores, library)
    for relative in sorted(files):
        if stores.paths.would_replace_data(out / relative):
            raise UsageError(
                f"{out} would put the Markdown file {relative} into the data folder "
                f"{stores.paths.root}; write it somewhere else (such as {stores.paths.exports})"
            )
    for done, (relative, text) in enumerate(sorted(files.items()), start=1):
        encoding = CSV_ENCODING if relative.endswith(".csv") else "utf-8"
        write_atomic(out / relative, text.encode(encoding))
        if progress:
            progress(done, len(files))
    return len(files)


def _journal_month(month: str, entries: list[JournalEntry]) -> str:
    lines = [f"# Journal: {month_name(month)}", ""]
    for entry in entries:
        star = " ★" if entry.starred else ""
        lines += [f"## {entry.display_title}{star}", "", f"*{entry.created:%Y-%m-%d %H:%M}*"]
        if entry.tags:
            lines.append("Tags: " + " ".join(f"#{t}" for t in entry.tags))
        lines += ["", entry.body.rstrip(), ""]
    return "\n".join(lines)


def _surveys(rhythm: Rhythm, texts: dict[str, str]) -> str:
    """Every survey, each answer under its statement's words (and its id, which the CSV uses),
    so answers to statements no longer asked still read."""
    lines = ["# Surveys", ""]
    for response in sorted(rhythm.surveys.all(), key=lambda r: (r.session, r.when)):
        lines += [f"## Session {response.session}, {response.when} ({response.status})", ""]
        for item_id, answer in response.answers.items():
            rating = answer.rating if answer.rating is not None else "–"
            comment = f": {answer.comment}" if answer.comment else ""
            said = f"{texts[item_id]} ({item_id})" if item_id in texts else item_id
            lines.append(f"- {said}: {rating}{comment}")
        lines.append("")
    return "\n".join(lines)


def _coaching(rhythm: Rhythm) -> str:
    lines = ["# Coaching log", ""]
    for note in rhythm.coaching.all():
        lines += [f"## {note.day:%Y-%m-%d}", ""]
        if note.question:
            lines += [f"**Question:** {note.question}", ""]
        if note.notes:
            lines += [note.notes.rstrip(), ""]
        lines += [f"- [{'x' if s.done else ' '}] {s.text}" for s in note.steps]
        lines.append("")
    return "\n".join(lines)


def _index(files: dict[str, str]) -> str:
    lines = ["# csa-companion export", "", "Everything you wrote, one Markdown file per item.", ""]
    lines += [f"- [{path}]({path})" for path in sorted(files)]
    return "\n".join(lines) + "\n"

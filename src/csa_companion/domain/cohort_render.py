"""The cohort report written out: Markdown with text bars, spreadsheet-safe CSV, JSON, an SVG chart.

Pure functions of a `domain.cohort.CohortReport`; the numbers are computed there. Text that came
from the files read (statement ids, comments) is shown with control characters as U+FFFD and
escaped for each format.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from csa_companion.domain.cohort import ALL, PROBLEMS_SHOWN, Cell, CohortReport, Statement
from csa_companion.domain.survey import PRE, safe_cell
from csa_companion.domain.wording import plural, shown

SCALE_LOW, SCALE_HIGH = 1, 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# -- rendering ----------------------------------------------------------------------------------

BAR = 20  # characters for the 1-5 scale in text bars


def count(number: int, noun: str) -> str:
    """'1 file', '2,000 participants'."""
    return f"{number:,} {noun if number == 1 else noun + 's'}"


def fewer(min_n: int) -> str:
    """What a cell with too few participants shows instead of numbers: 'fewer than 3', or
    'none' when one participant is enough (--min-n 1 printed 'fewer than 1')."""
    return "none" if min_n <= 1 else f"fewer than {min_n}"


def too_few(min_n: int) -> str:
    """'fewer than 3 participants', or 'no participants' when one is enough."""
    return "no participants" if min_n <= 1 else f"fewer than {min_n} participants"


def held_note(report: CohortReport) -> str:
    """Why some comments are not shown (the report and the Cohort screen)."""
    return (
        f"{plural(report.comments_held, 'comment')} not shown: {too_few(report.min_n)} rated "
        "that statement at that moment."
    )


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return "+0.00" if signed and text == "-0.00" else text


def session_name(session: int | None) -> str:
    return "all sessions" if session is None else f"session {session}"


def bar(value: float) -> str:
    """A rating from 1 to 5 as BAR characters: █ for the part reached, · for the rest."""
    filled = round((value - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW) * BAR)
    filled = max(0, min(BAR, filled))
    return "█" * filled + "·" * (BAR - filled)


def text_bars(report: CohortReport, *, details: bool = False, width: int = 76) -> list[str]:
    """Growth per statement as lines of text no wider than `width` (60 or more): for each
    statement (its words wrapped), a bar for the mean before and one for the mean after (all
    sessions, then each session); with `details`, rose/stayed/fell and d_z under each."""
    lines: list[str] = []
    for statement in report.statements:
        name = label(statement, 200)
        if statement.known:
            name += f" [{_short(statement.item, 40)}]"
        lines += textwrap.wrap(name, width, break_on_hyphens=False) or [""]
        for cell in (statement.overall, *statement.sessions):
            where = f"  {session_name(cell.session):<12}"
            if not cell.shown or cell.before is None or cell.after is None:
                lines.append(f"{where} {too_few(report.min_n)}")
                continue
            lines.append(f"{where} before {bar(cell.before)} {cell.before:.2f}")
            lines.append(
                f"{'':<14} after  {bar(cell.after)} {cell.after:.2f}  "
                f"{_num(cell.change, signed=True)}  n={cell.n}"
            )
            if details:
                lines.append(
                    f"{'':<21}rose {cell.rose}, stayed {cell.stayed}, fell {cell.fell}; "
                    f"d_z {_num(cell.d_z, signed=True)}"
                )
        lines.append("")
    return lines


def comment_lines(report: CohortReport) -> list[tuple[str, list[str]]]:
    """The comments under headings (statement, session, before/after), as plain text."""
    texts = {s.item: s for s in report.statements}
    groups: list[tuple[str, list[str]]] = []
    heading = None
    for comment in report.comments:
        here = (comment.item, comment.session, comment.when)
        if here != heading:
            when = "before" if comment.when == PRE else "after"
            statement = texts.get(comment.item)
            name = label(statement) if statement is not None else shown(comment.item)
            groups.append((f"{name} — session {comment.session}, {when}", []))
            heading = here
        groups[-1][1].append(" ".join(shown(comment.text).split()))
    return groups


def _short(text: str, width: int) -> str:
    text = " ".join(shown(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _md(text: str) -> str:
    """Text for a Markdown table cell or list item: one line, control characters shown as
    U+FFFD, and the characters that would change the layout escaped."""
    text = " ".join(_CONTROL.sub("\ufffd", text).split())
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


EFFECT_NOTE = (
    "Effect size: Cohen's d_z, the mean change divided by the standard deviation of the "
    "changes (n − 1). Roughly, 0.2 is small, 0.5 medium and 0.8 large; with few participants "
    "it is a rough guide only. “—” where it is not defined: fewer than two participants, or "
    "every participant changed by the same amount (no spread)."
)
OVERALL_NOTE = (
    "All sessions: each participant counts once, with their ratings before and after "
    "averaged over the sessions in which they rated the statement both times."
)


def markdown(report: CohortReport, chart: str | None = None) -> str:
    """The report as Markdown: what was read, the notes, a summary table, text bars, a table
    per session, and comments when they were asked for. `chart` names the chart image."""
    lines = ["# Cohort report", ""]
    lines += [
        f"{count(report.participants, 'participant')}, "
        f"{count(report.answers, 'answer')} counted, from {count(report.files, 'file')}. "
        "Participants are known by their codes only; no code or name appears below.",
        "",
        "Paired n: participants who rated the statement both before and after the session. "
        "Before, after and change are their means (change = after − before, on the 1–5 "
        "scale); rose, stayed and fell count them by their own change. "
        f"{OVERALL_NOTE} A cell with {too_few(report.min_n)} shows “{fewer(report.min_n)}” "
        "instead of numbers.",
        "",
        EFFECT_NOTE,
        "",
    ]
    if chart:
        lines += [f"![Growth per statement]({chart})", ""]
    notes = notes_lines(report)
    if notes:
        lines += ["## Notes", "", *notes, ""]
    if not report.statements:
        lines += ["No survey answers were found.", ""]
        return "\n".join(lines)
    lines += ["## All sessions", "", *_md_table(report, [s.overall for s in report.statements]), ""]
    lines += ["## Growth per statement", "", "```text", *text_bars(report), "```", ""]
    sessions = {c.session for s in report.statements for c in s.sessions}
    for session in sorted(s for s in sessions if s is not None):
        cells = [c for s in report.statements for c in s.sessions if c.session == session]
        lines += [f"## Session {session}", "", *_md_table(report, cells), ""]
    if report.comments or report.comments_held:
        lines += ["## Comments", ""]
        if report.comments_held:
            lines += [held_note(report), ""]
        for heading, comments in comment_lines(report):
            lines += [f"### {_md(heading)}", "", *(f"- {_md(c)}" for c in comments), ""]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def notes(report: CohortReport) -> list[tuple[int, str]]:
    """What the reader should know about the input, as (depth, plain text) items: duplicates,
    malformed rows (named), files left out, encodings, drafts, statements of other editions."""
    found: list[tuple[int, str]] = []
    if report.duplicates or report.copies:
        parts = []
        if report.duplicates:
            parts.append(f"{plural(report.duplicates, 'answer')} given again differently")
        if report.copies:
            parts.append(f"{plural(report.copies, 'identical copy', 'identical copies')}")
        found.append(
            (
                0,
                "The same participant, session, before/after and statement more than once: "
                f"{' and '.join(parts)}. The latest counted (the later date; on the same day, "
                "the one read last).",
            )
        )
    if report.malformed:
        found.append(
            (0, f"{plural(report.malformed, 'malformed row')} left out; the rest counted:")
        )
        found += [(1, problem) for problem in report.problems[:PROBLEMS_SHOWN]]
        more = report.malformed - min(len(report.problems), PROBLEMS_SHOWN)
        if more > 0:
            found.append((1, f"and {more} more"))
    found += [(0, skipped) for skipped in report.skipped[:PROBLEMS_SHOWN]]
    if len(report.skipped) > PROBLEMS_SHOWN:
        found.append((0, f"and {len(report.skipped) - PROBLEMS_SHOWN} more files left out"))
    found += [(0, notice) for notice in report.notices[:PROBLEMS_SHOWN]]
    if report.blank:
        found.append((0, f"{plural(report.blank, 'answer')} without a rating (nothing to count)"))
    if report.drafts:
        found.append(
            (0, f"{plural(report.drafts, 'survey')} in exports never submitted (drafts), left out")
        )
    older = [s for s in report.statements if not s.current]
    if older:
        found.append(
            (
                0,
                f"{plural(len(older), 'statement')} not in the current survey (from another "
                "edition of it), each reported on its own under its id: "
                + ", ".join(s.item for s in older),
            )
        )
    return [(depth, shown(" ".join(text.split()))) for depth, text in found]


def notes_lines(report: CohortReport) -> list[str]:
    """`notes` as Markdown list items."""
    return [f"{'  ' * depth}- {_md(text)}" for depth, text in notes(report)]


def edition(statement: Statement) -> str:
    """Which survey asks the statement: 'current', 'earlier' (its words are known) or
    'unknown' (only its id: a survey this app never had)."""
    if statement.current:
        return "current"
    return "earlier" if statement.known else "unknown"


def label(statement: Statement, width: int = 90) -> str:
    """The statement as a reader should see it: its words, marked when no longer asked; its
    id when its words are not known."""
    kind = edition(statement)
    if kind == "current":
        return _short(statement.text, width)
    if kind == "earlier":
        return f"{_short(statement.text, width)} (earlier edition)"
    return f"{_short(statement.item, width)} (not in the current survey)"


def _md_table(report: CohortReport, cells: Sequence[Cell]) -> list[str]:
    texts = {s.item: s for s in report.statements}
    lines = [
        "| Statement | Paired n | Before | After | Change | Rose | Stayed | Fell | d_z |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for cell in cells:
        statement = texts[cell.item]
        kind = edition(statement)
        if kind == "unknown":
            name = _md(label(statement))
        else:
            also = ", earlier edition" if kind == "earlier" else ""
            name = f"{_md(_short(statement.text, 90))} ({_md(cell.item)}{also})"
        if not cell.shown:
            lines.append(f"| {name} | {fewer(report.min_n)} | | | | | | | |")
            continue
        lines.append(
            f"| {name} | {cell.n} | {_num(cell.before)} | {_num(cell.after)} | "
            f"{_num(cell.change, signed=True)} | {cell.rose} | {cell.stayed} | {cell.fell} | "
            f"{_num(cell.d_z, signed=True)} |"
        )
    return lines


CSV_HEADER = (
    "item",
    "statement",
    "survey",
    "session",
    "paired_n",
    "mean_before",
    "mean_after",
    "mean_change",
    "sd_change",
    "rose",
    "stayed",
    "fell",
    "effect_size_dz",
)


def csv_text(report: CohortReport) -> str:
    """One row per statement and session (session "all" first): numbers as plain decimals,
    suppressed cells with "fewer than N" in paired_n and the rest empty. Text that came from
    the files is made safe for spreadsheets (`safe_cell`); numbers are the report's own."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for statement in report.statements:
        for cell in (statement.overall, *statement.sessions):
            head = [
                safe_cell(shown(statement.item)),
                safe_cell(shown(statement.text)) if statement.known else "",
                edition(statement),
                ALL if cell.session is None else str(cell.session),
            ]
            if not cell.shown:
                writer.writerow([*head, fewer(report.min_n), *[""] * 8])
                continue
            writer.writerow(
                [
                    *head,
                    cell.n,
                    _plain(cell.before),
                    _plain(cell.after),
                    _plain(cell.change),
                    _plain(cell.sd),
                    cell.rose,
                    cell.stayed,
                    cell.fell,
                    _plain(cell.d_z),
                ]
            )
    return out.getvalue()


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def json_data(report: CohortReport) -> dict[str, Any]:
    """The report as plain data: suppressed cells carry `"suppressed": true` and no numbers."""

    def cell(c: Cell) -> dict[str, Any]:
        where: dict[str, Any] = {"session": ALL if c.session is None else c.session}
        if not c.shown:
            return where | {"suppressed": True, "paired_n": fewer(report.min_n)}
        return where | {
            "suppressed": False,
            "paired_n": c.n,
            "mean_before": _round(c.before),
            "mean_after": _round(c.after),
            "mean_change": _round(c.change),
            "sd_change": _round(c.sd),
            "rose": c.rose,
            "stayed": c.stayed,
            "fell": c.fell,
            "effect_size_dz": _round(c.d_z),
        }

    return {
        "format": "csa-companion-cohort-report",
        "version": 1,
        "effect_size": "Cohen's d_z: mean change / standard deviation of the changes (n - 1)",
        "min_n": report.min_n,
        "participants": report.participants,
        "answers": report.answers,
        "files": report.files,
        "duplicates": {"differing": report.duplicates, "identical": report.copies},
        "malformed_rows": report.malformed,
        "problems": list(report.problems),
        "files_left_out": list(report.skipped),
        "notices": list(report.notices),
        "without_rating": report.blank,
        "drafts": report.drafts,
        "statements": [
            {
                "item": s.item,
                "statement": s.text if s.known else None,
                "survey": edition(s),
                "all_sessions": cell(s.overall),
                "sessions": [cell(c) for c in s.sessions],
            }
            for s in report.statements
        ],
        "comments": [
            {"item": c.item, "session": c.session, "when": c.when, "comment": c.text}
            for c in report.comments
        ],
        "comments_not_shown": report.comments_held,
    }


def json_text(report: CohortReport) -> str:
    return json.dumps(json_data(report), indent=2, ensure_ascii=False) + "\n"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# -- the chart image ----------------------------------------------------------------------------

SVG_WIDTH = 860
_LEFT, _RIGHT = 150, 600  # where the 1-5 scale runs, in SVG units
_ROW, _HEAD = 22, 30
BEFORE_COLOR, AFTER_COLOR, INK, MUTED = "#6b7280", "#1d4ed8", "#111827", "#4b5563"


def svg(report: CohortReport, title: str = "Growth per statement") -> str:
    """Growth per statement as a standalone SVG image (opens in a browser, and in Word or
    LibreOffice as a picture): for each statement, a row for all sessions and one per session,
    a hollow dot at the mean before, a filled dot at the mean after, joined by a line, with the
    numbers beside it. Cells with fewer than min_n participants say so instead."""
    parts: list[str] = []
    y = 70

    def x(value: float) -> float:
        return _LEFT + (value - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW) * (_RIGHT - _LEFT)

    for statement in report.statements:
        name = label(statement, 110)
        parts.append(
            f'<text x="10" y="{y + 16}" font-weight="bold" fill="{INK}">'
            f"{_x(_short(name, 110))}</text>"
        )
        y += _HEAD
        for cell in (statement.overall, *statement.sessions):
            mid = y + _ROW / 2
            where = "All sessions" if cell.session is None else f"Session {cell.session}"
            weight = ' font-weight="bold"' if cell.session is None else ""
            parts.append(
                f'<text x="20" y="{mid + 4}" fill="{INK}"{weight}>{where}</text>'
                f'<line x1="{_LEFT}" y1="{mid}" x2="{_RIGHT}" y2="{mid}" stroke="#e5e7eb"/>'
            )
            if not cell.shown or cell.before is None or cell.after is None:
                parts.append(
                    f'<text x="{_LEFT + 8}" y="{mid + 4}" fill="{MUTED}" font-style="italic">'
                    f"{too_few(report.min_n)}</text>"
                )
            else:
                b, a = x(cell.before), x(cell.after)
                parts.append(
                    f'<line x1="{b:.1f}" y1="{mid}" x2="{a:.1f}" y2="{mid}" stroke="{INK}" '
                    'stroke-width="2"/>'
                    f'<circle cx="{b:.1f}" cy="{mid}" r="5" fill="white" '
                    f'stroke="{BEFORE_COLOR}" stroke-width="2"/>'
                    f'<circle cx="{a:.1f}" cy="{mid}" r="5" fill="{AFTER_COLOR}"/>'
                    f'<text x="{_RIGHT + 12}" y="{mid + 4}" fill="{INK}">'
                    f"{cell.before:.2f} → {cell.after:.2f} ({_num(cell.change, signed=True)}), "
                    f"n={cell.n}</text>"
                )
            y += _ROW
        y += 8
    height = y + 30
    ticks = "".join(
        f'<line x1="{x(v):.1f}" y1="52" x2="{x(v):.1f}" y2="{height - 30}" stroke="#d1d5db" '
        f'stroke-dasharray="2,3"/><text x="{x(v):.1f}" y="48" text-anchor="middle" '
        f'fill="{MUTED}">{v}</text>'
        for v in range(SCALE_LOW, SCALE_HIGH + 1)
    )
    legend = (
        f'<circle cx="{_RIGHT + 16}" cy="20" r="5" fill="white" stroke="{BEFORE_COLOR}" '
        f'stroke-width="2"/><text x="{_RIGHT + 26}" y="24" fill="{INK}">before</text>'
        f'<circle cx="{_RIGHT + 96}" cy="20" r="5" fill="{AFTER_COLOR}"/>'
        f'<text x="{_RIGHT + 106}" y="24" fill="{INK}">after</text>'
    )
    footer = (
        f'<text x="10" y="{height - 10}" fill="{MUTED}" font-size="11">'
        f"Mean rating of participants with both ratings (1–5). {report.participants} "
        f"participants; cells with {too_few(report.min_n)} are not drawn.</text>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{height}" '
        f'viewBox="0 0 {SVG_WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="13">\n'
        f"<title>{_x(title)}</title>\n"
        f'<rect width="{SVG_WIDTH}" height="{height}" fill="white"/>\n'
        f'<text x="10" y="24" font-size="18" font-weight="bold" fill="{INK}">{_x(title)}</text>\n'
        f"{legend}\n{ticks}\n" + "\n".join(parts) + f"\n{footer}\n</svg>\n"
    )


def _x(text: str) -> str:
    """Text for SVG: XML-escaped, without the control characters XML 1.0 forbids."""
    return xml_escape(_CONTROL.sub("\ufffd", text))

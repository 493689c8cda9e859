"""The session plan in words (show, run sheet, record) and the large type, without an app."""

from __future__ import annotations

from datetime import datetime

from csa_companion.content.loader import load_library
from csa_companion.content.model import SessionPlan
from csa_companion.domain.session import SessionRun, resolve
from csa_companion.domain.session_text import MadeWorksheet, record, run_sheet, show_lines
from csa_companion.paths import bundled_content_dir
from csa_companion.widgets.big_text import big_lines, fold

LIBRARY = load_library([bundled_content_dir()])
NINE = datetime(2027, 1, 19, 9, 0)


def plan(plan_id: str) -> SessionPlan:
    item = LIBRARY.get(plan_id)
    assert isinstance(item, SessionPlan)
    return item


def test_show_lists_each_block_with_its_planned_start() -> None:
    schedule = resolve(plan("session-1"), ["iceberg"], {"iceberg": "The Iceberg"})
    text = show_lines(schedule, LIBRARY, NINE, "from the program calendar")
    lines = text.splitlines()
    assert lines[0] == "Learning session 1 (session-1) · 240 min · tools: iceberg"
    assert lines[1] == "starts 09:00 (from the program calendar)"
    assert " 09:00   10 min  practice    Settling practice" in text
    assert " 12:50   10 min  closing     Closing" in text
    assert "Practice: Settling: arriving together" in text


def test_the_run_sheet_holds_times_notes_and_the_tools_own_notes() -> None:
    schedule = resolve(plan("session-1"), ["iceberg"], {"iceberg": "The Iceberg"})
    sheet = run_sheet(schedule, LIBRARY, NINE)
    assert sheet.startswith("# Run sheet: Learning session 1\n")
    assert "| 10:30 | 65 | The Iceberg: in teams | team exercise |" in sheet
    assert "## 10:30-11:35 The Iceberg: in teams (team exercise)" in sheet
    assert "- **Keeping it safe to speak:** The director's word" in sheet
    assert "- **The Iceberg: power and safety:** Mental models are where power shows" in sheet


def test_the_run_sheet_names_a_practice_block_by_its_own_practice() -> None:
    """Session 3 opens with paced breathing: the run sheet called it 'settling practice'."""
    schedule = resolve(plan("session-3"), [], {})
    sheet = run_sheet(schedule, LIBRARY, NINE)
    assert "| 09:00 | 10 | Settling practice | Paced breathing |" in sheet
    assert "## 09:00-09:10 Settling practice (Paced breathing)" in sheet
    assert "settling practice" not in sheet


def test_the_record_has_the_blocks_as_run_and_no_one_s_words() -> None:
    schedule = resolve(plan("session-orientation"))
    run = SessionRun(schedule, 0.0, started=NINE)
    run.next(6 * 60)
    run.goto(20 * 60, 3)
    run.end(30 * 60)
    text = record(run, 30 * 60, LIBRARY, [MadeWorksheet("Group session", "iceberg", "Apply")])
    assert "Tuesday 19 January 2027, 09:00 to 09:30" in text
    assert "| Arriving | 5 | 09:00 | 09:06 | 6 |" in text
    assert "| Three capacities, one stool | 15 | 09:20 | 09:30 | 10 |" in text
    assert "Not reached: Check-in," in text
    assert "- Group session (The Iceberg, in Apply)" in text
    assert "Ran: 30 min (60 min early)" in text


def test_large_type_grows_with_the_space_and_falls_back_when_it_cannot() -> None:
    small, large = big_lines("12:34", 80, 6, wrap=False), big_lines("12:34", 160, 16, wrap=False)
    assert small is not None and large is not None
    assert len(small) == 4 and len(large) == 14  # about a third of 48 rows at 160x48
    assert big_lines("12:34", 10, 2, wrap=False) is None
    question = big_lines("What are you bringing with you today?", 156, 30)
    assert question is not None and 1 < len(question) <= 30
    assert fold("Café – “ok”") == 'CAFE - "OK"' and fold("日本") is None


def test_big_lines_center_each_line_of_words_whole() -> None:
    """A shorter line of words is centered under the widest, every row by the same shift: the
    widget centered each row by its own length, which pulled a letter's rows apart."""
    lines = big_lines("T TTT", 17, 20, most=1)
    assert lines is not None
    assert lines[0] == "      ▀▀█▀▀"  # the T's bar, centered over TTT
    assert lines[1] == "        █"  # its stem under the bar's middle

"""Markdown export of a worksheet, compared with a golden file, and the worksheet CLI."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from csa_companion.cli import main
from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.export import worksheet_markdown
from csa_companion.domain.worksheet import Observation, Worksheet
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.storage.repos import WorksheetRepo
from csa_companion.storage.store import Stores
from tests.conftest import START

GOLDEN = Path(__file__).parent.parent / "data" / "golden" / "iceberg-export.md"
ANSWERS = {
    "event": "Two fourth graders shoved each other in the check-in line at 3:20.",
    "patterns": "Most conflicts in the last six weeks happened between 3:15 and 3:30.",
    "structures": "Sixty children wait in one room while one adult checks them in.",
    "mental-models": "Check-in is paperwork time, not program time.",
    "leverage": "Greet at the door and start a welcome game straight away.",
    "closing": "Relieved it is not about one child; I will take the log to my coach.",
}


def example_worksheet(tool: Tool) -> Worksheet:
    sheet = Worksheet.new(tool, "Shoving at check-in", START)
    for step_id, text in ANSWERS.items():
        sheet = sheet.with_answer(step_id, text, START)
    return replace(sheet.completed(START), uid="golden0000ab")


def iceberg() -> Tool:
    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    return tool


def test_export_matches_the_golden_file() -> None:
    text = worksheet_markdown(iceberg(), example_worksheet(iceberg()))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_a_team_worksheet_exports_the_team_prompts() -> None:
    tool = iceberg()
    sheet = replace(example_worksheet(tool), team=True)
    text = worksheet_markdown(tool, sheet)
    assert "*The Iceberg* · team · complete" in text
    for step in tool.steps:
        assert all(f"> {p}" in text for p in step.team_prompts)
        assert not any(f"> {p}" in text for p in step.prompts if p not in step.team_prompts)


def test_export_keeps_orphaned_answers() -> None:
    sheet = example_worksheet(iceberg()).with_answer("old-step", "Kept after a rename", START)
    text = worksheet_markdown(iceberg(), sheet)
    assert "## Answers to steps this tool no longer has" in text
    assert "Kept after a rename" in text


def test_worksheet_cli_list_and_export(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    sheet = example_worksheet(iceberg())
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(sheet)
    d = str(data_dir)
    assert main(["--data-dir", d, "worksheet", "list", "--json"]) == 0
    [doc] = json.loads(capsys.readouterr().out)
    assert doc["uid"] == sheet.uid and doc["status"] == "complete"
    assert main(["--data-dir", d, "worksheet", "list", "--tool", "ladder-of-inference"]) == 0
    assert "no worksheets for ladder-of-inference" in capsys.readouterr().err

    assert main(["--data-dir", d, "worksheet", "export", "golden"]) == 0
    assert capsys.readouterr().out == GOLDEN.read_text(encoding="utf-8")
    out = tmp_path / "sheet.md"
    assert main(["--data-dir", d, "worksheet", "export", sheet.uid, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
    assert main(["--data-dir", d, "worksheet", "export", "zzz"]) == 1
    assert "no worksheet has an id starting with 'zzz'" in capsys.readouterr().err
    (tmp_path / "a-file").write_text("x")
    bad = tmp_path / "a-file" / "x.md"  # (a missing folder is created: see test_cli)
    assert main(["--data-dir", d, "worksheet", "export", "golden", "--out", str(bad)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_choice_step_exports_the_choice_and_the_words() -> None:
    tool = load_library([bundled_content_dir()]).get("ladder-of-social-connectedness")
    assert isinstance(tool, Tool)
    want = tool.step("want")
    assert want is not None
    sheet = Worksheet.new(tool, "Teachers", START).with_choice(
        want, "Acting together", "So the children see one program.", START
    )
    assert sheet.chosen(want) == "Acting together"
    assert sheet.words(want) == "So the children see one program."
    text = worksheet_markdown(tool, sheet)
    assert "**Acting together**\n\nSo the children see one program." in text


def test_choice_and_words_come_apart_as_they_went_in() -> None:
    tool = load_library([bundled_content_dir()]).get("ladder-of-social-connectedness")
    assert isinstance(tool, Tool)
    want = tool.step("want")
    assert want is not None
    for choice, words in [("Aware", ""), ("", "Caring, I hope"), ("Aware", "Line\n\nbreaks\n")]:
        sheet = Worksheet.new(tool, "T", START).with_choice(want, choice, words, START)
        assert (sheet.chosen(want), sheet.words(want)) == (choice, words)
    old = Worksheet.new(tool, "T", START).with_answer("want", "Somewhere else", START)
    assert (old.chosen(want), old.words(want)) == ("", "Somewhere else")  # kept, not dropped


def four_player() -> Tool:
    tool = load_library([bundled_content_dir()]).get("four-player-model")
    assert isinstance(tool, Tool)
    return tool


def test_four_player_export_shows_the_acts_answered_and_the_act_i_will_bring() -> None:
    tool = four_player()
    sheet = Worksheet.new(tool, "Huddle", START)
    for step in tool.steps:
        sheet = sheet.with_answer(step.id, step.example, START)
    diagram = worksheet_markdown(tool, sheet).split("## Diagram", 1)[1]
    assert "No acts observed yet" not in diagram
    assert "● My default act:" in diagram and "○ The act I avoid:" in diagram
    assert "→ The act I will bring: At Monday's huddle" in diagram


def test_observation_export_names_the_patterns_the_screen_named() -> None:
    tool = four_player()
    sheet = Worksheet.new(tool, "Staff meeting", START)
    for n in range(7):
        sheet = sheet.observed(Observation("move", START + timedelta(seconds=n), "Ana"))
    text = worksheet_markdown(tool, sheet)
    assert "## Stuck patterns" in text
    assert "**Serial moving.** Ideas keep coming" in text and "*Try:* Follow one" in text
    assert "Tally: Move 7, Follow 0, Oppose 0, Bystand 0" in text
    assert "Covert opposition and the disabled bystander" in text


def test_observation_export_with_few_acts_says_too_few_to_name_a_pattern() -> None:
    tool = four_player()
    sheet = Worksheet.new(tool, "Staff meeting", START).observed(Observation("move", START))
    assert "too few to name a pattern" in worksheet_markdown(tool, sheet)

"""Worksheets as stored: a team's worksheet keeps its mark; older documents still load."""

from __future__ import annotations

from pathlib import Path

from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.storage.repos import WorksheetRepo
from csa_companion.storage.store import Stores
from tests.conftest import START


def test_a_team_worksheet_is_stored_as_one(data_dir: Path) -> None:
    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    team = Worksheet.new(tool, "Withdrawals in October", START, team=True)
    mine = Worksheet.new(tool, "Shoving at check-in", START)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(team)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(mine)
    again = WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"])
    assert again.get(team.uid) == team and again.get(team.uid).team  # type: ignore[union-attr]
    assert again.get(mine.uid) == mine and not mine.team


def test_a_document_saved_before_teams_existed_loads_as_ones_own() -> None:
    doc = {
        "uid": "abc123",
        "tool_id": "iceberg",
        "title": "Old",
        "answers": {"event": "Shoving"},
        "created": START.isoformat(),
        "updated": START.isoformat(),
    }
    sheet = Worksheet.from_doc(doc)
    assert sheet.team is False and sheet.answer("event") == "Shoving"
    assert Worksheet.from_doc({**doc, "team": True}).team


def test_team_and_group_worksheets_ask_the_team_prompts() -> None:
    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    own, team, group = (
        Worksheet.new(tool, "x", START),
        Worksheet.new(tool, "x", START, team=True),
        Worksheet.new(tool, "x", START, group=True),
    )
    assert [w.asks_as_team for w in (own, team, group)] == [False, True, True]
    step = tool.steps[0]
    assert step.prompts_for(group.asks_as_team) == step.team_prompts != step.prompts

"""Worksheets as stored: a team's worksheet keeps its mark; older documents still load."""

from __future__ import annotations

from pathlib import Path

from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.four_player import MIN_OBSERVATIONS
from csa_companion.domain.worksheet import (
    COMPLETE,
    ENDED_EARLY,
    Observation,
    Worksheet,
    status_words,
)
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


def test_complete_only_once_answered_through_else_ended_early() -> None:
    library = load_library([bundled_content_dir()])
    tool, players = library.get("iceberg"), library.get("four-player-model")
    assert isinstance(tool, Tool) and isinstance(players, Tool)
    [closing] = [s for s in tool.steps if s.closing]
    first = tool.steps[0].id
    sheet = Worksheet.new(tool, "x", START).with_answer(first, "Shoving at pickup", START)
    early = sheet.finished(tool, START)
    assert early.status == ENDED_EARLY and status_words(early.status) == "ended early"
    closed = sheet.with_answer(closing.id, "I felt rushed", START).finished(tool, START)
    assert closed.status == COMPLETE  # the closing step is answered
    every = sheet
    for step in tool.steps:
        if not step.optional and not step.closing:
            every = every.with_answer(step.id, "words", START)
    assert every.finished(tool, START).status == ENDED_EARLY  # its closing step is required
    watched = Worksheet.new(players, "Meeting", START)
    for n in range(MIN_OBSERVATIONS):
        assert watched.finished(players, START).status == ENDED_EARLY
        watched = watched.observed(Observation("move", START, f"P{n}"))
    assert watched.finished(players, START).status == COMPLETE
    assert Worksheet.new(tool, "x", START).finished(tool, START).status == ENDED_EARLY

"""`session list`, `session show` and `session export`: the plans from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csa_companion.cli import main
from tests.unit.test_cli import run

CALENDAR = Path(__file__).parent.parent / "data" / "program" / "cohort.toml"


def test_session_list_names_the_orientation_and_the_four_sessions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "session", "list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "session-orientation", *(f"session-{n}" for n in range(1, 5))
    ]  # fmt: skip
    code, out, _ = run(capsys, "session", "list", "--json")
    assert [d["minutes"] for d in json.loads(out)] == [90, 240, 240, 240, 240]


def test_session_show_gives_each_block_its_planned_start(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "session", "show", "1")
    assert code == 0 and "starts 09:00 (from the program calendar)" in out
    assert " 12:50   10 min  closing     Closing" in out
    code, out, _ = run(capsys, "session", "show", "orientation", "--start", "10:00", "--json")
    doc = json.loads(out)
    assert doc["start"] == "10:00" and doc["blocks"][1]["start"] == "10:05"
    assert doc["blocks"][2]["shows"]["question"].startswith("What made you say yes")
    code, _, err = run(capsys, "session", "show", "9")
    assert code == 2 and "no session plan '9'" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["session", "show", "1", "--start", "25:00"])
    assert exit_info.value.code == 2 and "not a time of day" in capsys.readouterr().err


def test_a_cohort_calendar_changes_the_tools_and_times(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = CALENDAR.read_text()
    assert "[[sessions]]" in text
    assert run(capsys, "program", "import", str(CALENDAR))[0] == 0
    code, out, _ = run(capsys, "session", "show", "1", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["tools"] and doc["start"]
    tools = {b["shows"].get("tool") for b in doc["blocks"]} - {None}
    assert len(tools) == len(doc["tools"])


def test_session_export_writes_a_run_sheet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "sheets" / "s2.md"
    code, out, _ = run(capsys, "session", "export", "2", "--out", str(out_file))
    assert code == 0 and str(out_file) in out
    sheet = out_file.read_text()
    assert sheet.startswith("# Run sheet: Learning session 2")
    assert "Keeping it safe to speak" in sheet and "| 09:00 | 10 |" in sheet
    assert out_file.stat().st_mode & 0o777 == 0o600
    assert main(["session", "export", "2"]) == 0


def test_serve_session_serves_the_audience_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --session 1` served the practice list (the option was not passed on)."""
    import csa_companion.web.serve as web

    served: list[str] = []

    def fake_serve(command: str, *args: object, **kwargs: object) -> int:
        served.append(command)
        return 0

    monkeypatch.setattr(web, "serve", fake_serve)
    assert main(["serve", "--session", "1"]) == 0
    assert served[0].endswith("present session 1 --audience")
    with pytest.raises(SystemExit):
        main(["serve", "--session", "1", "--practice", "arrival"])


def test_content_list_counts_a_plan_s_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "content", "list", "--json")
    plans = {d["id"]: d for d in json.loads(out) if d["kind"] == "session"}
    assert code == 0 and plans["session-orientation"]["blocks"] == 10

"""Shell commands of the program's rhythm: program show/import, reflection list, on this day."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from tests.helpers import journal_at
from tests.rhythm_data import COHORT, seed_month


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_program_import_then_show(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = str(data_dir)
    code, out, _ = run(capsys, "--data-dir", d, "program", "show")
    assert code == 0 and out.startswith("(placeholder dates")
    code, out, _ = run(capsys, "--data-dir", d, "program", "import", str(COHORT))
    assert code == 0 and out == f"imported 7 events from {COHORT}\n"
    code, out, _ = run(capsys, "--data-dir", d, "program", "show")
    assert "placeholder" not in out
    assert "Tue 2027-01-19 09:00-13:00  Learning session 1: Seeing beneath events" in out
    assert "tools: ladder-of-inference, ladder-of-social-connectedness" in out


def test_program_import_mistake_names_the_line_and_keeps_the_calendar(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    d = str(data_dir)
    run(capsys, "--data-dir", d, "program", "import", str(COHORT))
    bad = tmp_path / "bad.toml"
    bad.write_text(COHORT.read_text().replace('"2027-02-09"', '"2027-02-31"'))
    code, out, err = run(capsys, "--data-dir", d, "program", "import", str(bad))
    assert code == 1 and out == ""
    assert err == (
        f"csa-companion: {bad}: line 15: 2027-02-31 is not a date: February 2027 has 28 days, "
        "not 31; nothing was imported\n"
    )
    assert "2027-02-09" in run(capsys, "--data-dir", d, "program", "show")[1]
    code, _, err = run(capsys, "--data-dir", d, "program", "import", str(tmp_path / "none.toml"))
    assert code == 1 and "cannot read" in err and "Traceback" not in err


def test_reflection_export_of_a_month_that_does_not_exist_is_refused(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    for month in ("0000-01", "２０２７-０１"):
        code, out, err = run(capsys, "--data-dir", str(data_dir), "reflection", "export", month)
        assert (code, out) == (2, "")
        assert (
            err == f"csa-companion: {month!r} is not a month: write it as YYYY-MM, e.g. 2027-01\n"
        )


def test_reflection_list(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    seed_month(data_dir)
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "reflection", "list", "--json")
    rows = {row["month"]: row["status"] for row in json.loads(out)}
    assert code == 0
    assert rows["2027-01"] == "draft" and rows["2026-12"] == "not started"


def test_journal_on_this_day(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    now = datetime.now().astimezone()
    repo = journal_at(data_dir)
    for title, days in (("Week-old", 7), ("Month-old", 31), ("Too recent", 3), ("Year-old", 366)):
        repo.add(JournalEntry.new("text", now - timedelta(days=days), title=title))
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "journal", "list", "--on-this-day")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[0].startswith("About a week ago: ") and "Week-old" in lines[0]
    assert "Month-old" in lines[1] and "Year-old" in lines[2]
    code, out, _ = run(
        capsys, "--data-dir", str(data_dir), "journal", "list", "--on-this-day", "--json"
    )
    assert [row["title"] for row in json.loads(out)] == ["Week-old", "Month-old", "Year-old"]

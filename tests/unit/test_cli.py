"""The command line: where, content check/list, journal add/list, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from csa_companion.cli import main
from csa_companion.storage.fileformat import encode
from tests.helpers import journal_at

BROKEN = Path(__file__).parent.parent / "data" / "content-broken"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_journal_add_then_list(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = str(data_dir)
    code, out, _ = run(
        capsys,
        "--data-dir",
        d,
        "journal",
        "add",
        "Check-in went well",
        "--tag",
        "#Team",
        "--title",
        "Monday",
    )
    assert code == 0 and out.startswith("added ")
    run(capsys, "--data-dir", d, "journal", "add", "Pickup was chaotic", "--tag", "pickup")
    [entry] = [e for e in journal_at(data_dir).all() if e.title == "Monday"]
    assert entry.tags == ("team",) and entry.created.tzinfo is not None

    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--tag", "team")
    assert code == 0 and "Monday" in out and "Pickup" not in out
    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--search", "chaotic", "--json")
    [doc] = json.loads(out)
    assert doc["body"] == "Pickup was chaotic"
    assert datetime.fromisoformat(doc["created"]).tzinfo is not None
    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--limit", "1")
    assert len(out.strip().splitlines()) == 1


def test_journal_add_reads_stdin(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("From a pipe\n"))
    code, _, _ = run(capsys, "--data-dir", str(data_dir), "journal", "add")
    assert code == 0
    assert [e.body for e in journal_at(data_dir).all()] == ["From a pipe"]


def test_empty_entry_is_refused(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, _, err = run(capsys, "--data-dir", str(data_dir), "journal", "add", "   ")
    assert code == 2 and "empty" in err


def test_bad_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["journal", "list", "--limit", "zero"])
    assert exit_info.value.code == 2
    assert "is not a whole number" in capsys.readouterr().err


def test_newer_store_is_a_clear_error(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "journal.json").write_bytes(encode({"journal": {}}, schema=7))
    code, _, err = run(capsys, "--data-dir", str(data_dir), "journal", "list")
    assert code == 1 and "newer csa-companion" in err and "Traceback" not in err


def test_where_lists_every_file(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "where")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["data", "dir:", str(data_dir)]
    assert ["worksheets", "file:", str(data_dir / "worksheets.json")] in [x.split() for x in lines]
    # every path starts in the same column, after its label and at least one space
    with_paths = [line for line in lines if str(data_dir) in line]
    [column] = {line.index(str(data_dir)) for line in with_paths}
    assert all(line[column - 1] == " " for line in with_paths)
    assert str(data_dir / "journal.json.bak") in out
    assert str(data_dir / "content") in out


def test_data_dir_from_environment(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, out, _ = run(capsys, "where")
    assert str(tmp_path / "default-data") in out


def test_content_check_broken_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "content", "check", str(BROKEN))
    assert code == 1
    assert f"{BROKEN / 'tools' / 'step-problems.md'}:10: step #1 has no prompt" in out
    assert " problems; " in err and "(s)" not in err


def test_content_check_and_list_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "content", "check")
    assert code == 0 and out.startswith("ok:")
    code, out, _ = run(capsys, "content", "list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["iceberg"]["kind"] == "tool" and rows["iceberg"]["steps"] == 6
    assert rows["settling-arrive"]["phases"] >= 3


def test_missing_content_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "content", "check", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err


def test_python_dash_m_works(data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "csa_companion", "--data-dir", str(data_dir), "journal", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "the journal is empty" in done.stderr

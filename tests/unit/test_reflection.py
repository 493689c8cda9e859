"""Monthly reflections: local-time months across DST, the month at a glance against seeded
data, and the Markdown export (golden file, from the shell)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from csa_companion.cli import main
from csa_companion.domain.reflection import month_of, months_listed, parse_month
from csa_companion.paths import DataPaths
from csa_companion.storage.practice_log import PracticeLogRepo
from csa_companion.storage.repos import JournalRepo, WorksheetRepo
from csa_companion.storage.store import Stores
from tests.rhythm_data import seed_month

GOLDEN = Path(__file__).parent.parent / "data" / "golden"
LA = ZoneInfo("America/Los_Angeles")


def test_late_on_the_last_day_belongs_to_that_month() -> None:
    # 23:30 on 31 January in Los Angeles is already 1 February in UTC.
    written = datetime(2027, 1, 31, 23, 30, tzinfo=LA)
    assert month_of(written, LA) == "2027-01"
    assert month_of(written.astimezone(UTC), LA) == "2027-01"
    assert month_of(written.astimezone(UTC), UTC) == "2027-02"


def test_month_is_right_across_a_dst_change() -> None:
    # 30 November 2026 23:30 PST (UTC-8), stored in UTC. A fixed offset taken in summer
    # (UTC-7) would call it December; the zone's own rules keep it in November.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=LA).astimezone(UTC)
    assert month_of(late, LA) == "2026-11"
    assert month_of(late, timezone(timedelta(hours=-7))) == "2026-12"
    # 31 March 2027 23:30 PDT, after the March change: still March.
    spring = datetime(2027, 3, 31, 23, 30, tzinfo=LA).astimezone(UTC)
    assert month_of(spring, LA) == "2027-03"
    # Europe too: 31 October 2027 23:30, the day summer time ends there.
    paris = ZoneInfo("Europe/Paris")
    assert (
        month_of(datetime(2027, 10, 31, 23, 30, tzinfo=paris).astimezone(UTC), paris) == "2027-10"
    )


def test_month_text_is_checked() -> None:
    assert parse_month("2027-01") == "2027-01"
    # Year 0 and digits other than ASCII ones passed the check, then failed in strptime.
    for bad in ("2027-13", "2027-1", "January", "0000-01", "２０２７-０１"):
        with pytest.raises(ValueError, match="is not a month: write it as YYYY-MM"):
            parse_month(bad)


def test_glance_counts_match_seeded_data(data_dir: Path) -> None:
    rhythm = seed_month(data_dir)
    stores = Stores(DataPaths(data_dir))
    journal, sheets = JournalRepo(stores["journal"]), WorksheetRepo(stores["worksheets"])
    rhythm.zone = LA
    practices = PracticeLogRepo(stores).all()
    summary = rhythm.glance("2027-01", journal.all(), sheets.all(), practices)
    assert sorted(summary.entries) == ["j1", "j2", "j3", "j4"]
    assert sorted(summary.starred) == ["j1", "j3"]
    assert summary.top_tags == [("pickup", 3), ("team", 2), ("check-in", 1)]
    assert summary.started == {"iceberg": ["w1", "w2"], "ladder-of-inference": ["w3"]}
    assert summary.finished == {"shifting-the-burden": ["w4"], "iceberg": ["w1"]}
    assert summary.practices == 2 and summary.practice_minutes == 10  # as practiced
    assert rhythm.glance("2027-01", journal.all(), sheets.all()).practices is None
    assert summary.next_steps == ["Try a two-minute check-in at pickup"]
    assert rhythm.glance("2026-12", journal.all(), sheets.all()).next_steps == []


def test_months_listed_from_now_back_to_the_first_work() -> None:
    assert months_listed("2027-02", [], "2026-11") == ["2027-02", "2027-01", "2026-12", "2026-11"]


def test_reflection_export_matches_golden_file(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    import time

    time.tzset()
    try:
        seed_month(data_dir)
        out = tmp_path / "jan.md"
        assert (
            main(
                ["--data-dir", str(data_dir), "reflection", "export", "2027-01", "--out", str(out)]
            )
            == 0
        )
        assert out.read_text() == (GOLDEN / "reflection-2027-01.md").read_text()
        # A month with no reflection still exports its month at a glance.
        assert main(["--data-dir", str(data_dir), "reflection", "export", "2027-02"]) == 0
        text = capsys.readouterr().out
        assert "Journal entries: 1; most used tags #pickup (1)" in text
        assert "No reflection written for this month yet." in text
        assert main(["--data-dir", str(data_dir), "reflection", "export", "2027-1"]) == 2
        assert "is not a month" in capsys.readouterr().err
    finally:
        monkeypatch.undo()
        time.tzset()

"""Export and import of everything: round trips, idempotent imports, refused files, jrnl."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.records import STORE_NAMES
from tests.helpers import journal_at, shell_clock
from tests.rhythm_data import at
from tests.transfer_data import everything, file_bytes, seed_everything

JRNL = Path(__file__).parent.parent / "data" / "jrnl-export.json"


@pytest.fixture(autouse=True)
def _after_the_seeded_months(monkeypatch: pytest.MonkeyPatch) -> None:
    shell_clock(monkeypatch)  # the seeded records are not ahead of the importing clock


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def exported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An export of a data folder holding every kind of record."""
    source = tmp_path / "source"
    seed_everything(source)
    out = tmp_path / "all.json"
    code, stdout, _ = run(capsys, "--data-dir", str(source), "export", "--out", str(out))
    assert code == 0 and "exported" in stdout
    return out


def test_export_holds_every_store_with_a_version(exported: Path, tmp_path: Path) -> None:
    data = orjson.loads(exported.read_bytes())
    assert data["format"] == "csa-companion-export" and data["version"] == 1
    kinds = {(store, table) for store, tables in data["stores"].items() for table in tables}
    assert kinds == {
        ("journal", "journal"),
        ("worksheets", "worksheets"),
        ("drafts", "drafts"),
        ("settings", "settings"),
        ("practice", "log"),
        ("program", "program"),
        ("reflections", "reflections"),
        ("coaching", "coaching"),
        ("surveys", "surveys"),
    }
    assert exported.stat().st_mode & 0o777 == 0o600
    [odd] = [d for d in data["stores"]["journal"]["journal"] if d["uid"] == "u1"]
    assert odd["body"] == "Zoë's café ☕ — 週末\n\ttab\x07bell\r\nend"


def test_round_trip_into_an_empty_store_is_lossless(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    code, out, err = run(capsys, "--data-dir", str(target), "import", "--settings", str(exported))
    assert code == 0 and err == ""
    assert "21 added" in out or "added" in out
    assert everything(target) == everything(tmp_path / "source")


def test_importing_the_same_file_twice_adds_nothing(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "target")
    run(capsys, "--data-dir", target, "import", str(exported))
    before = file_bytes(tmp_path / "target")
    code, out, _ = run(capsys, "--data-dir", target, "import", str(exported))
    assert code == 0 and "0 added, 0 updated" in out and "snapshot" not in out
    assert file_bytes(tmp_path / "target") == before  # no store rewritten, no snapshot taken


def test_import_into_a_non_empty_store_merges_and_keeps_the_newer(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    repo = JournalRepo(Stores(DataPaths(target))["journal"])
    mine = JournalEntry("only here", at("2027-03-01T10:00"), at("2027-03-01T10:00"), uid="mine")
    old_j1 = JournalEntry("stale", at("2026-01-01T10:00"), at("2026-01-01T10:00"), uid="j1")
    newer_j2 = JournalEntry("edited here", at("2027-01-10T12:00"), at("2028-01-01T00:00"), uid="j2")
    for entry in (mine, old_j1, newer_j2):
        repo.add(entry)
    code, out, _ = run(capsys, "--data-dir", str(target), "import", str(exported))
    assert code == 0 and "1 updated" in out and "1 kept as they are here" in out
    assert "before it is kept as the snapshot" in out
    entries = {e.uid: e for e in journal_at(target).all()}
    assert entries["mine"].body == "only here"
    assert entries["j1"].body == "Body of j1"  # the export's copy is newer
    assert entries["j2"].body == "edited here"  # changed here later: kept
    assert len([e for e in entries.values() if e.uid == "j1"]) == 1
    stores = Stores(DataPaths(target))
    [snapshot] = backup.snapshots(stores)
    kept = backup.snapshot_contents(stores, snapshot)["journal"]["journal"]
    assert "stale" in [doc["body"] for doc in kept]  # the state before the import is kept


def _damaged(exported: Path) -> dict[str, bytes]:
    raw = exported.read_bytes()
    data = orjson.loads(raw)
    newer = dict(data, version=2)
    newer_schema = dict(data, schema=99)
    short = dict(data, count=data["count"] + 1)
    bad_doc = orjson.loads(raw)
    bad_doc["stores"]["journal"]["journal"][0]["created"] = "yesterday"
    edited = orjson.loads(raw)
    edited["stores"]["journal"]["journal"][0]["body"] = "changed by hand"
    unknown = orjson.loads(raw)
    unknown["stores"]["passwords"] = {"x": []}
    return {
        "newer version": orjson.dumps(newer),
        "newer schema": orjson.dumps(newer_schema),
        "truncated": raw[: len(raw) // 2],
        "cut by one byte": raw.rstrip()[:-1],
        "malformed": b"{not json",
        "empty": b"",
        "binary": bytes(range(256)),
        "count mismatch": orjson.dumps(short),
        "bad document": orjson.dumps(bad_doc),
        "unknown store": orjson.dumps(unknown),
        "edited": orjson.dumps(edited),
        "foreign json": b'{"hello": "world"}',
        "a list": b"[1, 2, 3]",
    }


def test_refused_files_change_nothing(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    seed_everything(target)
    JournalRepo(Stores(DataPaths(target))["journal"]).add(
        JournalEntry("mine", at("2027-05-01T10:00"), at("2027-05-01T10:00"), uid="mine")
    )
    before = file_bytes(target)
    messages = {}
    for what, payload in _damaged(exported).items():
        bad = tmp_path / f"{what}.json"
        bad.write_bytes(payload)
        code, out, err = run(capsys, "--data-dir", str(target), "import", str(bad))
        assert code == 1, what
        assert out == "" and err.count("\n") == 1 and "Traceback" not in err, (what, err)
        assert "nothing was imported" in err or "jrnl" in err, (what, err)
        assert file_bytes(target) == before, what
        messages[what] = err
    assert "newer csa-companion (format version 2" in messages["newer version"]
    assert "newer csa-companion (schema 99" in messages["newer schema"]
    assert "damaged or cut off" in messages["truncated"]
    assert "damaged or cut off" in messages["cut by one byte"]
    assert "is empty" in messages["empty"]
    assert "incomplete" in messages["count mismatch"]
    assert "created is not a date" in messages["bad document"]
    assert "unknown store 'passwords'" in messages["unknown store"]
    assert "not a csa-companion export" in messages["foreign json"]
    assert "do not match its checksum" in messages["edited"]


def test_import_of_a_missing_file_or_a_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "import", str(tmp_path / "no"))
    assert code == 1 and "cannot read" in err and "No such file" in err
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "import", str(tmp_path))
    assert code == 1 and "is a folder" in err


def test_export_to_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "export", "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err


# -- jrnl -----------------------------------------------------------------------------------


def test_jrnl_import_reads_the_real_fixture(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    code, out, _ = run(capsys, "--data-dir", str(target), "import", "--from", "jrnl", str(JRNL))
    assert code == 0 and "5 added" in out
    entries = {e.title: e for e in journal_at(target).all()}
    cafe = entries["Café with Zoë."]
    assert cafe.starred and cafe.tags == ("coaching",)
    assert "naïve" in cafe.body
    assert (cafe.created.year, cafe.created.month, cafe.created.day) == (2026, 1, 6)
    assert (cafe.created.hour, cafe.created.minute) == (17, 40)
    assert cafe.created.tzinfo is not None
    weekend = next(e for t, e in entries.items() if t.startswith("週末の振り返り"))
    assert set(weekend.tags) == {"team", "reflection"} and "🌱" in weekend.title
    caps = next(e for t, e in entries.items() if t.startswith("Ünïcödé"))
    assert caps.tags == ("tag-with-caps", "hash-tag")
    assert entries["Starred without tags."].starred
    assert entries["Starred without tags."].tags == ()
    code, out, _ = run(capsys, "--data-dir", str(target), "import", "--from", "jrnl", str(JRNL))
    assert code == 0 and "0 added" in out and "5 already here" in out
    assert len(journal_at(target).all()) == 5


def test_jrnl_import_refuses_what_is_not_a_jrnl_export(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    notes = tmp_path / "notes.json"
    notes.write_text('{"entries": [{"title": "x"}]}')
    for file, expected in ((exported, "has no list of jrnl entries"), (notes, "no body text")):
        code, _, err = run(capsys, "--data-dir", str(target), "import", "--from", "jrnl", str(file))
        assert code == 1 and "is not a jrnl export" in err and expected in err
        assert "jrnl --export json" in err and err.count("\n") == 1
    assert not (target / "journal.json").exists() or journal_at(target).all() == []


def test_jrnl_dates_at_the_ends_of_the_calendar_are_refused_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0001-01-01 00:00 made astimezone() fail with "year 0 is out of range"."""
    target, file = tmp_path / "target", tmp_path / "old.json"
    entry = {"title": "t", "body": "b", "date": "0001-01-01", "time": "00:00", "tags": []}
    file.write_text(orjson.dumps({"tags": {}, "entries": [entry]}).decode())
    code, _, err = run(capsys, "--data-dir", str(target), "import", "--from", "jrnl", str(file))
    assert code == 1 and err.count("\n") == 1
    assert "entry 1 has no valid date and time (0001-01-01 00:00)" in err


def test_stores_listed_cover_every_store_file(tmp_path: Path) -> None:
    """A store added later must be added to the export too."""
    from csa_companion.cli.rhythm import NAMES

    assert set(Stores.NAMES) | set(NAMES) <= set(STORE_NAMES)

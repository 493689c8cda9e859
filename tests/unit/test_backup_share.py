"""Backups (retention, list, restore, daily), share bundles, the shelf and the Markdown folder."""

from __future__ import annotations

import codecs
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.repos import JournalRepo, SettingsRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.bundles import ShelfRepo
from tests.conftest import START
from tests.helpers import journal_at
from tests.rhythm_data import at
from tests.transfer_data import everything, file_bytes, sam_shares, seed_everything


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _add(data_dir: Path, uid: str) -> None:
    moment = at("2027-04-01T10:00")
    JournalRepo(Stores(DataPaths(data_dir))["journal"]).add(
        JournalEntry(f"body {uid}", moment, moment, uid=uid)
    )


# -- backups --------------------------------------------------------------------------------


def test_backup_keeps_the_last_n(data_dir: Path) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    names = [backup.take(stores, START + timedelta(hours=h)).name for h in range(12)]
    kept = [s.name for s in backup.snapshots(stores)]
    assert kept == names[-10:]  # default 10, oldest deleted
    SettingsRepo(stores["settings"]).set(backup.KEEP_SETTING, 3)
    backup.take(stores, START + timedelta(days=1))
    assert len(backup.snapshots(stores)) == 3
    assert all(s.path.stat().st_mode & 0o777 == 0o600 for s in backup.snapshots(stores))


def test_two_snapshots_in_one_second_keep_their_order(data_dir: Path) -> None:
    stores = Stores(DataPaths(data_dir))
    first = backup.take(stores, START)
    second = backup.take(stores, START)
    assert first.name != second.name
    assert [s.name for s in backup.snapshots(stores)] == [first.name, second.name]


def test_backup_commands(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_everything(data_dir)
    d = str(data_dir)
    code, out, _ = run(capsys, "--data-dir", d, "backup", "--keep", "3")
    assert code == 0 and "keeping the last 3" in out and str(data_dir / "backups") in out
    code, out, _ = run(capsys, "--data-dir", d, "backup", "list")
    assert code == 0 and out.count(".json") == 1 and "KB" in out
    assert out.rstrip().endswith("by hand · 7 entries, 4 worksheets, 1 reflection")
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "--data-dir", d, "backup", "--keep", "0")
    assert exit_.value.code == 2 and "must be 1 or more" in capsys.readouterr().err


def test_restore_brings_back_a_snapshot_and_keeps_the_current_state(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    wanted = everything(data_dir)
    d = str(data_dir)
    run(capsys, "--data-dir", d, "backup")
    [snap] = backup.snapshots(Stores(DataPaths(data_dir)))
    _add(data_dir, "later")
    after_backup = everything(data_dir)
    code, out, err = run(capsys, "--data-dir", d, "backup", "restore", snap.name[:-5])
    assert code == 0 and err == "" and "the state before it is kept as" in out
    assert everything(data_dir) == wanted
    assert journal_at(data_dir).get("later") is None
    names = [s.name for s in backup.snapshots(Stores(DataPaths(data_dir)))]
    assert len(names) == 2 and snap.name in names  # nothing deleted
    [kept] = [n for n in names if "before-restore" in n]
    # ... and the kept state can be restored in turn
    run(capsys, "--data-dir", d, "backup", "restore", kept)
    assert everything(data_dir) == after_backup


def test_damaged_snapshots_are_refused_and_change_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    d = str(data_dir)
    run(capsys, "--data-dir", d, "backup")
    [snap] = backup.snapshots(Stores(DataPaths(data_dir)))
    raw = snap.path.read_bytes()
    newer = orjson.loads(backup.read_snapshot(Stores(DataPaths(data_dir)), snap)) | {"version": 7}
    for name, payload in (
        ("2026-01-01-000000.json", raw[: len(raw) // 3]),
        ("2026-01-02-000000.json", b""),
        ("2026-01-03-000000.json", backup.manifest_file(newer)),
    ):
        (data_dir / "backups" / name).write_bytes(payload)
        before = file_bytes(data_dir)
        code, out, err = run(capsys, "--data-dir", d, "backup", "restore", name)
        assert code == 1 and out == "" and err.count("\n") == 1 and "nothing was" in err
        assert file_bytes(data_dir) == before
    code, _, err = run(capsys, "--data-dir", d, "backup", "restore", "nope")
    assert code == 1 and "no snapshot is named 'nope'" in err


def test_daily_snapshot_once_a_day(data_dir: Path) -> None:
    stores = Stores(DataPaths(data_dir))
    SettingsRepo(stores["settings"]).set("theme", "csa-light")
    assert backup.daily(stores, START) is None  # nothing written yet: nothing to keep
    assert backup.snapshots(stores) == []
    _add(data_dir, "first")
    stores = Stores(DataPaths(data_dir))
    assert backup.daily(stores, START) is not None
    assert backup.daily(stores, START + timedelta(hours=3)) is None
    assert backup.daily(stores, START + timedelta(days=1)) is not None
    assert len(backup.snapshots(stores)) == 2
    assert backup.last_taken(stores) == (START + timedelta(days=1)).date()


def test_snapshots_say_why_they_were_taken_and_what_they_hold(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    backup.daily(stores, START)
    (data_dir / "backups" / "2026-01-01-000000.json").write_bytes(b"cut off")
    d = str(data_dir)
    run(capsys, "--data-dir", d, "backup")
    _add(data_dir, "later")
    stores = Stores(DataPaths(data_dir))
    entries = len(JournalRepo(stores["journal"]).all())
    code, _, _ = run(capsys, "--data-dir", d, "backup", "restore", backup.snapshots(stores)[1].name)
    assert code == 0
    snaps = backup.snapshots(Stores(DataPaths(data_dir)))
    assert [s.reason for s in snaps] == [
        "daily or by hand", "daily", "by hand", "before a restore",
    ]  # fmt: skip
    about = [backup.describe(stores, s) for s in snaps]
    assert about[0] == "daily or by hand · cannot be read"
    holds = f"{entries - 1} entries, 4 worksheets, 1 reflection"
    assert about[1:3] == [f"daily · {holds}", f"by hand · {holds}"]
    assert about[3] == f"before a restore · {entries} entries, 4 worksheets, 1 reflection"


# -- sharing --------------------------------------------------------------------------------


def test_a_bundle_holds_only_what_was_chosen(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    bundle = tmp_path / "for-ana.json"
    code, out, err = run(
        capsys,
        "--data-dir",
        str(data_dir),
        "share",
        "--worksheet",
        "w1",
        "--reflection",
        "2027-01",
        "--entry",
        "u1",
        "--name",
        "Sam",
        "--out",
        str(bundle),
    )
    assert code == 0 and err == ""
    listed = out.splitlines()
    assert listed[0] == "sharing as Sam:"
    assert listed[1:4] == [
        "  Worksheet: Cafeteria",
        "  Monthly reflection: January 2027",
        "  Entry: Ünïcödé",
    ]
    data = orjson.loads(bundle.read_bytes())
    assert data["sharer"] == "Sam" and data["count"] == 3
    docs = [item["document"] for item in data["items"]]
    assert [d.get("uid") or d.get("month") for d in docs] == ["w1", "2027-01", "u1"]
    text = bundle.read_text()
    for other in ("Body of j1", "Pickup", "How do I slow down", "aspiration", "draft body"):
        assert other not in text  # nothing that was not chosen, not even counted
    assert "## Diagram" in data["items"][0]["text"]
    assert bundle.stat().st_mode & 0o777 == 0o600


def test_share_refuses_unknown_ids_and_needs_a_name(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    d, out = str(data_dir), str(tmp_path / "b.json")
    code, _, err = run(capsys, "--data-dir", d, "share", "--entry", "j1", "--out", out)
    assert code == 2 and "give --name" in err
    code, _, err = run(capsys, "--data-dir", d, "share", "--name", "S", "--out", out)
    assert code == 2 and "choose what to share" in err
    code, _, err = run(
        capsys, "--data-dir", d, "share", "--entry", "zz", "--name", "S", "--out", out
    )
    assert code == 1 and "no entry has an id starting with 'zz'" in err
    code, _, err = run(
        capsys, "--data-dir", d, "share", "--reflection", "1999-01", "--name", "S", "--out", out
    )
    assert code == 1 and "no reflection for '1999-01'" in err
    assert not Path(out).exists()


@pytest.mark.parametrize(
    ("option", "listing", "asked"),
    [("--worksheet", "worksheet", "a worksheet id"), ("--entry", "journal", "an entry id")],
)
def test_share_refuses_an_empty_id(
    option: str,
    listing: str,
    asked: str,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """'' starts every id: with one worksheet or entry it was shared without being named."""
    seed_everything(data_dir)
    out = tmp_path / "b.json"
    for blank in ("", "  "):
        code, _, err = run(
            capsys, "--data-dir", str(data_dir), "share", option, blank, "--name", "S",
            "--out", str(out),
        )  # fmt: skip
        assert code == 2, err
        assert f"give {asked}; `{listing} list` shows them; nothing was written" in err
        assert not out.exists()


def test_a_bundle_lands_on_the_shelf_apart_from_the_journal(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "b.json"
    sam_shares(data_dir, bundle)
    capsys.readouterr()
    friend = tmp_path / "friend"
    code, out, _ = run(capsys, "--data-dir", str(friend), "import", str(bundle))
    assert code == 0 and "2 shared records from Sam" in out and "2 added" in out
    assert journal_at(friend).all() == []  # kept apart from their own journal
    shelf = ShelfRepo(Stores(DataPaths(friend))).all()
    assert {i.sharer for i in shelf} == {"Sam"}
    assert {i.item.kind for i in shelf} == {"worksheet", "entry"}
    sheet = next(i for i in shelf if i.item.kind == "worksheet")
    assert "## Diagram" in sheet.item.text and "Cafeteria" in sheet.item.title
    code, out, _ = run(capsys, "--data-dir", str(friend), "import", str(bundle))
    assert code == 0 and "0 added" in out
    assert len(ShelfRepo(Stores(DataPaths(friend))).all()) == 2
    # delete and put back
    repo = ShelfRepo(Stores(DataPaths(friend)))
    doc = repo.delete(sheet.key)
    assert doc is not None and len(repo.all()) == 1
    repo.put_back(doc)
    assert len(repo.all()) == 2


def test_damaged_bundles_are_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "b.json"
    sam_shares(data_dir, bundle)
    capsys.readouterr()
    raw = bundle.read_bytes()
    data = orjson.loads(raw)
    no_sharer = dict(data, sharer="")
    missing_item = dict(data, items=data["items"][:1])
    bad_doc = orjson.loads(raw)
    bad_doc["items"][1]["document"]["created"] = 5
    edited = orjson.loads(raw)
    edited["items"][0]["text"] = "not what Sam wrote"
    friend = tmp_path / "friend"
    _add(friend, "mine")
    before = file_bytes(friend)
    for payload, expected in (
        (raw[:-40], "damaged or cut off"),
        (orjson.dumps(dict(data, version=3)), "newer csa-companion"),
        (orjson.dumps(no_sharer), "does not say who shared it"),
        (orjson.dumps(missing_item), "incomplete"),
        (orjson.dumps(bad_doc), "item 2 cannot be read"),
        (orjson.dumps(edited), "do not match its checksum"),
    ):
        bundle.write_bytes(payload)
        code, out, err = run(capsys, "--data-dir", str(friend), "import", str(bundle))
        assert code == 1 and out == "" and expected in err and err.count("\n") == 1, err
        assert file_bytes(friend) == before


# -- the Markdown folder --------------------------------------------------------------------


def test_markdown_folder(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    out = tmp_path / "md"
    code, stdout, _ = run(
        capsys, "--data-dir", str(data_dir), "export", "--format", "markdown", "--out", str(out)
    )
    assert code == 0 and "files to" in stdout
    january = (out / "journal" / "2027-01.md").read_text()
    assert january.startswith("# Journal: January 2027")
    assert "Entry j1 ★" in january and "Ünïcödé" in january and "#odd tag" in january
    assert january.index("Entry j1") < january.index("Entry j2")  # oldest first
    sheets = sorted((out / "worksheets").iterdir())
    assert len(sheets) == 4 and all("## Diagram" in p.read_text() for p in sheets)
    reflection = (out / "reflections" / "2027-01.md").read_text()
    assert "A check-in at pickup." in reflection and "at a glance" in reflection
    assert "Session 1, pre" in (out / "surveys" / "surveys.md").read_text()
    assert (out / "surveys" / "survey-answers.csv").read_bytes().startswith(codecs.BOM_UTF8)
    assert not (out / "coaching.md").read_bytes().startswith(codecs.BOM_UTF8)
    assert "How do I slow down at pickup?" in (out / "coaching.md").read_text()
    assert "Settling" in (out / "practice-log.md").read_text()
    index = (out / "README.md").read_text()
    assert "journal/2027-01.md" in index
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in out.rglob("*.md"))


def test_one_record_or_file_is_counted_in_the_singular(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every count in these messages said "1 records" / "1 files"."""
    d = str(data_dir)
    empty = tmp_path / "empty"
    code, out, _ = run(capsys, "--data-dir", str(empty), "export", "--out", str(tmp_path / "e"))
    assert code == 0 and out.startswith("exported 0 records to ")
    code, out, _ = run(
        capsys,
        "--data-dir",
        str(empty),
        "export",
        "--format",
        "markdown",
        "--out",
        str(tmp_path / "md"),
    )
    assert code == 0 and out == f"wrote 1 file to {tmp_path / 'md'}\n"
    _add(data_dir, "one")
    code, out, _ = run(capsys, "--data-dir", d, "export", "--out", str(tmp_path / "one-export"))
    assert code == 0 and out.startswith("exported 1 record to ")
    bundle = tmp_path / "one.json"
    code, out, _ = run(
        capsys, "--data-dir", d, "share", "--entry", "one", "--name", "S", "--out", str(bundle)
    )
    assert code == 0 and f"wrote 1 record to {bundle} (" in out
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "friend"), "import", str(bundle))
    assert code == 0 and out.startswith("imported 1 shared record from S into Shared with me")


def test_control_characters_in_a_bundle_never_reach_the_terminal(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sharer's name or text with an escape sequence was printed as is on import (and
    in Shared with me, where "\\x1b[2J" cleared the screen)."""
    _add(data_dir, "one")
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    [entry] = repo.all()
    repo.save(entry.edited(entry.updated, body="evil\x1b[2J\x1b[31mred\nsecond line"))
    bundle = tmp_path / "b.json"
    code, _, _ = run(
        capsys,
        "--data-dir",
        str(data_dir),
        "share",
        "--entry",
        "one",
        "--name",
        "Sam\x1b[5m",
        "--out",
        str(bundle),
    )
    assert code == 0
    friend = tmp_path / "friend"
    code, out, _ = run(capsys, "--data-dir", str(friend), "import", str(bundle))
    assert code == 0 and "\x1b" not in out and "from Sam\ufffd[5m into" in out
    [item] = ShelfRepo(Stores(DataPaths(friend))).all()
    assert item.sharer == "Sam\ufffd[5m" and "\x1b" not in item.item.text + item.item.title
    assert "evil\ufffd[2J\ufffd[31mred\nsecond line" in item.item.text

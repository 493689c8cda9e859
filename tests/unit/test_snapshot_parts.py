"""Snapshots as a manifest and shared parts (issue 21 item 5): a snapshot costs what changed,
and every promise of a whole-file snapshot holds (checked before a restore, nothing restored
half, pruning, encryption, the older single-file snapshots)."""

from __future__ import annotations

import threading
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import Cipher, is_sealed, new_cipher, wrap
from csa_companion.storage.encryption import Converted, encrypt_folder, write_key
from csa_companion.storage.lock import FileLock
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.records import export_bytes
from tests.conftest import START
from tests.rhythm_data import at
from tests.transfer_data import everything, file_bytes, old_journal, seed_everything


def add(stores: Stores, uid: str, when: str = "2027-04-01T10:00") -> None:
    moment = at(when)
    JournalRepo(stores["journal"]).add(JournalEntry(f"body {uid}", moment, moment, uid=uid))


def parts(data_dir: Path) -> set[str]:
    folder = data_dir / "backups" / "parts"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def manifest(stores: Stores, snap: backup.Snapshot) -> dict[str, Any]:
    found: dict[str, Any] = orjson.loads(backup.read_snapshot(stores, snap))
    return found


def restore(capsys: pytest.CaptureFixture[str], data_dir: Path, name: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "backup", "restore", name])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_snapshot_after_one_new_entry_writes_only_that_months_part(data_dir: Path) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    for month in range(1, 7):  # six months of entries
        add(stores, f"m{month}", f"2026-{month:02d}-10T10:00")
    first = backup.take(stores, START)
    before = parts(data_dir)
    assert len(before) == len(manifest(stores, first)["parts"])  # one file per part
    add(stores, "new", "2026-06-20T10:00")
    second = backup.take(stores, START + timedelta(days=1))
    new = parts(data_dir) - before
    assert len(new) == 1  # June's records: the rest are named again, not copied
    [june] = [p for p in manifest(stores, second)["parts"] if p["file"] in new]
    assert (june["store"], june["period"], june["tables"]) == ("journal", "2026-06", {"journal": 2})
    assert backup.describe(stores, second).endswith("entries, 4 worksheets, 1 reflection")
    assert second.size < first.size * 2  # what it needs on disk, shared parts counted once


def test_a_large_month_is_kept_in_parts_and_one_new_entry_changes_one(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "CHUNK", 4)
    no_links(monkeypatch)
    stores = Stores(DataPaths(data_dir))
    for day in range(1, 11):  # ten entries in June: parts of 4, 4 and 2
        add(stores, f"june{day}", f"2026-06-{day:02d}T10:00")
    first = backup.take(stores, START)
    june = [p for p in manifest(stores, first)["parts"] if p["period"] == "2026-06"]
    assert [p["tables"] for p in june] == [{"journal": 4}, {"journal": 4}, {"journal": 2}]
    before = parts(data_dir)
    add(stores, "june11", "2026-06-11T10:00")
    second = backup.take(stores, START + timedelta(days=1))
    assert len(parts(data_dir) - before) == 1  # the last part of June, now of 3
    entries = backup.snapshot_contents(stores, second)["journal"]["journal"]
    assert [e["uid"] for e in entries] == [f"june{day}" for day in range(1, 12)]
    assert len(backup.snapshot_contents(stores, first)["journal"]["journal"]) == 10


def test_restore_rebuilds_the_data_from_the_parts(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    add(stores, "kept")
    wanted = everything(data_dir)
    snap = backup.take(stores, START)
    add(stores, "later", "2027-05-02T10:00")
    after = everything(data_dir)
    code, out, err = restore(capsys, data_dir, snap.name)
    assert code == 0 and err == "" and "the state before it is kept as" in out
    assert everything(data_dir) == wanted
    [kept] = [s for s in backup.snapshots(Stores(DataPaths(data_dir))) if "restore" in s.name]
    assert restore(capsys, data_dir, kept.name)[0] == 0
    assert everything(data_dir) == after


def no_links(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system without hard links (FAT, exFAT): parts are the records, compressed."""

    def refuse(source: Path, target: Path) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(backup, "_link", refuse)


def damage_part(stores: Stores, snap: backup.Snapshot, how: str) -> None:
    journal = [p for p in manifest(stores, snap)["parts"] if p["store"] == "journal"][-1]
    path = backup.parts_folder(stores) / journal["file"]
    raw = path.read_bytes()
    path.unlink()  # a linked part is the month's own file: damage the part's name alone
    if how == "missing":
        pass
    elif how == "cut off":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "other records":  # whole, compressed, but not what the manifest names
        path.write_bytes(zlib.compress(orjson.dumps({"journal": []})))
    else:
        path.write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))


@pytest.mark.parametrize("how", ["missing", "cut off", "other records", "a bit flipped"])
def test_a_damaged_part_is_refused_and_nothing_is_restored(
    data_dir: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    snap = backup.take(stores, START)
    add(stores, "later", "2027-05-02T10:00")
    damage_part(stores, snap, how)
    before = file_bytes(data_dir)
    code, out, err = restore(capsys, data_dir, snap.name)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"the snapshot {snap.name}'s part for journal 2027-" in err
    assert err.rstrip().endswith("nothing was changed")
    assert file_bytes(data_dir) == before  # no store written, no snapshot taken


def test_a_damaged_manifest_is_refused_and_nothing_is_restored(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    snap = backup.take(stores, START)
    raw = snap.path.read_bytes()
    data = manifest(stores, snap)
    outside = data | {"parts": [p | {"file": "../" + p["file"]} for p in data["parts"]]}
    cases = {
        "2026-01-01-000000.json": raw[: len(raw) // 2],
        # a part left out: the count says so
        "2026-01-02-000000.json": backup.manifest_file(data | {"parts": data["parts"][1:]}),
        "2026-01-03-000000.json": backup.manifest_file(outside),
        "2026-01-04-000000.json": backup.manifest_file(data | {"version": 9}),
        "2026-01-05-000000.json": backup.manifest_file(data | {"parts": "all"}),
    }
    for name, payload in cases.items():
        (data_dir / "backups" / name).write_bytes(payload)
        before = file_bytes(data_dir)
        code, out, err = restore(capsys, data_dir, name)
        assert code == 1 and out == "" and err.count("\n") == 1, (name, err)
        assert "nothing was" in err and name in err
        assert file_bytes(data_dir) == before


def test_the_next_snapshot_mends_a_damaged_part_it_shares(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_links(monkeypatch)
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    first = backup.take(stores, START)
    damage_part(stores, first, "a bit flipped")
    second = backup.take(stores, START + timedelta(hours=1))
    for snap in (first, second):  # the part is whole again, under the name both give it
        assert backup.snapshot_contents(stores, snap) == backup.snapshot_contents(stores, second)
    assert restore(capsys, data_dir, first.name)[0] == 0


def test_pruning_deletes_only_the_parts_no_snapshot_names(data_dir: Path) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    taken = []
    for day in range(14):  # each day a new entry, in a month of its own every other day
        add(stores, f"d{day}", f"2026-{day // 2 + 1:02d}-{day % 28 + 1:02d}T10:00")
        label = backup.BEFORE_IMPORT if day == 1 else backup.DAILY
        taken.append(backup.take(stores, START + timedelta(days=day), label=label))
    kept = backup.snapshots(stores)
    # the kept 10, and the protected one taken before an import
    assert [s.name for s in kept] == [taken[1].name] + [s.name for s in taken[-10:]]
    named = {p["file"] for s in kept for p in manifest(stores, s)["parts"]}
    assert parts(data_dir) == named  # none missing, none left over
    for snap in kept:  # every kept one is whole
        found = backup.snapshot_contents(stores, snap)
        assert len(found["journal"]["journal"]) == 8 + [s.name for s in taken].index(snap.name)


def test_pruning_deletes_no_part_while_a_snapshot_cannot_be_read(data_dir: Path) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    backup.take(stores, START)
    # a snapshot sealed with another key (of another folder, or key.json put back wrong)
    other = new_cipher().seal(b"{}")
    (data_dir / "backups" / "2020-01-01-000000-daily.json").write_bytes(other)
    orphan = backup.parts_folder(stores) / ("0" * 32)
    orphan.write_bytes(b"what some snapshot of an unknown key may name")
    for hour in range(1, 4):
        add(stores, f"h{hour}")
        backup.take(stores, START + timedelta(hours=hour))
    assert orphan.exists()
    (data_dir / "backups" / "2020-01-01-000000-daily.json").unlink()
    backup.take(stores, START + timedelta(hours=5))
    assert not orphan.exists()


def test_a_snapshot_waits_for_another_ones_lock(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    backup.take(stores, START)
    before = file_bytes(data_dir)
    monkeypatch.setattr(backup, "LOCK_SECONDS", 0.1)
    other = FileLock(str(data_dir / "backups" / backup.LOCK), timeout=1)
    other.acquire()
    try:
        with pytest.raises(backup.BackupError, match="another csa-companion has been taking"):
            backup.take(stores, START + timedelta(hours=1))
    finally:
        other.release()
    assert file_bytes(data_dir) == before


def encrypt(data_dir: Path) -> Cipher:
    """Turn encryption on in the folder, as `encrypt` does."""
    cipher = new_cipher()
    write_key(DataPaths(data_dir), wrap(cipher, "a passphrase for the test"))
    assert not encrypt_folder(DataPaths(data_dir), cipher).failed
    return cipher


def test_an_encrypted_folders_snapshots_and_parts_are_sealed_and_named_at_random(
    data_dir: Path,
) -> None:
    seed_everything(data_dir)
    cipher = encrypt(data_dir)
    stores = Stores(DataPaths(data_dir), cipher=cipher)
    wanted = everything(data_dir, cipher)
    first = backup.take(stores, START)
    add(stores, "later")
    second = backup.take(stores, START + timedelta(days=1))
    files = [first.path, second.path, *backup.parts_folder(stores).iterdir()]
    assert all(is_sealed(p.read_bytes()) for p in files)
    named = manifest(stores, second)["parts"]
    assert len(parts(data_dir)) == len(named)  # the first one's are all shared
    assert all(part["file"] not in part["sha256"] for part in named)  # names tell nothing
    assert backup.describe(stores, first) == "by hand · 7 entries, 4 worksheets, 1 reflection"
    backup.restore(stores, first.name, START + timedelta(days=2))
    assert everything(data_dir, cipher) == wanted
    # without the key, a sealed snapshot is refused with a clear message
    with pytest.raises(backup.BackupError, match="encrypted, but encryption is not on"):
        backup.snapshot_contents(Stores(DataPaths(data_dir)), first)


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_snapshot_of_the_older_kind_is_listed_and_restored(
    data_dir: Path, encrypted: bool
) -> None:
    seed_everything(data_dir)
    cipher = encrypt(data_dir) if encrypted else None
    stores = Stores(DataPaths(data_dir), cipher=cipher)
    wanted = everything(data_dir, cipher)
    payload = export_bytes(stores, START)  # what a snapshot was until now: an export file
    old = data_dir / "backups" / "2026-11-01-090000-daily.json"
    old.parent.mkdir(exist_ok=True)
    old.write_bytes(cipher.seal(payload) if cipher else payload)
    add(stores, "later")
    [snap] = backup.snapshots(stores)
    assert snap.size == old.stat().st_size
    assert backup.describe(stores, snap) == "daily · 7 entries, 4 worksheets, 1 reflection"
    backup.restore(stores, snap.name, START)
    assert everything(data_dir, cipher) == wanted
    names = [s.name for s in backup.snapshots(stores)]
    assert names[0] == snap.name and "before-restore" in names[1]


# -- the copy of journal.json kept at the split --------------------------------------------


def test_the_copy_kept_at_the_split_becomes_a_protected_snapshot(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_journal(data_dir)
    stores = Stores(DataPaths(data_dir))
    stores["journal"]  # the split, at the first start
    assert (data_dir / "journal.json.pre-split").exists()
    split_parts = parts(data_dir)
    assert backup.daily(stores, START) is not None
    assert list(data_dir.glob("journal.json.pre-split*")) == []
    snaps = backup.snapshots(stores)
    split = "before the split"
    assert [s.reason for s in snaps] == [split, split, "daily"]
    assert [backup.describe(stores, s).split(" · ")[1] for s in snaps] == [
        "1 entry, 4 worksheets, 1 reflection",  # the backup generation, older
        "3 entries, 4 worksheets, 1 reflection",
        "3 entries, 4 worksheets, 1 reflection",
    ]
    # the old journal's months are kept once for both of its generations
    named = [{p["file"] for p in manifest(stores, s)["parts"]} for s in snaps]
    assert named[0] & named[1] and not split_parts
    # kept through pruning, as those taken before an import are
    for hour in range(1, 12):
        add(stores, f"h{hour}")
        backup.take(stores, START + timedelta(hours=hour))
    assert {s.name for s in snaps[:2]} <= {s.name for s in backup.snapshots(stores)}
    # and the journal it holds comes back whole, the unreadable record set aside
    assert restore(capsys, data_dir, snaps[1].name)[0] == 0
    journal = Stores(DataPaths(data_dir))["journal"]
    assert sorted(e.body for e in JournalRepo(journal).all()) == [
        "09 entry", "10 entry", "11 entry",
    ]  # fmt: skip
    assert "no uid" in str(journal.storage.read()["_quarantine"])


def test_a_copy_kept_at_the_split_that_cannot_be_read_is_left_as_it_is(data_dir: Path) -> None:
    old_journal(data_dir)
    stores = Stores(DataPaths(data_dir))
    stores["journal"]
    kept = data_dir / "journal.json.pre-split"
    kept.write_bytes(kept.read_bytes()[:-10])  # damaged since
    assert backup.daily(stores, START) is not None  # the day's snapshot all the same
    assert kept.exists() and (data_dir / "journal.json.pre-split.bak").exists() is False
    assert [s.label for s in backup.snapshots(stores)] == ["before-split", "daily"]


def test_an_encrypted_copy_kept_at_the_split_becomes_an_encrypted_snapshot(data_dir: Path) -> None:
    old_journal(data_dir)
    cipher = encrypt(data_dir)
    stores = Stores(DataPaths(data_dir), cipher=cipher)
    stores["journal"]
    assert is_sealed((data_dir / "journal.json.pre-split").read_bytes())
    [split, older, _] = [*backup.keep_pre_split(stores, START), None]
    assert list(data_dir.glob("journal.json.pre-split*")) == []
    files = [split.path, older.path, *backup.parts_folder(stores).iterdir()]
    assert all(is_sealed(p.read_bytes()) for p in files)
    assert backup.describe(stores, older).endswith("3 entries, 4 worksheets, 1 reflection")


def test_a_snapshot_by_hand_takes_in_the_copy_kept_at_the_split(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_journal(data_dir)
    assert main(["--data-dir", str(data_dir), "journal", "list"]) == 0  # the split
    assert (data_dir / "journal.json.pre-split").exists()
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "backup"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and all(line.startswith("wrote ") for line in out)
    assert out[1].endswith(": before the split · 3 entries, 4 worksheets, 1 reflection")
    assert list(data_dir.glob("journal.json.pre-split*")) == []


def test_a_window_opened_before_encryption_takes_no_plain_snapshot(data_dir: Path) -> None:
    seed_everything(data_dir)
    before_encryption = Stores(DataPaths(data_dir))
    JournalRepo(before_encryption["journal"]).all()  # read while plain: kept in memory
    encrypt(data_dir)  # `encrypt` in a shell meanwhile
    with pytest.raises(backup.BackupError, match="encryption was turned on in this data folder"):
        backup.take(before_encryption, START)
    assert backup.snapshots(before_encryption) == [] and parts(data_dir) == set()


def test_encrypting_waits_for_a_snapshot_being_taken(data_dir: Path) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    backup.take(stores, START)
    snapshot_lock = FileLock(str(data_dir / "backups" / backup.LOCK), timeout=1)
    snapshot_lock.acquire()
    cipher = new_cipher()
    write_key(DataPaths(data_dir), wrap(cipher, "a passphrase for the test"))
    done: list[Converted] = []

    def convert() -> None:
        done.append(encrypt_folder(DataPaths(data_dir), cipher))

    worker = threading.Thread(target=convert)
    worker.start()
    try:
        worker.join(0.5)
        assert worker.is_alive()  # waiting: nothing converted behind the snapshot
        assert not any(is_sealed(p.read_bytes()) for p in backup.parts_folder(stores).iterdir())
    finally:
        snapshot_lock.release()
    worker.join(30)
    assert done and not done[0].failed
    assert all(is_sealed(p.read_bytes()) for p in backup.parts_folder(stores).iterdir())


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_store_file_unchanged_since_is_linked_and_an_old_one_kept_compressed(
    data_dir: Path, capsys: pytest.CaptureFixture[str], encrypted: bool
) -> None:
    seed_everything(data_dir)
    cipher = encrypt(data_dir) if encrypted else None
    stores = Stores(DataPaths(data_dir), cipher=cipher)
    add(stores, "april")
    first = backup.take(stores, START)
    april = data_dir / "journal" / "2027-04.json"
    [linked] = [p for p in manifest(stores, first)["parts"] if p["period"] == "2027-04"]
    part = backup.parts_folder(stores) / linked["file"]
    assert part.samefile(april)  # the month's own file: no copy
    add(stores, "april again", "2027-04-02T10:00")  # the month is written anew
    second = backup.take(stores, START + timedelta(days=1))
    assert not part.samefile(april)
    kept = part.read_bytes()  # the old April alone: kept compressed under its name
    assert (cipher.open(kept) if cipher else kept).startswith(backup.KEPT_MARK)
    assert is_sealed(kept) == encrypted
    assert len(backup.snapshot_contents(stores, first)["journal"]["journal"]) == 8
    assert len(backup.snapshot_contents(stores, second)["journal"]["journal"]) == 9
    backup.restore(stores, first.name, START + timedelta(days=2))
    assert (
        JournalRepo(Stores(DataPaths(data_dir), cipher=cipher)["journal"]).get("april again")
        is None
    )

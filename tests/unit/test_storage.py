"""The crash-safe store: atomic writes, recovery, schema rules, locking, and many writers."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
import time
import zlib
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest

from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.fileformat import Checked, DamagedFile, check, decode, encode
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.safe_storage import (
    StoreLockedError,
    StoreNewerError,
    StoreWriteError,
)
from csa_companion.storage.store import Store, Stores
from tests.conftest import START
from tests.helpers import another_process
from tests.waiting import wait_for

DATA = Path(__file__).parent.parent / "data"


def add(repo: JournalRepo, body: str) -> JournalEntry:
    entry = JournalEntry.new(body, START)
    repo.save(entry)
    return entry


def test_round_trip_and_file_permissions(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    path = folder / "journal.json"
    folder.mkdir(mode=0o700)
    repo = JournalRepo(Store(path))
    add(repo, "first")
    add(repo, "second")
    assert {e.body for e in JournalRepo(Store(path)).all()} == {"first", "second"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    backup = path.with_name("journal.json.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    _, tables = decode(backup.read_bytes())
    assert len(tables["journal"]) == 1  # the previous generation


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda raw: raw[: len(raw) - 20], "incomplete"),
        (lambda raw: b"", "empty"),
        (lambda raw: raw.replace(b"second", b"sec0nd"), "checksum"),
        (lambda raw: b"\x00\x01garbage", "not valid JSON"),
    ],
)
def test_damaged_file_is_set_aside_and_backup_restored(
    tmp_path: Path, damage: object, reason: str
) -> None:
    path = tmp_path / "journal.json"
    repo = JournalRepo(Store(path))
    add(repo, "first")
    add(repo, "second")
    good_backup = path.with_name("journal.json.bak").read_bytes()
    damaged = damage(path.read_bytes())  # type: ignore[operator]
    path.write_bytes(damaged)

    store = Store(path)
    assert [e.body for e in JournalRepo(store).all()] == ["first"]
    [notice] = store.take_notices()
    assert reason in notice and "restored" in notice
    [aside] = list(tmp_path.glob("journal.json.damaged-*"))
    assert aside.read_bytes() == damaged  # kept, never deleted
    assert path.with_name("journal.json.bak").read_bytes() == good_backup


def test_damaged_file_without_backup_starts_empty_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_bytes(b'{"format":"csa-companion","schema":1,"length":99,"crc32":1}\n{"jou')
    store = Store(path)
    assert JournalRepo(store).all() == []
    [notice] = store.take_notices()
    assert "no good backup" in notice
    assert len(list(tmp_path.glob("journal.json.damaged-*"))) == 1


def test_missing_main_file_is_restored_from_backup(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    repo = JournalRepo(Store(path))
    add(repo, "first")
    add(repo, "second")
    path.unlink()
    store = Store(path)
    assert [e.body for e in JournalRepo(store).all()] == ["first"]
    assert "missing" in store.take_notices()[0]


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    raw = encode({"journal": {}}, schema=99)
    path.write_bytes(raw)
    with pytest.raises(StoreNewerError, match="newer csa-companion"):
        Store(path)
    assert path.read_bytes() == raw


def test_plain_tinydb_file_is_migrated_with_a_copy_kept(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    original = (DATA / "journal-schema0.json").read_bytes()
    path.write_bytes(original)
    entries = {e.title or e.body: e for e in JournalRepo(Store(path)).all()}
    prototype = entries["From the prototype"]
    assert prototype.tags == ("iceberg", "team")
    assert prototype.created.tzinfo is not None and prototype.created.year == 2025
    naive = entries["Second note, naive time."]
    assert naive.created.tzinfo is not None
    assert path.with_name("journal.json.pre-migration-v0").read_bytes() == original
    schema, _ = decode(path.read_bytes())
    assert schema == 1


def test_failed_write_changes_nothing_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.json"
    repo = JournalRepo(Store(path))
    add(repo, "kept")
    before = path.read_bytes()

    def full_disk(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(StoreWriteError, match="No space left"):
        add(repo, "lost?")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))
    assert [e.body for e in repo.all()] == ["kept"]  # memory matches disk
    add(repo, "after the disk was freed")
    assert len(JournalRepo(Store(path)).all()) == 2


def test_lock_held_elsewhere_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    store = Store(path, lock_timeout=0.3)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from csa_companion.storage.lock import FileLock
                FileLock({str(path) + ".lock"!r}, timeout=5).acquire()
                open({str(path) + ".lock.owner"!r}, "w").write("4242 csa-companion journal add")
                print("held", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreLockedError, match=r"process 4242 \(csa-companion journal add\)"):
            add(JournalRepo(store), "blocked")
    finally:
        holder.kill()
        holder.wait()
    # The system drops a killed holder's lock: the lock file left behind blocks nobody.
    assert (tmp_path / "journal.json.lock").exists()
    add(JournalRepo(store), "after the holder died")
    assert [e.body for e in JournalRepo(Store(path)).all()] == ["after the holder died"]


WRITER = """
import sys
from pathlib import Path
from datetime import datetime, timezone
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Store, Stores
repo = JournalRepo(Store(Path(sys.argv[1]), lock_timeout=30))
for n in range(int(sys.argv[3])):
    repo.save(JournalEntry.new(f"{sys.argv[2]}-{n}", datetime.now(timezone.utc)))
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, "300"])
        for name in ("a", "b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    bodies = {e.body for e in JournalRepo(Store(path)).all()}
    assert bodies == {f"{name}-{n}" for name in "ab" for n in range(300)}


def test_change_by_another_process_is_seen_on_refresh(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    mine = Store(path)
    theirs = JournalRepo(Store(path))
    add(theirs, "from elsewhere")
    assert mine.refresh() is True
    assert [e.body for e in JournalRepo(mine).all()] == ["from elsewhere"]
    assert mine.refresh() is False


def test_decode_rejects_a_foreign_header() -> None:
    with pytest.raises(DamagedFile, match="another format"):
        decode(b'{"format":"other","schema":1,"length":2,"crc32":0}\n{}')


def test_inserts_get_fresh_ids_after_another_process_inserted(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    mine, theirs = Store(path), Store(path)
    with mine.transaction():
        mine.table("journal").insert_multiple([{"uid": "a"}, {"uid": "b"}])
    with theirs.transaction():
        theirs.table("journal").insert({"uid": "c"})
    with mine.transaction():
        mine.table("journal").insert({"uid": "d"})
        mine.table("journal").insert_multiple([{"uid": "e"}, {"uid": "f"}])
    assert sorted(doc["uid"] for doc in Store(path).table("journal").all()) == list("abcdef")


def journal_store(path: Path) -> Store:
    return Store(path, preview_of=Stores.PREVIEWS["journal"])


def test_newest_entries_come_from_the_header_without_parsing_the_body(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    repo = JournalRepo(journal_store(path))
    for n in range(15):
        repo.add(JournalEntry.new(f"entry {n}", START + timedelta(minutes=n)))
    with mock.patch.object(Checked, "tables", autospec=True, side_effect=Checked.tables) as parse:
        fresh = JournalRepo(journal_store(path))
        assert [e.body for e in fresh.recent(3)] == ["entry 14", "entry 13", "entry 12"]
        assert [e.body for e in fresh.recent(10)] == [f"entry {n}" for n in range(14, 4, -1)]
        assert parse.call_count == 0
        assert [e.body for e in fresh.recent(12)][-1] == "entry 3"  # more than the header has
        assert parse.call_count == 1
        assert len(fresh.all()) == 15
        assert parse.call_count == 1  # parsed once, then held


def test_header_preview_follows_every_change(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    mine = JournalRepo(journal_store(path))
    theirs = JournalRepo(journal_store(path))
    first = JournalEntry.new("first", START)
    mine.add(first)
    theirs.add(JournalEntry.new("later, elsewhere", START + timedelta(hours=1)))
    mine.delete(first.uid)
    assert [e.body for e in JournalRepo(journal_store(path)).recent(5)] == ["later, elsewhere"]
    assert check(path.read_bytes()).preview["total"] == 1


def test_preview_is_covered_by_the_checksum(tmp_path: Path) -> None:
    raw = encode({"journal": {}}, schema=1, preview={"note": "abc"})
    assert check(raw).preview == {"note": "abc"}
    with pytest.raises(DamagedFile, match="checksum"):
        check(raw.replace(b"abc", b"abd"))
    old_style = b'{"format":"csa-companion","schema":1,"length":2,"crc32":%d}\n{}' % zlib.crc32(
        b"{}"
    )
    assert decode(old_style) == (1, {}) and check(old_style).preview is None


def test_body_that_passes_the_checksum_but_not_the_parser_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    repo = JournalRepo(journal_store(path))
    add(repo, "kept in the backup")
    add(repo, "second")
    bad_body = b'{"journal": {'
    header = b'{"format":"csa-companion","schema":1,"length":%d,"crc32":%d}\n' % (
        len(bad_body),
        zlib.crc32(bad_body),
    )
    path.write_bytes(header + bad_body)  # as only a faulty writer could leave it
    store = journal_store(path)
    assert [e.body for e in JournalRepo(store).all()] == ["kept in the backup"]
    assert any("was damaged" in notice for notice in store.take_notices())
    assert list(tmp_path.glob("journal.json.damaged-*"))


def test_an_odd_document_does_not_stop_saving(tmp_path: Path) -> None:
    store = journal_store(tmp_path / "journal.json")
    with store.transaction():
        store.table("journal").insert_multiple(
            [{"uid": "no-time"}, {"uid": "bad", "created": "yesterday"}]
        )
    repo = JournalRepo(store)
    repo.add(JournalEntry.new("still saved", START))
    assert store.preview()["newest"][0]["body"] == "still saved"
    assert store.preview()["total"] == 3


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".*.tmp"))


KILLED_WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.paths import DataPaths
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Stores
repo = JournalRepo(Stores(DataPaths(Path(sys.argv[1])), lock_timeout=30)["journal"])
print("writing", flush=True)
n = 0
while True:
    repo.add(JournalEntry.new(f"killed writer {n}", datetime.now(timezone.utc)))
    n += 1
"""


async def test_writers_killed_mid_write_leave_no_temp_file_after_the_next_open(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    body = "A long entry about the week. " * 40  # about 1.2 KB, like a real entry
    entries = [JournalEntry.new(f"{n} {body}", START + timedelta(minutes=n)) for n in range(3000)]
    tables = {"journal": {str(n + 1): e.to_doc() for n, e in enumerate(entries)}}
    (data / "journal.json").write_bytes(encode(tables, schema=1))

    kills = 0
    while not temp_files(data):  # until a kill lands while a temp file exists
        assert kills < 20, "no kill landed mid-write in 20 tries"
        with another_process(KILLED_WRITER, data, ready="writing"):
            await wait_for(lambda: temp_files(data), "the writer's temp file", timeout=30)
        kills += 1

    store = Stores(DataPaths(data))["journal"]
    assert temp_files(data) == []
    assert len(JournalRepo(store).all()) >= 3000  # and nothing acknowledged was lost


def test_temp_files_of_dead_writers_are_removed_but_not_a_live_writers(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    store = Store(path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = {
            "dead": f".journal.json.{dead.pid}.tmp",
            "dead-bak": f".journal.json.bak.{dead.pid}.tmp",
            "live": f".journal.json.{live.pid}.tmp",
            "live-but-old": f".journal.json.bak.{live.pid}.tmp",
            "another store's": f".drafts.json.{dead.pid}.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"half a write")
        old = time.time() - 3600  # older than any write takes: the id was reused
        os.utime(tmp_path / names["live-but-old"], (old, old))

        add(JournalRepo(store), "a write sweeps")
        assert temp_files(tmp_path) == sorted([names["live"], names["another store's"]])
        (tmp_path / names["dead"]).write_bytes(b"half a write")
        Store(path)  # and so does an open
        assert temp_files(tmp_path) == sorted([names["live"], names["another store's"]])
    finally:
        live.kill()
        live.wait()

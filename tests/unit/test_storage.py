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
from typing import Any
from unittest import mock

import pytest

from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.fileformat import Checked, DamagedFile, check, decode, encode
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.safe_storage import (
    StoreLockedError,
    StoreNewerError,
    StoreReadOnlyError,
    StoreWriteError,
)
from csa_companion.storage.store import Store, Stores
from tests.conftest import START
from tests.helpers import (
    dead_and_live_pids,
    kill_mid_write,
    read_only,
    seed_journal,
    temp_files,
)

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
    assert "no backup was found" in notice
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
                import os
                FileLock({str(path) + ".lock"!r}, timeout=5).acquire()
                with open({str(path) + ".lock.owner"!r}, "w") as owner:
                    owner.write(f"{{os.getpid()}} csa-companion journal add")
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
        with pytest.raises(
            StoreLockedError, match=rf"process {holder.pid} \(csa-companion journal add\)"
        ):
            add(JournalRepo(store), "blocked")
    finally:
        holder.kill()
        holder.wait()
    # The system drops a killed holder's lock: the lock file left behind blocks nobody.
    assert (tmp_path / "journal.json.lock").exists()
    add(JournalRepo(store), "after the holder died")
    assert [e.body for e in JournalRepo(Store(path)).all()] == ["after the holder died"]


@pytest.mark.parametrize(
    "before", ["", "9", "123456789 csa-companion --data-dir /a/much/longer/folder"]
)
def test_the_lock_owner_file_names_this_process_whatever_it_held(
    tmp_path: Path, before: str
) -> None:
    """Each lock taken writes who holds it (the busy message names them) over the file: the
    last holder's text is cut away when it was longer, never left after ours."""
    path = tmp_path / "journal.json"
    owner = tmp_path / "journal.json.lock.owner"
    owner.write_text(before)
    add(JournalRepo(Store(path)), "written under the lock")
    assert owner.read_bytes() == f"{os.getpid()} {' '.join(sys.argv[:3])}".encode(
        "utf-8", "surrogateescape"
    )


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
        mine.table("notes").insert_multiple([{"uid": "a"}, {"uid": "b"}])
    with theirs.transaction():
        theirs.table("notes").insert({"uid": "c"})
    with mine.transaction():
        mine.table("notes").insert({"uid": "d"})
        mine.table("notes").insert_multiple([{"uid": "e"}, {"uid": "f"}])
    assert sorted(doc["uid"] for doc in Store(path).table("notes").all()) == list("abcdef")


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

    # the journal is kept one file per month in data/journal/: its temp files are made there
    await kill_mid_write(KILLED_WRITER, data, data / "journal")
    store = Stores(DataPaths(data))["journal"]
    assert temp_files(data / "journal") == [] and temp_files(data) == []
    assert len(JournalRepo(store).all()) >= 3000  # and nothing acknowledged was lost


def test_temp_files_of_dead_writers_are_removed_but_not_a_live_writers(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    store = Store(path)
    with dead_and_live_pids() as (dead, live):
        names = {
            "dead": f".journal.json.{dead}.tmp",
            "dead-bak": f".journal.json.bak.{dead}.tmp",
            "live": f".journal.json.{live}.tmp",
            "live-but-old": f".journal.json.bak.{live}.tmp",
            "another store's, dead": f".drafts.json.{dead}.tmp",
            # Under the journal's lock, this process's journal temp files are left over; but
            # another thread of it may be writing another file.
            "mine": f".journal.json.{os.getpid()}.tmp",
            "mine, another store's": f".drafts.json.{os.getpid()}.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"half a write")
        old = time.time() - 3600  # older than any write takes: the id was reused
        os.utime(tmp_path / names["live-but-old"], (old, old))
        kept = sorted([names["live"], names["mine, another store's"]])

        add(JournalRepo(store), "a write sweeps")
        assert temp_files(tmp_path) == kept
        (tmp_path / names["dead"]).write_bytes(b"half a write")
        (tmp_path / names["another store's, dead"]).write_bytes(b"half a write")
        Store(path)  # and so does an open
        assert temp_files(tmp_path) == kept


# -- A store never loses what it holds: damaged shapes, migrations, unreadable documents -------


def frame(body: bytes, schema: int = 1) -> bytes:
    """A framed file around any body, with a checksum that matches (as a faulty writer or a
    hand edit that fixed the checksum could leave it)."""
    header = b'{"format":"csa-companion","schema":%d,"length":%d,"crc32":%d}\n'
    return header % (schema, len(body), zlib.crc32(body)) + body


def three_entries(path: Path) -> JournalRepo:
    repo = JournalRepo(journal_store(path))
    for n, body in enumerate(("one", "two", "three")):
        repo.add(JournalEntry.new(body, START + timedelta(minutes=n)))
    return repo


def bodies(store: Store) -> set[str]:
    return {e.body for e in JournalRepo(store).all()}


DAMAGED_SHAPES = {
    "empty object": b"{}",
    "zero bytes": b"",
    "whitespace": b" \n\t\n",
    "binary garbage": bytes(range(256)) * 4,
    "JSON array": b'[{"body": "x"}]',
    "JSON string": b'"journal"',
    "JSON number": b"42",
    "JSON null": b"null",
    "huge number": b"1" + b"0" * 400,
    "float overflow": b'{"journal": 1e999999}',
    "truncated JSON": b'{"journal": {"1": {"body": "cut',
    "table is a list": b'{"journal": [{"body": "x"}]}',
    "table is text": b'{"journal": "x"}',
    "deep nesting": b"[" * 5000 + b"]" * 5000,
    "UTF-16 with BOM": '{"journal": {}}'.encode("utf-16"),
    "framed, cut in the header": b'{"format":"csa-companion","sch',
    "framed, schema negative": frame(b"{}", schema=-1),
    "framed, schema huge": b'{"format":"csa-companion","schema":1e400,"length":2,"crc32":0}\n{}',
    "framed, header a list": b'{"format"\n{}',
    "framed, length huge": b'{"format":"csa-companion","schema":1,"length":99999999999999999999,'
    b'"crc32":0}\n{}',
    "framed, body an array": frame(b"[1, 2]"),
    "framed, tables not objects": frame(b'{"journal": [1]}'),
    "framed, preview length negative": b'{"format":"csa-companion","schema":1,"length":2,'
    b'"crc32":%d,"preview":-5}\n{}' % zlib.crc32(b"{}"),
}


@pytest.mark.parametrize("damaged", DAMAGED_SHAPES.values(), ids=DAMAGED_SHAPES.keys())
def test_a_file_that_is_no_store_is_set_aside_and_the_backup_restored(
    tmp_path: Path, damaged: bytes
) -> None:
    path = tmp_path / "journal.json"
    three_entries(path)
    backup = path.with_name("journal.json.bak")
    good_backup = backup.read_bytes()
    path.write_bytes(damaged)

    store = journal_store(path)
    assert bodies(store) == {"one", "two"}  # the last good generation, not an empty journal
    [notice] = store.take_notices()
    assert "was damaged" in notice and "restored from journal.json.bak" in notice
    [aside] = tmp_path.glob("journal.json.damaged-*")
    assert aside.read_bytes() == damaged and aside.name in notice
    assert backup.read_bytes() == good_backup  # the recovery did not rotate anything into .bak
    assert not list(tmp_path.glob("*.pre-migration-*"))
    assert bodies(journal_store(path)) == {"one", "two"}  # and the repair is on disk


def test_the_issue_case_printf_empty_object_keeps_the_entries(tmp_path: Path) -> None:
    """`printf '{}' > journal.json` used to be migrated as an empty TinyDB file and rotated
    into .bak, so that no file held the entries any more."""
    path = tmp_path / "journal.json"
    three_entries(path)
    path.write_bytes(b"{}")
    assert bodies(journal_store(path)) == {"one", "two"}
    _, in_backup = decode(path.with_name("journal.json.bak").read_bytes())
    assert {d["body"] for d in in_backup["journal"].values()} == {"one", "two"}


def test_a_migration_keeps_the_backup_generation_and_every_original(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    three_entries(path)
    backup = path.with_name("journal.json.bak")
    good_backup = backup.read_bytes()
    first = b'{"journal": {"1": {"body": "from a script", "created": 1760000000}}}'
    path.write_bytes(first)

    store = journal_store(path)
    assert bodies(store) == {"from a script"}
    [notice] = store.take_notices()
    assert "older format" in notice and "journal.json.pre-migration-v0" in notice
    assert backup.read_bytes() == good_backup  # the migration did not push it out
    assert path.with_name("journal.json.pre-migration-v0").read_bytes() == first

    second = b'{"_default": {}, "journal": {"1": {"body": "another script"}}}'
    path.write_bytes(second)
    assert bodies(journal_store(path)) == {"another script"}
    assert path.with_name("journal.json.pre-migration-v0").read_bytes() == first
    assert path.with_name("journal.json.pre-migration-v0-2").read_bytes() == second
    assert backup.read_bytes() == good_backup


BAD_DOCUMENTS = {
    "text": ("x", "not a document"),
    "list": (["body"], "not a document"),
    "number": (7, "not a document"),
    "null": (None, "not a document"),
    "no uid": ({"body": "b", "created": "2026-01-01T00:00:00+00:00"}, "uid is missing"),
    "no created": ({"uid": "u", "body": "b", "updated": "2026-01-01T00:00:00+00:00"}, "created"),
    "created not a date": ({"uid": "u", "created": "not a date", "updated": "x"}, "created"),
    "created a number": ({"uid": "u", "created": 5, "updated": 5}, "created is not a date"),
    "created without a zone": (
        {"uid": "u", "created": "2026-01-01T09:00", "updated": "2026-01-01T09:00"},
        "no time zone",
    ),
    # Year 1 at +14:00 is in year 0 in UTC: reflection list and the Markdown export crashed.
    "created out of range": (
        {"uid": "u", "created": "0001-01-01T00:00:00+14:00", "updated": "2026-01-01T09:00+00:00"},
        "created is out of range",
    ),
    "tags is text": ({"tags": "a, b"}, "tags is not a list"),
    "tags hold numbers": ({"tags": [1, 2]}, "tags is not a list"),
    "starred is text": ({"starred": "yes"}, "starred"),
    "title is a number": ({"title": 12}, "title is not text"),
    "nested too deep": ({"body": {"body": {"body": "x"}}}, "body is not text"),
}
GOOD = {
    "uid": "good",
    "body": "the good one",
    "created": "2026-01-01T09:00:00+00:00",
    "updated": "2026-01-01T09:00:00+00:00",
}


def bad_journal_doc(shape: object) -> object:
    """Shapes given as a partial dict are a good document with those fields changed."""
    if isinstance(shape, dict) and "uid" not in shape and "created" not in shape:
        return {**GOOD, "uid": "bad", **shape}
    return shape


@pytest.mark.parametrize("shape", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_an_unreadable_document_in_a_framed_file_is_set_aside_not_dropped(
    tmp_path: Path, shape: tuple[object, str]
) -> None:
    doc, why = shape
    path = tmp_path / "journal.json"
    tables = {"journal": {"1": GOOD, "2": bad_journal_doc(doc)}}
    path.write_bytes(encode(tables, schema=1))  # checksum good: written by a faulty writer

    store = journal_store(path)
    repo = JournalRepo(store)
    assert [e.body for e in repo.all()] == ["the good one"]
    [notice] = store.take_notices()
    assert "journal #2" in notice and why in notice and "_quarantine" in notice
    repo.add(JournalEntry.new("a new one", START))  # the next save keeps it, aside
    _, saved = decode(path.read_bytes())
    [kept] = saved["_quarantine"].values()
    assert kept["table"] == "journal" and kept["id"] == "2"
    assert kept["document"] == bad_journal_doc(doc) and why in kept["problem"]
    again = journal_store(path)
    assert bodies(again) == {"the good one", "a new one"}
    assert again.take_notices() == []  # named once; it stays in the quarantine table


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'{"journal": {"1": "x", "2": {"body": "good"}}}', "not a document"),
        (
            b'{"journal": {"1": {"body": "b", "created": "not a date"}, "2": {"body": "good"}}}',
            "created is not a date",
        ),
        (
            b'{"journal": {"1": {"body": "b", "created": 1e300}, "2": {"body": "good"}}}',
            "created is not a date",
        ),
        (b'{"journal": {"1": {"body": "b", "tags": 5}, "2": {"body": "good"}}}', "tags"),
        (b'{"journal": {"one": {"body": "b"}, "2": {"body": "good"}}}', "is not a number"),
    ],
)
def test_an_unreadable_document_in_an_old_file_does_not_stop_the_migration(
    tmp_path: Path, raw: bytes, why: str
) -> None:
    path = tmp_path / "journal.json"
    path.write_bytes(raw)
    store = journal_store(path)
    assert bodies(store) == {"good"}
    notices = store.take_notices()
    assert any("older format" in n for n in notices)
    assert any(why in n and "could not be read" in n for n in notices)
    _, saved = decode(path.read_bytes())  # the migration's write holds it, aside
    assert len(saved["_quarantine"]) == 1


def test_journal_list_serves_the_good_entries_and_names_the_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csa_companion.cli import main

    data = tmp_path / "data"
    data.mkdir()
    no_uid = {k: v for k, v in GOOD.items() if k != "uid"}
    no_created = {k: v for k, v in GOOD.items() if k != "created"} | {"uid": "x"}
    tables = {"journal": {"1": GOOD, "2": no_uid, "3": no_created}}
    (data / "journal.json").write_bytes(encode(tables, schema=1))
    assert main(["--data-dir", str(data), "journal", "list"]) == 0
    out, err = capsys.readouterr()
    assert "the good one" in out
    assert "journal #2 (uid is missing)" in err and "journal #3 (created is missing)" in err
    assert "Traceback" not in err


def test_unreadable_worksheets_drafts_and_settings_are_set_aside(tmp_path: Path) -> None:
    from csa_companion.storage.repos import DraftRepo, SettingsRepo, WorksheetRepo

    data = tmp_path / "data"
    data.mkdir()
    when = "2026-01-01T09:00:00+00:00"
    sheet = {"uid": "w1", "tool_id": "iceberg", "created": when, "updated": when}
    draft = {"key": "d1", "body": "kept draft", "saved_at": when}
    files: dict[str, dict[str, Any]] = {
        "worksheets": {
            "1": sheet,
            "2": {**sheet, "uid": "w2", "answers": ["x"]},
            "3": {**sheet, "uid": "w3", "observations": [{"act": "move"}]},
        },
        "drafts": {"1": draft, "2": {**draft, "saved_at": "later"}},
        "settings": {"1": {"key": "theme", "value": "textual-light"}, "2": {"key": "x"}},
    }
    for name, table in files.items():
        (data / f"{name}.json").write_bytes(encode({name: table}, schema=1))
    stores = Stores(DataPaths(data))
    assert [w.uid for w in WorksheetRepo(stores["worksheets"]).all()] == ["w1"]
    assert [d.body for d in DraftRepo(stores["drafts"]).all()] == ["kept draft"]
    assert SettingsRepo(stores["settings"]).get("theme") == "textual-light"
    notices = " ".join(stores.take_notices())
    for named in (
        "worksheets #2 (answers",
        "worksheets #3 (at is missing",
        "drafts #2 (saved_at is not a date",
        "settings #2 (value is missing",
    ):
        assert named in notices


def test_home_preview_with_an_unreadable_document_falls_back_to_the_journal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.json"
    no_uid = {k: v for k, v in GOOD.items() if k != "uid"} | {"created": START.isoformat()}
    tables = {"journal": {"1": GOOD, "2": no_uid}}
    preview = {"total": 2, "newest": [no_uid, GOOD]}  # as a file from before the checks
    path.write_bytes(encode(tables, schema=1, preview=preview))
    store = journal_store(path)
    assert [e.body for e in JournalRepo(store).recent(5)] == ["the good one"]
    assert "journal #2" in store.take_notices()[0]


# -- both generations damaged ------------------------------------------------------------------


def test_when_both_generations_are_damaged_both_are_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    three_entries(path)
    backup = path.with_name("journal.json.bak")
    path.write_bytes(b"main: garbage")
    backup.write_bytes(b"backup: garbage")

    store = journal_store(path)
    assert bodies(store) == set()
    [notice] = store.take_notices()
    assert "journal.json.bak is damaged too" in notice and "starting empty" in notice
    assert {p.read_bytes() for p in tmp_path.glob("*.damaged-*")} == {
        b"main: garbage",
        b"backup: garbage",
    }
    JournalRepo(store).add(JournalEntry.new("new", START))
    JournalRepo(store).add(JournalEntry.new("newer", START))  # would rotate over the old .bak
    assert {p.read_bytes() for p in tmp_path.glob("*.damaged-*")} == {
        b"main: garbage",
        b"backup: garbage",
    }


def test_a_missing_main_file_with_a_damaged_backup_keeps_the_backup_aside(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.with_name("journal.json.bak").write_bytes(b"\x00" * 64)
    store = journal_store(path)
    assert bodies(store) == set()
    assert "journal.json.bak is damaged too" in store.take_notices()[0]
    [aside] = tmp_path.glob("journal.json.bak.damaged-*")
    assert aside.read_bytes() == b"\x00" * 64


def test_a_newer_backup_is_named_as_the_newer_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_bytes(b"garbage")
    newer = encode({"journal": {}}, schema=99)
    path.with_name("journal.json.bak").write_bytes(newer)
    with pytest.raises(StoreNewerError) as raised:
        journal_store(path)
    message = str(raised.value)
    assert f"{path.with_name('journal.json.bak')} was written by a newer" in message
    assert "journal.json was damaged" in message and "journal.json.bak was not changed" in message
    assert path.with_name("journal.json.bak").read_bytes() == newer


def test_the_quick_check_of_journal_documents_never_passes_one_the_full_check_refuses() -> None:
    from csa_companion.storage.documents import QUICK, problem

    quick = QUICK["journal"]
    assert quick(GOOD) and problem("journal", "1", GOOD) is None
    for doc, _ in BAD_DOCUMENTS.values():
        bad = bad_journal_doc(doc)
        assert problem("journal", "1", bad) is not None
        assert not quick(bad), bad


# -- permissions and the "busy" message --------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277])
def test_everything_the_store_writes_is_private_whatever_the_umask(
    tmp_path: Path, umask: int
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "journal.json"
    copied = b'{"journal": {"1": {"body": "copied in by the user"}}}'
    path.write_bytes(copied)
    os.chmod(path, 0o644)  # a file the user copied in
    old = os.umask(umask)
    try:
        repo = JournalRepo(journal_store(path))  # a migration, with a copy of the original
        add(repo, "one")  # a write: the migrated file becomes the backup
        path.write_bytes(b"damaged")
        os.chmod(path, 0o644)
        repo = JournalRepo(journal_store(path))  # a recovery: the damaged file is kept aside
        add(repo, "two")
        os.chmod(path, 0o644)  # as if copied in again over a good file
        add(repo, "three")
    finally:
        os.umask(old)
    names = {p.name for p in folder.iterdir()}
    assert {"journal.json.bak", "journal.json.lock", "journal.json.lock.owner"} <= names
    assert any(".damaged-" in n for n in names) and any(".pre-migration-" in n for n in names)
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in folder.iterdir()}
    assert modes == dict.fromkeys(names, oct(0o600))


def test_a_stale_owner_file_does_not_name_a_process_that_has_exited(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    store = Store(path, lock_timeout=0.3)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\n"
            "from csa_companion.storage.lock import FileLock\n"
            f"FileLock({str(path) + '.lock'!r}, timeout=5).acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        path.with_name("journal.json.lock.owner").write_text(f"{gone.pid} csa-companion run")
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreLockedError) as raised:
            add(JournalRepo(store), "blocked")
    finally:
        holder.kill()
        holder.wait()
    assert str(gone.pid) not in str(raised.value)
    assert "another process has held its lock" in str(raised.value)


# -- a read-only data folder -------------------------------------------------------------------


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the journal's months are in a folder of their own)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_read_only_folder_is_read_and_a_write_says_why_nothing_changes(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    seed_journal(data, ("Kept", "readable", ()), ("Also kept", "readable", ()))
    os.chmod(data, 0o755)  # not 0700: opening it would try (and fail) to change that
    before = files_in(data)
    with read_only(data):
        stores = Stores(DataPaths(data))
        repo = JournalRepo(stores["journal"])
        assert {e.title for e in repo.all()} == {"Kept", "Also kept"}
        assert stores.read_only
        with pytest.raises(StoreReadOnlyError, match=r"Nothing can be saved: the data folder"):
            add(repo, "lost?")
        assert {e.title for e in repo.all()} == {"Kept", "Also kept"}  # memory matches disk
        assert stores.refresh() is False
    assert files_in(data) == before


def test_a_damaged_file_in_a_read_only_folder_shows_the_backup_and_moves_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    seed_journal(data, ("In the backup", "b", ()), ("Newest", "n", ()))
    [month] = (data / "journal").glob("*.json")  # the journal's one month
    month.write_bytes(b"damaged")
    old = b'{"worksheets": {"1": {"uid": "w", "tool_id": "iceberg", "title": "an old file", '
    old += b'"created": "2025-10-10T08:00:00+00:00", "updated": "2025-10-10T08:00:00+00:00"}}}'
    (data / "worksheets.json").write_bytes(old)
    before = files_in(data)
    with read_only(data):
        stores = Stores(DataPaths(data))
        assert [e.title for e in JournalRepo(stores["journal"]).all()] == ["In the backup"]
        assert [d["title"] for d in stores["worksheets"].documents("worksheets")] == ["an old file"]
        notices = stores.take_notices()
        assert any("was damaged" in n and "read-only, so nothing was moved" in n for n in notices)
        assert any("shown converted" in n and "not changed" in n for n in notices)
        assert stores.refresh() is False  # the damaged file left in place is not news
        assert stores.take_notices() == []
    assert files_in(data) == before


def test_shell_commands_read_a_read_only_folder_and_refuse_to_write_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csa_companion.cli import main

    data = tmp_path / "data"
    seed_journal(data, ("Readable", "text", ()))
    when = START.isoformat()
    sheet = {
        "uid": "abc123",
        "tool_id": "iceberg",
        "title": "Late pickups",
        "created": when,
        "updated": when,
        "answers": {"event": "Three late pickups"},
    }
    sheets = Stores(DataPaths(data))["worksheets"]
    with sheets.transaction():
        sheets.table("worksheets").insert(sheet)
    os.chmod(data, 0o755)
    with read_only(data):
        for argv, expect in [
            (["journal", "list"], "Readable"),
            (["worksheet", "list"], "Late pickups"),
            (["worksheet", "export", "abc"], "Three late pickups"),
        ]:
            assert main(["--data-dir", str(data), *argv]) == 0, argv
            out, err = capsys.readouterr()
            assert expect in out and err == "", argv
        assert main(["--data-dir", str(data), "journal", "add", "lost?"]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and "read-only" in err
        assert "Traceback" not in err


@pytest.mark.parametrize(
    ("file", "table"),
    [
        ("practice", "log"),
        ("program", "program"),
        ("reflections", "reflections"),
        ("coaching", "coaching"),
        ("surveys", "surveys"),
    ],
)
def test_other_stores_set_aside_documents_their_domain_cannot_read(
    tmp_path: Path, file: str, table: str
) -> None:
    path = tmp_path / f"{file}.json"
    path.write_bytes(encode({table: {"1": {"hand": "edited"}}}, schema=1))
    store = Store(path)
    assert store.documents(table) == []
    [notice] = store.take_notices()
    assert f"{table} #1 (" in notice and "is missing" in notice


def test_without_hard_links_the_copies_are_still_whole_and_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "hard links are not supported here")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "journal.json"
    original = b'{"journal": {"1": {"body": "old", "created": 1760000000}}}'
    path.write_bytes(original)
    repo = JournalRepo(journal_store(path))  # migrated: the original is copied
    add(repo, "new")  # the migrated file is copied to .bak
    keep = path.with_name("journal.json.pre-migration-v0")
    assert keep.read_bytes() == original
    _, in_backup = decode(path.with_name("journal.json.bak").read_bytes())
    assert [d["body"] for d in in_backup["journal"].values()] == ["old"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == {0o600}
    assert temp_files(tmp_path) == []


def test_journal_reload_rebuilds_only_the_entries_that_changed(data_dir: Path) -> None:
    """After a change, entries whose documents are as they were are reused (building 5,000
    again took up to 200 ms on accented text); every change still shows, also one made to a
    document in place or by another process."""
    seeded = seed_journal(data_dir, *((f"Entry {n}", f"café number {n}", ()) for n in range(3)))
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    before = {e.uid: e for e in repo.all()}
    first, second, third = seeded
    repo.save(first.edited(START, starred=True))
    after = {e.uid: e for e in repo.all()}
    assert after[first.uid].starred and after[first.uid] is not before[first.uid]
    assert after[second.uid] is before[second.uid] and after[third.uid] is before[third.uid]
    # In place, through the table (the store may keep the same document object).
    with repo.store.transaction():
        repo.store.table("journal").update({"body": "changed in place"}, doc_ids=[2])
    assert {e.uid: e.body for e in repo.all()}[second.uid] == "changed in place"
    # Another process: the file is read again, every document is a new object.
    other = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    other.save(third.edited(START, title="Renamed"))
    repo.store.refresh()
    assert {e.uid: e.title for e in repo.all()}[third.uid] == "Renamed"
    assert len(repo.all()) == 3

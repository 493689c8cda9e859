"""Atomic private writes beyond the store: snapshots, exports and bundles killed mid-write
leave no temp file once the next write to their folder (or the next open, for snapshots) ran."""

from __future__ import annotations

import errno
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.fileformat import encode
from csa_companion.storage.private_files import write_atomic, write_private
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.actions import export_json
from tests.conftest import START
from tests.helpers import dead_and_live_pids, kill_mid_write, temp_files


def large_journal(data: Path) -> None:
    """About 4 MB of journal: a snapshot or an export takes long enough to be killed in."""
    data.mkdir(mode=0o700)
    body = "A long entry about the week. " * 40
    entries = [JournalEntry.new(f"{n} {body}", START + timedelta(minutes=n)) for n in range(3000)]
    tables = {"journal": {str(n + 1): e.to_doc() for n, e in enumerate(entries)}}
    (data / "journal.json").write_bytes(encode(tables, schema=1))


WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from csa_companion.transfer.actions import export_json
from csa_companion.paths import DataPaths
from csa_companion.transfer import snapshots as backup
from csa_companion.storage.store import Stores
data = Path(sys.argv[1])
stores = Stores(DataPaths(data), lock_timeout=30)
print("writing", flush=True)
while True:
    now = datetime.now(timezone.utc)
    if {snapshots}:
        backup.take(stores, now)
    else:
        export_json(stores, data.parent / "exports" / "everything.json", now)
"""


async def test_a_snapshot_killed_mid_write_leaves_no_temp_file_after_the_next_open(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    large_journal(data)
    backups = DataPaths(data).backups

    await kill_mid_write(WRITER.format(snapshots=True), data, backups)
    stores = Stores(DataPaths(data))
    stores["settings"]  # opening any store sweeps the snapshots' folder
    assert temp_files(backups) == []
    # and the snapshots that were finished are all still there, whole
    for snap in backup.snapshots(stores):
        backup.find(stores, snap.name)  # listed
        assert backup.snapshot_contents(stores, snap)["journal"]["journal"]


def test_a_part_killed_mid_write_leaves_no_temp_file_after_the_next_open(tmp_path: Path) -> None:
    data = tmp_path / "data"
    stores = Stores(DataPaths(data))
    stores["settings"]
    parts = backup.parts_folder(stores)
    parts.mkdir(parents=True)
    with dead_and_live_pids() as (dead, _):
        (parts / f".{'0' * 32}.{dead}.tmp").write_bytes(b"half a part")
        Stores(DataPaths(data))["settings"]  # opening any store sweeps the parts' folder too
    assert temp_files(parts) == []


async def test_an_export_killed_mid_write_leaves_no_temp_file_after_the_next_write_there(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    large_journal(data)
    exports = tmp_path / "exports"

    await kill_mid_write(WRITER.format(snapshots=False), data, exports)
    export_json(Stores(DataPaths(data)), exports / "again.json", START)
    assert temp_files(exports) == []


def test_only_the_temp_files_of_writers_that_are_gone_are_removed(tmp_path: Path) -> None:
    with dead_and_live_pids() as (dead, live):
        names = {
            "dead": f".bundle.json.{dead}.tmp",
            "live": f".export.json.{live}.tmp",
            "live-but-old": f".notes.md.{live}.tmp",
            # another thread of this process may be writing it
            "mine": f".other.json.{os.getpid()}.tmp",
            # encryption's own, which it wipes rather than unlinks
            "encryption's": f".journal.json.{dead}.crypt.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"half a write")
        old = time.time() - 3600  # older than any write takes: the id was reused
        os.utime(tmp_path / names["live-but-old"], (old, old))

        write_atomic(tmp_path / "export.json", b"{}")
        assert temp_files(tmp_path) == sorted([names["live"], names["mine"], names["encryption's"]])
        assert (tmp_path / "export.json").read_bytes() == b"{}"
        assert (tmp_path / "export.json").stat().st_mode & 0o777 == 0o600


def test_a_private_write_that_fails_keeps_the_file_it_was_replacing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Screenshots, worksheet and reflection exports go through write_private: a full disk
    halfway through leaves the earlier export whole (it used to be truncated first)."""
    target = tmp_path / "exports" / "iceberg.md"
    write_private(target, "the earlier export\n")

    def full_disk(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(OSError):
        write_private(target, "the new export\n" * 1000)
    monkeypatch.undo()
    assert target.read_text() == "the earlier export\n"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert temp_files(target.parent) == []

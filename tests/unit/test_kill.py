"""Proof that nothing is lost, plain and encrypted: a writer SIGKILLed at random moments, and
several processes writing at once.

The writers are forked from the test process (already importing everything), so that each of
the hundreds of kills costs milliseconds rather than a Python start-up.
"""

from __future__ import annotations

import os
import random
import select
import signal
import time
from pathlib import Path
from typing import NoReturn

import pytest

from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import SEALED_PREFIX, Cipher, new_cipher, wrap
from csa_companion.storage.encryption import write_key
from csa_companion.storage.repos import JournalRepo
from tests.conftest import START

KILLS = int(os.environ.get("CSA_KILLS", "200"))
"""Kills per mode (plain, encrypted); the issue asks for at least 200 in CI."""
SECRET = b"Marker-of-a-private-sentence"


def folder_for(tmp_path: Path, encrypted: bool) -> tuple[Path, Cipher | None]:
    folder = tmp_path / "data"
    DataPaths(folder).ensure()
    cipher = new_cipher() if encrypted else None
    if cipher is not None:
        write_key(DataPaths(folder), wrap(cipher, "correct horse battery"))
    return folder, cipher


def journal(folder: Path, cipher: Cipher | None) -> JournalRepo:
    from csa_companion.storage.store import Stores

    return JournalRepo(Stores(DataPaths(folder), lock_timeout=30, cipher=cipher)["journal"])


def forked(work: object, *args: object) -> tuple[int, int]:
    """Run `work(*args, ack_fd)` in a forked child; return (pid, read end of its ack pipe).
    The child never returns into pytest: it ends with os._exit."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_end)
            work(*args, write_end)  # type: ignore[operator]
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def write_forever(folder: Path, cipher: Cipher | None, ack: int) -> NoReturn:
    """Add entries one after another; after each add returns, write its uid to `ack` (one
    small write to a pipe is atomic, so an ack is never half there)."""
    repo = journal(folder, cipher)
    n = 0
    while True:
        entry = JournalEntry.new(f"{SECRET.decode()} {os.getpid()}-{n}", START)
        repo.add(entry)
        os.write(ack, entry.uid.encode() + b"\n")
        n += 1


def acks_until(read_end: int, deadline: float) -> bytes:
    """What the child acknowledged until `deadline` (select waits; no sleep)."""
    got = b""
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([read_end], [], [], left)
        if not ready:
            break
        chunk = os.read(read_end, 4096)
        if not chunk:
            break
        got += chunk
    return got


def drain(read_end: int) -> bytes:
    got = b""
    while chunk := os.read(read_end, 4096):
        got += chunk
    os.close(read_end)
    return got


def temp_files(folder: Path) -> list[Path]:
    """The temp files of writes (the journal's are in its folder of months)."""
    return sorted(folder.rglob(".*.tmp"))


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_writer_killed_at_random_moments_loses_nothing_that_returned(
    tmp_path: Path, encrypted: bool
) -> None:
    folder, cipher = folder_for(tmp_path, encrypted)
    seed = journal(folder, cipher)
    for n in range(20):  # a small journal: each kill round stays fast
        seed.add(JournalEntry.new(f"{SECRET.decode()} seed {n}", START))
    acked = {e.uid for e in seed.all()}
    rng = random.Random(20261126)
    mid_write = checks = 0
    for _ in range(KILLS):
        pid, read_end = forked(write_forever, folder, cipher)
        # A random moment: the child may still be opening the store, or be anywhere in a save.
        got = acks_until(read_end, time.monotonic() + rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        acked |= {uid.decode() for uid in (got + drain(read_end)).split()}
        leftovers = temp_files(folder)
        mid_write += bool(leftovers)
        if cipher is not None:  # whatever reached the disk, even half a temp file, is ciphertext
            for tmp in leftovers:
                start = tmp.read_bytes()[: len(SEALED_PREFIX)]
                assert SEALED_PREFIX.startswith(start), f"{tmp.name} starts {start!r}"
            assert not any(SECRET in p.read_bytes() for p in folder.rglob("*") if p.is_file())

        reopened = journal(folder, cipher)
        stored = {e.uid for e in reopened.all()}
        assert acked <= stored, f"lost {sorted(acked - stored)}"
        checks += len(acked)
        assert reopened.store.take_notices() == []  # no file was ever damaged
    # Shown with `pytest -s` (the figures in the report come from here).
    print(
        f"\n{KILLS} kills ({mid_write} mid-write): {len(acked)} acknowledged records, "
        f"{checks} record checks after the kills"
    )
    assert temp_files(folder) == []  # the last open swept the dead writers' temp files
    # The moments were random but not harmless: many kills landed in the middle of a save.
    assert mid_write >= KILLS // 10, f"only {mid_write} of {KILLS} kills landed mid-write"


def write_some(folder: Path, cipher: Cipher | None, count: int, ack: int) -> None:
    repo = journal(folder, cipher)
    for n in range(count):
        repo.add(JournalEntry.new(f"{os.getpid()} {n}", START))
    os.write(ack, b"done\n")


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_processes_writing_at_once_lose_nothing(tmp_path: Path, encrypted: bool) -> None:
    folder, cipher = folder_for(tmp_path, encrypted)
    mine = journal(folder, cipher)
    mine.add(JournalEntry.new("opened before the others wrote", START))
    writers = [forked(write_some, folder, cipher, 40) for _ in range(3)]
    for pid, read_end in writers:
        _, status = os.waitpid(pid, 0)
        assert drain(read_end) == b"done\n" and os.waitstatus_to_exitcode(status) == 0
    # This process's copy is stale: its next save re-reads under the lock and adds on top.
    mine.add(JournalEntry.new("added last, on top", START))
    bodies = [e.body for e in journal(folder, cipher).all()]
    assert len(bodies) == 1 + 3 * 40 + 1
    assert "opened before the others wrote" in bodies and "added last, on top" in bodies

"""Small helpers for building test data through the real repositories."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen

from csa_companion.clock import SystemClock
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Stores
from tests.conftest import START
from tests.waiting import wait_for, wait_for_screen

AFTER_SEEDS = datetime(2027, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=-8)))
"""A moment after everything tests seed (tests/rhythm_data.py writes January and February
2027): an import refuses records changed more than a day ahead of its clock."""


def shell_clock(monkeypatch: pytest.MonkeyPatch, when: datetime = AFTER_SEEDS) -> None:
    """Make shell commands (which read the system clock) run at `when`."""
    monkeypatch.setattr(SystemClock, "now", lambda self: when)


def journal_at(data_dir: Path) -> JournalRepo:
    """A journal repository on `data_dir`, as another process would open it."""
    return JournalRepo(Stores(DataPaths(data_dir))["journal"])


KIRIBATI, SAMOA = timezone(timedelta(hours=14)), timezone(timedelta(hours=-11))


def near_boundaries(data_dir: Path) -> list[JournalEntry]:
    """Entries from August 2026 to January 2027, titled `month-n`: mid-month ones, and ones
    written in far zones in the first and last hours of each month (kept in the month of
    their time as written, a day off in other zones); two written at the same moment."""
    made = []
    for month in (8, 9, 10, 11, 12):
        first = datetime(2026, month, 1, tzinfo=UTC)
        end = datetime(2026 + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        for n, when in enumerate(
            [
                first.replace(hour=0, minute=10, tzinfo=KIRIBATI),  # the month before in UTC
                first.replace(hour=3, tzinfo=SAMOA),
                first.replace(day=15, hour=12),
                (end - timedelta(minutes=20)).replace(tzinfo=SAMOA),  # the month after in UTC
                (end - timedelta(hours=2)).replace(tzinfo=KIRIBATI),
                (end - timedelta(minutes=1)).astimezone(START.tzinfo),
            ]
        ):
            tags = ("boundary",) if n != 2 else ("mid", "boundary")
            made.append(JournalEntry.new(f"{month}-{n}", when, title=f"{month}-{n}", tags=tags))
    made.append(JournalEntry.new("same moment", made[2].created, title="same moment"))
    repo = journal_at(data_dir)
    for entry in made:
        repo.add(entry)
    return made


def seed_journal(data_dir: Path, *entries: tuple[str, str, tuple[str, ...]]) -> list[JournalEntry]:
    """Add (title, body, tags) entries, one minute apart, oldest first."""
    repo = journal_at(data_dir)
    made = []
    for n, (title, body, tags) in enumerate(entries):
        entry = JournalEntry.new(body, START + timedelta(minutes=n), title=title, tags=tags)
        repo.save(entry)
        made.append(entry)
    return made


@contextmanager
def another_process(script: str, data_dir: Path, ready: str) -> Iterator[subprocess.Popen[str]]:
    """Run `script` (an app it drives itself) in another process on `data_dir`; return once it
    prints `ready`, and kill it hard (SIGKILL, as a crash would) on the way out, unless it has
    ended by then."""
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == ready, "the other process did not get ready"
        yield process
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def dead_and_live_pids() -> Iterator[tuple[int, int]]:
    """The ids of a process that has ended and of one still running (killed on the way out)."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield dead.pid, live.pid
    finally:
        live.kill()
        live.wait()


def temp_files(folder: Path) -> list[str]:
    """The temp files of atomic writes (`.<name>.<pid>.tmp`) in `folder`."""
    return sorted(p.name for p in folder.glob(".*.tmp"))


async def kill_mid_write(script: str, data_dir: Path, folder: Path, timeout: float = 120) -> int:
    """Run `script` (a writer in a loop, on `data_dir`, that prints `writing` first) and kill it
    hard, again and again until a kill lands while its temp file exists in `folder`. Returns
    how many kills it took; fails after `timeout` seconds (generous: the machine may be
    loaded)."""
    kills, deadline = 0, time.monotonic() + timeout
    while not temp_files(folder):
        assert time.monotonic() < deadline, f"no kill landed mid-write in {kills} tries"
        with another_process(script, data_dir, ready="writing"):
            await wait_for(lambda: temp_files(folder), "the writer's temp file", timeout=30)
        kills += 1
    return kills


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` and the files in it unwritable, as a read-only mount would. Root is not
    stopped by permissions, so for root they are made immutable (chattr +i) instead."""
    paths = [folder, *folder.rglob("*")]  # the journal's months are in a folder of their own
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
        return
    modes = {path: path.stat().st_mode for path in paths}
    for path in paths:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        for path, mode in modes.items():
            os.chmod(path, mode)


def die_with_test_run() -> None:
    """For `preexec_fn`: the child is killed when the test run that started it dies (a runner
    stopped by a time limit leaves no app behind, whose closed terminal it would poll)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def journal_file(data_dir: Path, when: datetime = START) -> Path:
    """The journal's file for the month of `when` (the journal is kept one file per month:
    storage/journal_store.py)."""
    return data_dir / "journal" / f"{when:%Y-%m}.json"


def store_file(data_dir: Path, name: str) -> Path:
    """A store's file; for the journal, its oldest month's."""
    if name == "journal":
        months = sorted((data_dir / "journal").glob("*.json"))
        return months[0] if months else journal_file(data_dir)
    return data_dir / f"{name}.json"


@contextmanager
def markdown_parsing_held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Every Markdown widget's parse of some text (Textual runs it in an executor) waits until
    the block ends; the event is set once such a parse has started."""
    import markdown_it

    started, release = threading.Event(), threading.Event()
    parse = markdown_it.MarkdownIt.parse

    def held(self: markdown_it.MarkdownIt, src: str, env: object = None) -> object:
        # In Textual's executor only (the app parses links itself); an empty Markdown widget
        # parses "" when it mounts.
        if src and threading.current_thread() is not threading.main_thread():
            started.set()
            release.wait(10)
        return parse(self, src, env)  # type: ignore[arg-type]

    monkeypatch.setattr(markdown_it.MarkdownIt, "parse", held)
    try:
        yield started
    finally:
        release.set()


async def end_as_asyncio_run() -> list[dict[str, object]]:
    """After an app in this loop has exited: cancel what it left running, as asyncio.run does
    at the end of a real run, and return what asyncio then reports (it prints each report on
    the terminal: "... exception was never retrieved" with a traceback)."""
    loop = asyncio.get_running_loop()
    reports: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: reports.append(context))
    try:
        left = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
        gc.collect()  # a future nobody asked is reported when it is collected
    finally:
        loop.set_exception_handler(None)
    return reports


async def reports_after_quitting_mid_render(
    app: App[Any], monkeypatch: pytest.MonkeyPatch, key: str, screen: type[Screen[Any]]
) -> list[dict[str, object]]:
    """Press `key` (from Home) to open `screen`, ctrl+q while its Markdown is being parsed,
    and return what asyncio reports once the app has gone, as at the end of a real run."""
    with markdown_parsing_held(monkeypatch) as parsing:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(key)
            await wait_for_screen(pilot, screen)
            await wait_for(parsing.is_set, "a Markdown view being parsed", pilot)
            await pilot.press("ctrl+q")
            await wait_for(lambda: not app.is_running, "the app to end", pilot)
        return await end_as_asyncio_run()

"""No network: the app, every screen and every shell command but `serve` open no socket other
than the event loop's own.

Python's audit hooks see every socket made, bound or connected and every name looked up. The
hook is armed only while the code under test runs. The event loop's own wake-up pipe is a
Unix-domain socket pair made before that, so any socket event while armed is a finding (an
AF_UNIX pair is allowed, in case a loop makes one late; nothing here binds or connects one).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from csa_companion.app import CompanionApp
from csa_companion.screens.base import CompanionScreen
from tests.conftest import AppFactory
from tests.helpers import AFTER_SEEDS
from tests.transfer_data import seed_everything
from tests.waiting import wait_for, wait_for_screen

ARMED: list[bool] = [False]
SEEN: list[tuple[str, str]] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not ARMED[0] or not event.startswith("socket."):
        return
    if event == "socket.__new__" and len(args) > 1 and args[1] == socket.AF_UNIX:
        return
    SEEN.append((event, repr(args)[:200]))


sys.addaudithook(_hook)  # hooks cannot be removed; this one does nothing unless armed

DESTINATIONS = [
    "tools",
    "journal",
    "learn",
    "practice",
    "reflections",
    "program",
    "coaching",
    "growth",
    "data",
    "shared",
]


async def test_the_app_and_every_screen_open_no_socket(new_app: AppFactory, data_dir: Path) -> None:
    seed_everything(data_dir)
    SEEN.clear()
    ARMED[0] = True
    try:
        app: CompanionApp = new_app(daily_backup=True)
        async with app.run_test(size=(80, 24)) as pilot:
            for destination in DESTINATIONS:
                app.action_go(destination)
                await wait_for(
                    lambda: (
                        isinstance(app.screen, CompanionScreen)
                        and app.screen.is_mounted
                        and len(app.screen_stack) == 2
                    ),
                    f"the {destination} screen",
                    pilot,
                )
                await pilot.pause()
                opened = type(app.screen)
                await pilot.press("f1")  # its help too
                await pilot.pause()
                await pilot.press("escape")
                await wait_for_screen(pilot, opened)
            app.action_go("data")
            await pilot.pause()
            from csa_companion.screens.data.data import DataScreen

            data = app.screen
            assert isinstance(data, DataScreen)
            for key in ("e", "m", "b"):
                await pilot.press(key)
                await wait_for(lambda: not data.busy, f"the data action {key}", pilot)
            await pilot.pause(0.2)
    finally:
        ARMED[0] = False
    assert SEEN == []


COMMANDS = """
where
journal add "a note" --tag x
journal list
journal list --json --on-this-day
worksheet list
worksheet export w1 --out {tmp}/w1.md
content check
content list --json
program show
program import {cohort}
reflection list
reflection export 2027-01 --out {tmp}/r.md
survey code ABC-123
survey export --out {tmp}/s.csv
export --out {tmp}/all.json
export --format markdown --out {tmp}/md
import {tmp}/all.json
import --from jrnl {jrnl}
backup
backup list
share --worksheet w1 --entry j1 --name Sam --out {tmp}/b.json
import {tmp}/b.json
"""


def test_every_shell_command_opens_no_socket(data_dir: Path, tmp_path: Path) -> None:
    seed_everything(data_dir)
    data = Path(__file__).parent.parent / "data"
    lines = COMMANDS.format(
        tmp=tmp_path, cohort=data / "program" / "cohort.toml", jrnl=data / "jrnl-export.json"
    )
    script = textwrap.dedent(
        """
        import shlex, socket, sys
        seen = []
        def hook(event, args):
            if not event.startswith("socket."):
                return
            if event == "socket.__new__" and len(args) > 1 and args[1] == socket.AF_UNIX:
                return
            seen.append(event)
        sys.addaudithook(hook)
        from datetime import datetime
        from csa_companion.clock import SystemClock
        from csa_companion.cli import main
        # After the seeded months, as for a person using it then (an import refuses records
        # changed more than a day ahead of the clock).
        SystemClock.now = lambda self: datetime.fromisoformat(sys.argv[3])
        failed = []
        for line in sys.argv[2].strip().splitlines():
            code = main(["--data-dir", sys.argv[1], *shlex.split(line)])
            if code != 0:
                failed.append(line)
        print("FAILED", failed)
        print("SOCKETS", seen)
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # the hook does see one
        probe.bind(("127.0.0.1", 0))
        probe.close()
        print("PROBE", seen)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(data_dir), lines, AFTER_SEEDS.isoformat()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "FAILED []" in done.stdout, done.stdout + done.stderr
    assert "SOCKETS []" in done.stdout, done.stdout
    assert "socket.bind" in done.stdout.split("PROBE")[1]
    assert len(lines.strip().splitlines()) == 22


def test_the_hook_sees_a_socket() -> None:
    """The in-process hook would catch one (so the tests above can fail)."""
    SEEN.clear()
    ARMED[0] = True
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
    finally:
        ARMED[0] = False
    assert [event for event, _ in SEEN] == ["socket.__new__", "socket.bind"]


@pytest.mark.parametrize("what", ["practice settling-arrive", "tool iceberg"])
async def test_presenting_opens_no_socket(what: str, data_dir: Path) -> None:
    """`present` is the app in presentation mode: built the way the shell builds it."""
    from csa_companion.cli import make_app
    from csa_companion.paths import bundled_content_dir
    from csa_companion.services import PresentTarget

    kind, item = what.split()
    SEEN.clear()
    ARMED[0] = True
    try:
        app = make_app(
            data_dir=data_dir,
            content_dirs=[bundled_content_dir()],
            present=PresentTarget(kind, item),
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
    finally:
        ARMED[0] = False
    assert SEEN == []

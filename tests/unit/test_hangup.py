"""A terminal that goes away without a SIGHUP reaching the app (its pseudo-terminal's other end
closed by a test harness or a killed terminal multiplexer, the app in a session of its own):
the app saves what is waiting and exits, instead of living on with parent pid 1, polling a
dead terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from csa_companion.storage.repos import DraftRepo, JournalRepo
from csa_companion.storage.store import Store
from tests.helpers import die_with_test_run
from tests.unit.test_hostile_shell import CLI, FIRST_QUESTIONS

EXIT_SECONDS = 10.0
"""The app must be gone this long after its terminal went away (it takes well under one)."""
HANGUP = 128 + 1  # as after SIGHUP
# The app with autosaves that never come by themselves: only the save on the way out can keep
# what was typed.
NO_AUTOSAVE = [
    sys.executable,
    "-c",
    "import sys; from csa_companion.screens import base; "
    "base.AUTOSAVE_SECONDS = base.AUTOSAVE_MAX_SECONDS = 600; "
    "from csa_companion.cli import main; sys.exit(main())",
]


class Terminal:
    """An app running in an 80x24 pseudo-terminal of its own session (so no SIGHUP reaches it
    when the terminal closes), answering the first questions an app asks."""

    def __init__(self, argv: list[str], program: Sequence[str] = CLI) -> None:
        self.main_fd, child_fd = pty.openpty()
        fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.process = subprocess.Popen(
            [*program, *argv],
            stdin=child_fd,
            stdout=child_fd,
            stderr=child_fd,
            env={**os.environ, "TERM": "xterm-256color"},
            start_new_session=True,
            preexec_fn=die_with_test_run,
        )
        os.close(child_fd)
        self.output = b""
        self.answered: set[bytes] = set()

    def wait_for(self, shown: bytes, timeout: float = 60) -> None:
        """Read what the app draws until `shown` is in it (counted from the last wait)."""
        start = len(self.output)
        deadline = time.monotonic() + timeout
        while shown not in self.output[start:]:
            assert time.monotonic() < deadline, f"never showed {shown!r}: {self.output[-2000:]!r}"
            ready, _, _ = select.select([self.main_fd], [], [], 0.2)
            if ready:
                chunk = os.read(self.main_fd, 65536)
                assert chunk, f"the app closed its terminal: {self.output[-2000:]!r}"
                self.output += chunk
            for question, answer in FIRST_QUESTIONS:
                if question in self.output and question not in self.answered:
                    os.write(self.main_fd, answer)
                    self.answered.add(question)

    def type(self, text: bytes) -> None:
        os.write(self.main_fd, text)

    def close(self) -> float:
        """Close the terminal (its other end, as a harness or multiplexer would); the seconds
        the app took to exit. Fails when it is still running after EXIT_SECONDS."""
        os.close(self.main_fd)
        closed = time.monotonic()
        try:
            self.process.wait(timeout=EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {EXIT_SECONDS:.0f} s after its terminal closed")
        return time.monotonic() - closed

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.mark.parametrize("autosaved", [False, True], ids=["autosave-waiting", "autosave-done"])
def test_a_closed_terminal_saves_what_was_typed_and_exits(tmp_path: Path, autosaved: bool) -> None:
    data = tmp_path / "data"
    terminal = Terminal(["--data-dir", str(data)], CLI if autosaved else NO_AUTOSAVE)
    try:
        terminal.wait_for(b"Journal")  # Home, after the first question
        terminal.type(b"n")
        terminal.wait_for(b"Title")
        terminal.type(b"Typed-before-the-terminal-went-away")
        terminal.wait_for(b"went-away")  # the app has it (drawn on screen)
        drafts = DraftRepo(Store(data / "drafts.json"))
        if autosaved:
            deadline = time.monotonic() + 30
            while not drafts.all():
                assert time.monotonic() < deadline, "no autosave"
                time.sleep(0.05)
                drafts.store.refresh()
        else:
            assert drafts.all() == []  # typed, and still waiting for its save
        seconds = terminal.close()
        print(f"\nexited {seconds:.2f} s after its terminal closed")
    finally:
        terminal.kill()
    assert terminal.process.returncode == HANGUP
    drafts = DraftRepo(Store(data / "drafts.json"))
    entries = JournalRepo(Store(data / "journal.json"))
    stored = [(d.title, d.body) for d in drafts.all()] + [(e.title, e.body) for e in entries.all()]
    assert stored == [("Typed-before-the-terminal-went-away", "")]  # in the title, typed first


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["present", "practice", "check-in"], b"Check-in"),
        (["present", "tool", "iceberg"], b"Iceberg"),
        (["present", "session", "1"], b"Next:"),
        (["present", "session", "1", "--audience"], b"waiting for the facilitator"),
    ],
    ids=["practice", "tool", "session-presenter", "session-audience"],
)
def test_a_presented_view_exits_when_its_terminal_closes(
    tmp_path: Path, argv: list[str], shown: bytes
) -> None:
    terminal = Terminal(["--data-dir", str(tmp_path / "data"), *argv])
    try:
        terminal.wait_for(shown)
        terminal.close()
    finally:
        terminal.kill()
    assert terminal.process.returncode == HANGUP

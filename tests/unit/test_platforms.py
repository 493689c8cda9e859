"""What differs on Windows and macOS, tested here by running each platform's branch of the
helpers in platforms.py and storage/lock.py (the platform is an argument), with stand-ins only
for what Linux lacks: the C runtime's text mode, msvcrt's byte-range locks, a rename refused
while another program holds the file, SIGBREAK, cmd.exe, a cp1252 pipe, and the older
console's fonts."""

from __future__ import annotations

import errno
import functools
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from csa_companion import platforms
from csa_companion.platforms import (
    PLAIN_GLYPHS,
    guard_output,
    install_exit_signals,
    own_command,
    plain_glyphs,
    replace,
    shell_command,
    utf8_input,
    wants_plain_glyphs,
    watch_terminal,
)
from csa_companion.storage import lock, private_files
from csa_companion.storage.lock import FileLock, LockTimeout, windows_locker
from csa_companion.web.serve import app_command

ROOT = Path(__file__).resolve().parents[2]

# -- files: binary mode --------------------------------------------------------------------


@pytest.fixture
def text_mode_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    """os.open and os.write as the Windows C runtime does them: a file opened without
    O_BINARY is in text mode, and every \\n written to it becomes \\r\\n."""
    real_open, real_write = os.open, os.write
    text_fds: set[int] = set()

    def fake_open(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        fd = real_open(path, flags & ~platforms.O_BINARY, mode, **kw)
        if flags & platforms.O_BINARY:
            text_fds.discard(fd)
        else:
            text_fds.add(fd)
        return fd

    def fake_write(fd: int, data: Any) -> int:
        if fd in text_fds:
            real_write(fd, bytes(data).replace(b"\n", b"\r\n"))
            return len(data)
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "write", fake_write)


@pytest.mark.parametrize("windows", [True, False])
def test_files_are_written_in_binary_mode(
    text_mode_runtime: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, windows: bool
) -> None:
    monkeypatch.setattr(lock, "binary", functools.partial(platforms.binary, windows=windows))
    target = tmp_path / "journal.json"
    private_files.write_atomic(target, b'{"a": 1}\n{"b": 2}\n')
    if windows:  # the Windows branch asks for O_BINARY: the bytes arrive as they were
        assert target.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    else:  # without it, the stand-in runtime shows what Windows would have done
        assert target.read_bytes() == b'{"a": 1}\r\n{"b": 2}\r\n'


def test_binary_flags() -> None:
    assert platforms.binary(os.O_WRONLY, windows=True) == os.O_WRONLY | platforms.O_BINARY
    assert platforms.binary(os.O_WRONLY, windows=False) == os.O_WRONLY


# -- files: a rename while another program holds the target ----------------------------------


class Held:
    """A rename refused `times` times (on Windows: a reader, a scanner or an indexer has the
    target open), then done."""

    def __init__(self, times: int) -> None:
        self.times, self.calls = times, 0

    def __call__(self, source: Any, target: Any) -> None:
        self.calls += 1
        if self.calls <= self.times:
            raise PermissionError(errno.EACCES, "Access is denied", str(target))
        os.replace(source, target)


def test_windows_waits_for_a_held_file(tmp_path: Path) -> None:
    (tmp_path / "new").write_text("new")
    held, waits = Held(3), list[float]()
    replace(tmp_path / "new", tmp_path / "old", windows=True, rename=held, sleep=waits.append)
    assert (tmp_path / "old").read_text() == "new" and held.calls == 4
    assert waits == [platforms.REPLACE_WAIT_SECONDS] * 3


def test_windows_gives_up_after_two_seconds(tmp_path: Path) -> None:
    held, waits = Held(10**6), list[float]()
    with pytest.raises(PermissionError):
        replace(tmp_path / "a", tmp_path / "b", windows=True, rename=held, sleep=waits.append)
    assert held.calls == platforms.REPLACE_TRIES
    assert sum(waits) == pytest.approx(2.0 - platforms.REPLACE_WAIT_SECONDS)


def test_elsewhere_a_refused_rename_is_a_real_error(tmp_path: Path) -> None:
    held = Held(1)
    with pytest.raises(PermissionError):
        replace(tmp_path / "a", tmp_path / "b", windows=False, rename=held, sleep=print)
    assert held.calls == 1


def test_a_store_write_outlasts_a_held_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    held = Held(5)
    windows_replace = functools.partial(replace, windows=True, rename=held, sleep=lambda _: None)
    monkeypatch.setattr(private_files, "replace", windows_replace)
    private_files.write_atomic(tmp_path / "journal.json", b"saved")
    assert (tmp_path / "journal.json").read_bytes() == b"saved"
    assert [p.name for p in tmp_path.iterdir()] == ["journal.json"]  # no temp file left


# -- file locking: msvcrt's byte-range locks -------------------------------------------------


class FakeMsvcrt:
    """msvcrt.locking as Windows does it: a lock on bytes from the handle's current position,
    held per handle; another handle's attempt fails with EACCES at once (LK_NBLCK); unlocking
    bytes this handle does not hold fails too."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self) -> None:
        self.held: dict[tuple[int, int], int] = {}  # (file, offset) -> fd

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        assert nbytes == 1
        key = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        if mode == self.LK_NBLCK:
            if key in self.held:
                raise PermissionError(errno.EACCES, "Permission denied")
            self.held[key] = fd
        elif mode == self.LK_UNLCK:
            if self.held.get(key) != fd:
                raise PermissionError(errno.EACCES, "Permission denied")
            del self.held[key]


@pytest.fixture
def windows_locks(monkeypatch: pytest.MonkeyPatch) -> FakeMsvcrt:
    fake = FakeMsvcrt()
    try_lock, unlock = windows_locker(fake)
    monkeypatch.setattr(lock, "_try_lock", try_lock)
    monkeypatch.setattr(lock, "_unlock", unlock)
    return fake


def test_windows_locks_keep_a_second_writer_out(windows_locks: FakeMsvcrt, tmp_path: Path) -> None:
    path = str(tmp_path / "journal.json.lock")
    first, second = FileLock(path, timeout=0.1), FileLock(path, timeout=0.1)
    first.acquire()
    first.acquire()  # re-entrant within one holder
    with pytest.raises(LockTimeout):
        second.acquire()
    first.release()
    with pytest.raises(LockTimeout):  # still held once
        second.acquire()
    first.release()
    second.acquire()
    assert list(windows_locks.held.values()) == [second._fd]
    second.release()
    assert windows_locks.held == {}


def test_windows_unlocks_the_byte_it_locked(windows_locks: FakeMsvcrt, tmp_path: Path) -> None:
    """msvcrt counts from the handle's position: the unlock goes back to offset 0 first."""
    held = FileLock(str(tmp_path / "x.lock"), timeout=0.1)
    held.acquire()
    assert held._fd is not None
    os.lseek(held._fd, 7, os.SEEK_SET)  # as a read or a write on the handle would
    held.release()
    assert windows_locks.held == {}


# -- shell output and piped input ------------------------------------------------------------


def test_output_in_a_code_page_without_the_character() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="cp1252", errors="strict")
    guard_output(out)
    out.write("Tea with 日本 colleagues 🍵 ☐ café \udce9\n")
    out.flush()
    # cp1252 has é; the rest is '?'; an undecodable file-name byte goes out as itself.
    assert raw.getvalue() == b"Tea with ?? colleagues ? ? caf\xe9 \xe9\n"


def test_output_in_utf8_is_untouched() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    guard_output(out)
    out.write("日本 ☐ \udce9")
    out.flush()
    assert raw.getvalue() == "日本 ☐ ".encode() + b"\xe9"


def test_piped_input_is_utf8_whatever_the_locale() -> None:
    stdin = io.TextIOWrapper(io.BytesIO("Café 日本\n".encode() + b"\xff"), encoding="cp1252")
    utf8_input(stdin)
    assert stdin.read() == "Café 日本\n\udcff"


def test_piped_input_already_begun_keeps_its_encoding() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"pass\nrest\n"), encoding="latin-1")
    assert stdin.readline() == "pass\n"
    utf8_input(stdin)  # too late to change anything: no error, and the rest reads as before
    assert stdin.read() == "rest\n"


def csa(
    tmp_path: Path, *args: str, encoding: str, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "CSA_COMPANION_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "csa_companion", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_commands_in_a_windows_code_page(tmp_path: Path) -> None:
    """As on Windows with the output redirected to a file (`journal list > list.txt`): the
    standard streams are cp1252."""
    done = csa(
        tmp_path,
        "journal",
        "add",
        encoding="cp1252",
        stdin="Tea 🍵 with 日本 colleagues, café\n".encode(),
    )
    assert done.returncode == 0, done.stderr
    listed = csa(tmp_path, "journal", "list", "--json", encoding="utf-8")
    assert "Tea 🍵 with 日本 colleagues, café" in listed.stdout.decode()  # stored as piped
    listed = csa(tmp_path, "journal", "list", encoding="cp1252")
    assert listed.returncode == 0 and b"Traceback" not in listed.stderr, listed.stderr
    assert b"Tea ? with ?? colleagues, caf\xe9" in listed.stdout


# -- signals --------------------------------------------------------------------------------


class FakeLoop:
    def __init__(self) -> None:
        self.added: list[tuple[int, Callable[..., None], int]] = []
        self.removed: list[int] = []
        self.soon: list[tuple[Callable[..., None], int]] = []

    def add_signal_handler(self, signum: int, handler: Callable[..., None], arg: int) -> None:
        self.added.append((signum, handler, arg))

    def remove_signal_handler(self, signum: int) -> None:
        self.removed.append(signum)

    def call_soon_threadsafe(self, handler: Callable[..., None], arg: int) -> None:
        self.soon.append((handler, arg))


class FakeWindowsSignal:
    """The parts of Windows' signal module used: SIGBREAK, and no SIGHUP."""

    SIGBREAK, SIGTERM, SIG_DFL = 21, 15, 0

    def __init__(self) -> None:
        self.handlers: dict[int, Any] = {}

    def signal(self, signum: int, handler: Any) -> None:
        self.handlers[signum] = handler


def test_windows_saves_on_ctrl_break() -> None:
    loop, fake, seen = FakeLoop(), FakeWindowsSignal(), list[int]()
    install_exit_signals(loop, seen.append, install=True, windows=True, signals=fake)
    assert list(fake.handlers) == [21] and loop.added == []  # no loop signal handlers there
    fake.handlers[21](21, None)  # Ctrl+Break arrives: the app is asked, in its loop, to save
    assert loop.soon == [(seen.append, 21)]
    install_exit_signals(loop, seen.append, install=False, windows=True, signals=fake)
    assert fake.handlers == {21: fake.SIG_DFL}


def test_macos_and_linux_save_on_sigterm_and_sighup() -> None:
    import signal

    loop, handler = FakeLoop(), print
    install_exit_signals(loop, handler, install=True, windows=False)
    assert loop.added == [
        (signal.SIGTERM, handler, signal.SIGTERM),
        (signal.SIGHUP, handler, signal.SIGHUP),
    ]
    install_exit_signals(loop, handler, install=False, windows=False)
    assert loop.removed == [signal.SIGTERM, signal.SIGHUP]


def test_a_terminal_that_hangs_up_is_noticed_and_input_is_left_to_textual() -> None:
    import pty
    import threading

    main_fd, child_fd = pty.openpty()
    hung_up = threading.Event()
    try:
        stop = watch_terminal(child_fd, hung_up.set, windows=False)
        os.write(main_fd, b"typed\n")  # input wakes nothing, and stays there to be read
        assert not hung_up.wait(0.3)
        assert os.read(child_fd, 100) == b"typed\n"
        os.close(main_fd)  # the other end goes away; no SIGHUP (not our controlling terminal)
        assert hung_up.wait(5)
        stop()
        stop()  # twice is harmless
    finally:
        os.close(child_fd)


def test_watching_stops_without_a_hang_up_and_skips_what_is_no_terminal() -> None:
    import pty

    main_fd, child_fd = pty.openpty()
    seen: list[str] = []
    try:
        stop = watch_terminal(child_fd, lambda: seen.append("gone"), windows=False)
        stop()  # the app exits normally: the thread ends at once
        os.close(main_fd)
        assert seen == []
    finally:
        os.close(child_fd)
    read_end, write_end = os.pipe()
    try:
        watch_terminal(read_end, lambda: seen.append("gone"), windows=False)()  # a pipe
        watch_terminal(0, lambda: seen.append("gone"), windows=True)()  # Windows: no ptys
    finally:
        os.close(read_end)
        os.close(write_end)
    assert seen == []


# -- paths with spaces and accents through the shell ----------------------------------------


def test_cmd_exe_gets_every_word_quoted() -> None:
    words = [
        r"C:\Users\Ana & Bo\AppData\Local\csa-companion-program\venv\Scripts\python.exe",
        "-m",
        "csa_companion",
        "--data-dir",
        r"C:\Users\José\Données (équipe)",
    ]
    assert shell_command(words, windows=True) == (
        r'"C:\Users\Ana & Bo\AppData\Local\csa-companion-program\venv\Scripts\python.exe" '
        r'"-m" "csa_companion" "--data-dir" "C:\Users\José\Données (équipe)"'
    )


def test_sh_gets_posix_quoting(tmp_path: Path) -> None:
    folder = tmp_path / "Ana & Bo's data (é)"
    line = shell_command(["printf", "%s\\n", str(folder)], windows=False)
    done = subprocess.run(line, shell=True, capture_output=True, text=True, check=True)
    assert done.stdout == f"{folder}\n"


def test_the_single_file_program_serves_itself() -> None:
    assert own_command(frozen=False, executable="/x/python") == ["/x/python", "-m", "csa_companion"]
    assert own_command(frozen=True, executable="/x/csa-companion") == ["/x/csa-companion"]
    frozen = app_command(Path("/d"), [], None, windows=False, frozen=True)
    assert " -m " not in frozen and frozen.endswith("--data-dir /d")
    on_windows = app_command(
        Path(r"C:\My Data"), [], ["tool", "iceberg"], windows=True, frozen=False
    )
    assert on_windows.endswith(r'"--data-dir" "C:\My Data" "present" "tool" "iceberg"')


# -- glyphs for the older console's fonts ---------------------------------------------------


def _wgl4() -> frozenset[str]:
    """Windows Glyph List 4: what Consolas, Lucida Console and Courier New cover, and so what
    the older Windows console can show (it does not fall back to other fonts)."""
    ranges = [
        (0x20, 0x7E), (0xA0, 0x17F), (0x192, 0x192), (0x1FA, 0x1FF), (0x2C6, 0x2C7),
        (0x2C9, 0x2C9), (0x2D8, 0x2DD), (0x384, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1),
        (0x3A3, 0x3CE), (0x401, 0x40C), (0x40E, 0x44F), (0x451, 0x45C), (0x45E, 0x45F),
        (0x490, 0x491), (0x1E80, 0x1E85), (0x1EF2, 0x1EF3), (0x2013, 0x2015),
        (0x2017, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026), (0x2030, 0x2030),
        (0x2032, 0x2033), (0x2039, 0x203A), (0x203C, 0x203C), (0x203E, 0x203E),
        (0x2044, 0x2044), (0x207F, 0x207F), (0x20A3, 0x20A4), (0x20A7, 0x20A7),
        (0x20AC, 0x20AC), (0x2105, 0x2105), (0x2113, 0x2113), (0x2116, 0x2116),
        (0x2122, 0x2122), (0x2126, 0x2126), (0x212E, 0x212E), (0x215B, 0x215E),
        (0x2190, 0x2195), (0x21A8, 0x21A8), (0x2202, 0x2202), (0x2206, 0x2206),
        (0x220F, 0x220F), (0x2211, 0x2212), (0x2215, 0x2215), (0x2219, 0x221A),
        (0x221E, 0x221F), (0x2229, 0x2229), (0x222B, 0x222B), (0x2248, 0x2248),
        (0x2260, 0x2261), (0x2264, 0x2265), (0x2302, 0x2302), (0x2310, 0x2310),
        (0x2320, 0x2321), (0x2500, 0x2500), (0x2502, 0x2502), (0x250C, 0x250C),
        (0x2510, 0x2510), (0x2514, 0x2514), (0x2518, 0x2518), (0x251C, 0x251C),
        (0x2524, 0x2524), (0x252C, 0x252C), (0x2534, 0x2534), (0x253C, 0x253C),
        (0x2550, 0x256C), (0x2580, 0x2580), (0x2584, 0x2584), (0x2588, 0x2588),
        (0x258C, 0x258C), (0x2590, 0x2593), (0x25A0, 0x25A1), (0x25AA, 0x25AC),
        (0x25B2, 0x25B2), (0x25BA, 0x25BA), (0x25BC, 0x25BC), (0x25C4, 0x25C4),
        (0x25CA, 0x25CB), (0x25CF, 0x25CF), (0x25D8, 0x25D9), (0x25E6, 0x25E6),
        (0x263A, 0x263C), (0x2640, 0x2640), (0x2642, 0x2642), (0x2660, 0x2660),
        (0x2663, 0x2663), (0x2665, 0x2666), (0x266A, 0x266B),
    ]  # fmt: skip
    return frozenset(chr(c) for start, end in ranges for c in range(start, end + 1))


WGL4 = _wgl4()


def test_every_plain_glyph_is_in_the_old_fonts_and_as_wide() -> None:
    for fancy, plain in PLAIN_GLYPHS.items():
        assert fancy not in WGL4, fancy
        assert plain in WGL4, (fancy, plain)
        assert cell_len(fancy) == cell_len(plain) == 1, fancy
    assert plain_glyphs("╭─ ☐ Survey ✓ ★ ▁▂▇ ─╮") == "┌─ □ Survey √ * _▄█ ─┐"


def test_every_glyph_the_app_draws_has_a_plain_one() -> None:
    """Each character outside WGL4 in the app's own code is in PLAIN_GLYPHS (or is text: a
    letter in a test word, a combining accent)."""
    missing = set()
    for path in (ROOT / "src" / "csa_companion").rglob("*.py"):
        for ch in path.read_text(encoding="utf-8"):
            if ch not in WGL4 and ch not in PLAIN_GLYPHS and ch.isprintable() and not ch.isalpha():
                missing.add((ch, path.name))
    allowed = {"\u0301"}  # a combining accent in journal search's own test of accents
    assert {ch for ch, _ in missing} - allowed == set(), (
        f"{sorted(missing)}: give each a plain glyph of the same width in platforms.PLAIN_GLYPHS"
    )


@pytest.mark.parametrize(
    ("environ", "windows", "plain"),
    [
        ({}, True, True),  # the older console (conhost)
        ({"WT_SESSION": "0f3e..."}, True, False),  # Windows Terminal
        ({"TERM_PROGRAM": "vscode"}, True, False),
        ({"TERM_PROGRAM": "WezTerm"}, True, False),
        ({}, False, False),  # macOS Terminal, iTerm2, Linux terminals
        ({"CSA_COMPANION_GLYPHS": "plain"}, False, True),
        ({"CSA_COMPANION_GLYPHS": "full"}, True, False),
        ({"CSA_COMPANION_GLYPHS": "Plain ", "WT_SESSION": "x"}, True, True),
    ],
)
def test_when_plain_glyphs_are_used(environ: dict[str, str], windows: bool, plain: bool) -> None:
    assert wants_plain_glyphs(environ, windows=windows) is plain


ESCAPES = re.compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78]|P[^\x1b]*\x1b\\)"
)


def shown_in_terminal(tmp_path: Path, glyphs: str, keys: Sequence[bytes] = ()) -> str:
    """Every character the app writes in an 80x24 terminal while it opens (the first start's
    question about the person's role, then Home) and goes where `keys` take it, escape
    sequences taken out."""
    from tests.dist.terminal import FIRST_START, run_in_terminal

    env = {
        **os.environ,
        "CSA_COMPANION_DATA_DIR": str(tmp_path / glyphs),
        "CSA_COMPANION_GLYPHS": glyphs,
    }
    command = [sys.executable, "-m", "csa_companion"]
    code, screen = run_in_terminal(command, env, FIRST_START, keys=[b"\x1b", *keys])
    assert code == 0 and "Traceback" not in screen
    return ESCAPES.sub("", screen)


def test_the_app_in_plain_glyphs_draws_only_what_the_old_fonts_have(tmp_path: Path) -> None:
    full = {ch for ch in shown_in_terminal(tmp_path, "full") if ch.isprintable()}
    assert full - WGL4, "the app drew no glyph the old fonts lack: this test would prove nothing"
    # Home, then the Journal, the editor, Tools, Program, Learn, Practice and Help.
    keys = [b"j", b"n", b"\x1b", b"\x1b", b"t", b"\x1b", b"g", b"\x1b", b"l", b"\x1b", b"p"]
    text = shown_in_terminal(tmp_path, "plain", [*keys, b"\x1b", b"?"])
    for seen in ("Iceberg", "Learning session 4"):  # Tools and Program came up
        assert seen in text, seen
    plain = {ch for ch in text if ch.isprintable()}
    assert plain - WGL4 == set()


# -- file names Windows accepts --------------------------------------------------------------

WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
WINDOWS_RESERVED |= {f"LPT{i}" for i in range(1, 10)}


def windows_problem(name: str) -> str | None:
    """Why Windows would refuse (or misread) a file name, or None."""
    if re.search(r'[<>:"|?*\\\x00-\x1f]', name):
        return "a character Windows forbids (a colon would even write an alternate stream)"
    if name.endswith((".", " ")):
        return "a trailing dot or space, which Windows drops"
    if name.split(".")[0].upper() in WINDOWS_RESERVED:
        return "a device name"
    return None


def test_every_file_the_commands_write_has_a_name_windows_takes(tmp_path: Path) -> None:
    """Titles, tags and names typed by the user (colons, question marks, slashes) never reach a
    file name as they are: after the commands that write files, every name in the data folder
    and the exports is one Windows accepts."""
    data, out = tmp_path / "data", tmp_path / "out"

    def run(*args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "csa_companion", "--data-dir", str(data), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    added = run(
        "journal", "add", 'Q3: "what now?" <draft> | CON', "--title", "AUX: a/b\\c?", "--tag", "x:y"
    )
    entry = added.split()[1].rstrip(":")
    run("backup")
    run("export", "--out", str(out / "all.json"))
    run("export", "--format", "markdown", "--out", str(out / "md"))
    run("share", "--entry", entry, "--name", 'Ana: "Bo"? <lead>', "--out", str(out / "share.json"))
    names = [p.name for root in (data, out) for p in root.rglob("*")]
    assert len(names) > 10
    assert {n: windows_problem(n) for n in names if windows_problem(n)} == {}


def test_every_file_opened_for_writing_asks_for_binary_mode() -> None:
    """Each os.open that writes passes its flags through platforms.binary (os.open is the one
    way to a file that Python leaves in Windows' text mode); only a folder (for fsync) and the
    null device are opened without it."""
    import ast

    unguarded = []
    for path in (ROOT / "src" / "csa_companion").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "os.open"):
                continue
            flags = ast.unparse(node.args[1])
            if "binary(" in flags or (flags == "os.O_RDONLY" and "folder" in ast.unparse(node)):
                continue
            if ast.unparse(node.args[0]) == "os.devnull":
                continue
            unguarded.append(f"{path.name}: {ast.unparse(node)}")
    assert unguarded == []

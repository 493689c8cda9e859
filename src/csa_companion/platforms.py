"""What differs between Windows, macOS and Linux, in one place.

Each helper takes the platform as an argument (`windows=`), defaulting to the one it runs on,
so that the tests run the Windows branch here too (tests/unit/test_platforms.py); nothing in
this module imports a Windows-only module at import time.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

WINDOWS = sys.platform == "win32"

# -- files ---------------------------------------------------------------------------------

# The C runtime's value of O_BINARY (os.O_BINARY exists only on Windows).
O_BINARY = getattr(os, "O_BINARY", 0x8000)


def binary(flags: int, *, windows: bool = WINDOWS) -> int:
    """os.open flags for a file of bytes. On Windows os.open opens in text mode unless told
    O_BINARY, and os.write then turns every \\n into \\r\\n: a store file would no longer match
    its checksum and would be set aside as damaged, its backup too."""
    return flags | O_BINARY if windows else flags


# How long a rename waits, on Windows, for another program to let go of the file it replaces.
REPLACE_TRIES = 40
REPLACE_WAIT_SECONDS = 0.05


def replace(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    windows: bool = WINDOWS,
    rename: Callable[[Any, Any], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """os.replace, which on Windows fails with PermissionError while any program has the
    target open (another csa-companion window reading it, a virus scanner, a sync or search
    indexer): there it is tried again for up to two seconds. Elsewhere a rename never meets
    that, and a PermissionError is a real one."""
    rename = rename or os.replace  # looked up now: tests spy on os.replace
    for attempt in range(1, REPLACE_TRIES + 1):
        try:
            rename(source, target)
            return
        except PermissionError:
            if not windows or attempt == REPLACE_TRIES:
                raise
            sleep(REPLACE_WAIT_SECONDS)


# -- shell output --------------------------------------------------------------------------

OUTPUT_ERRORS = "csa-companion-output"


def _output_error(error: UnicodeError) -> tuple[str | bytes, int]:
    """A character the output's encoding cannot write: a file name's undecodable byte
    (surrogateescape's U+DC80-U+DCFF) goes out as that byte; any other becomes '?'."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    if all("\udc80" <= ch <= "\udcff" for ch in bad):
        return codecs.lookup_error("surrogateescape")(error)
    return "?" * len(bad), error.end


codecs.register_error(OUTPUT_ERRORS, _output_error)


def guard_output(stream: TextIO | None) -> None:
    """Let a shell command write any text to `stream` without failing. Redirected to a file or
    a pipe on Windows (`journal list > list.txt`), standard output is in the ANSI code page
    (cp1252, say), which has no emoji, CJK or ☐: those become '?' rather than a traceback.
    In a console, and on macOS and Linux with their usual UTF-8, every character is written."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors=OUTPUT_ERRORS)


def utf8_input(stream: TextIO | None) -> None:
    """Read what is piped in as UTF-8 whatever the locale (Windows' is cp1252, where UTF-8's
    "é" would arrive as "Ã©"), bytes that are not UTF-8 as surrogates for the caller to
    repair and report. Called before the first read (once something has been read, neither
    can change: the stream is left as it is)."""
    if not isinstance(stream, io.TextIOWrapper):
        return
    utf8 = codecs.lookup(stream.encoding).name == "utf-8"
    if not utf8 or stream.errors != "surrogateescape":
        with contextlib.suppress(ValueError, io.UnsupportedOperation):
            stream.reconfigure(encoding="utf-8", errors="surrogateescape")


# -- signals -------------------------------------------------------------------------------


def exit_signal_names(*, windows: bool = WINDOWS) -> tuple[str, ...]:
    """The signals that end the app but let it save first: `kill` (SIGTERM) and a closed
    terminal (SIGHUP); on Windows there are neither, and Ctrl+Break (and, as the C runtime
    reports it, a console window being closed) arrives as SIGBREAK."""
    return ("SIGBREAK",) if windows else ("SIGTERM", "SIGHUP")


def install_exit_signals(
    loop: Any,
    handler: Callable[[int], None],
    *,
    install: bool,
    windows: bool = WINDOWS,
    signals: Any = signal,
) -> None:
    """Call `handler(signum)` in the event loop for each exit signal (`install=False` puts
    things back). POSIX loops take signal handlers; Windows' do not, so there the handler is
    a plain signal handler that hands over to the loop."""
    for name in exit_signal_names(windows=windows):
        signum = getattr(signals, name, None)
        if signum is None:
            continue
        with contextlib.suppress(ValueError, RuntimeError):  # not in the main thread
            if windows:
                if install:
                    signals.signal(
                        signum,
                        lambda number, _frame: loop.call_soon_threadsafe(handler, number),
                    )
                else:
                    signals.signal(signum, signals.SIG_DFL)
            elif install:
                loop.add_signal_handler(signum, handler, signum)
            else:
                loop.remove_signal_handler(signum)


def watch_terminal(
    fd: int, gone: Callable[[], None], *, windows: bool = WINDOWS
) -> Callable[[], None]:
    """Call `gone()` (from a thread of its own) when the terminal `fd` reads from hangs up:
    its other end was closed without a SIGHUP reaching this process (a test harness or a
    terminal multiplexer killed, the app in a session whose controlling terminal is not this
    one). Textual's input thread then reads end-of-file again and again, for ever. Only
    hang-ups wake the thread, never input (Textual reads that). Returns the call that stops
    watching. Windows has no such terminals: nothing to watch there."""
    if windows or not os.isatty(fd):
        return lambda: None
    import select
    import threading

    wake_read, wake_write = os.pipe()
    poller = select.poll()
    poller.register(fd, 0)  # no events asked: poll reports only POLLHUP, POLLERR, POLLNVAL
    poller.register(wake_read, select.POLLIN)

    def watch() -> None:
        try:
            ready = dict(poller.poll())  # sleeps until the terminal hangs up, or `stop`
        finally:
            os.close(wake_read)
        # (POLLNVAL alone: the terminal cannot be watched, as on older macOS; nothing to do.)
        if wake_read not in ready and ready.get(fd, 0) & (select.POLLHUP | select.POLLERR):
            gone()

    thread = threading.Thread(target=watch, name="terminal-watch", daemon=True)
    thread.start()

    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        with contextlib.suppress(OSError):  # the thread has ended by itself
            os.write(wake_write, b"\0")
        thread.join()
        os.close(wake_write)

    return stop


# -- a command line for the shell ----------------------------------------------------------


def shell_command(words: Sequence[str], *, windows: bool = WINDOWS) -> str:
    """`words` as one command line for the shell (textual-serve starts the app that way). On
    Windows that shell is cmd.exe, which splits a line at &, |, <, > and ^ outside double
    quotes, even in a folder name such as "Ana & Bo": every word is quoted (a Windows path
    cannot hold a double quote). Elsewhere, POSIX sh quoting."""
    if windows:
        return " ".join(f'"{w}"' for w in words)
    import shlex

    return shlex.join(words)


def own_command(*, frozen: bool | None = None, executable: str | None = None) -> list[str]:
    """How to start this program again: `python -m csa_companion`, or the single-file program
    itself when frozen by PyInstaller (which takes no -m)."""
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = executable or sys.executable
    return [executable] if frozen else [executable, "-m", "csa_companion"]


# -- glyphs for the older console's fonts --------------------------------------------------

GLYPHS_ENV = "CSA_COMPANION_GLYPHS"

# Every character the app, Textual and Rich draw that the older Windows console's fonts
# (Consolas, Lucida Console, the raster fonts: the WGL4 set, or code page 437) lack, each
# replaced by one of the same width that they have, so that nothing moves.
PLAIN_GLYPHS: Mapping[str, str] = {
    # rounded corners and heavy or thin lines
    "╭": "┌", "╮": "┐", "╰": "└", "╯": "┘",
    "━": "─", "┃": "│", "┏": "┌", "┓": "┐", "┗": "└", "┛": "┘",
    "╍": "─", "╏": "│", "┄": "─", "┅": "─", "┆": "│", "┇": "│", "┈": "─", "┉": "─",
    "╌": "─", "╎": "│",
    # partial blocks: bars, scroll bars, Textual's tall and wide borders
    "▁": "_", "▂": "▄", "▃": "▄", "▅": "▄", "▆": "▄", "▇": "█",
    "▉": "█", "▊": "▌", "▋": "▌", "▍": "▌", "▎": "▌", "▏": "▌",
    "▔": "▀", "▕": "▐", "▖": "▄", "▗": "▄", "▘": "▀", "▝": "▀",
    "▙": "█", "▛": "█", "▜": "█", "▟": "█", "▚": "▒", "▞": "▒",
    # marks, ticks, stars and pointers
    "☐": "□", "☑": "■", "☒": "■", "✓": "√", "✔": "√", "✗": "x", "✘": "x",
    "✕": "x", "✖": "x", "⚠": "!", "ℹ": "i",
    "★": "*", "☆": "*", "✎": "»", "◌": "○", "◯": "○", "⭘": "○", "◐": "◘", "⬤": "●", "◉": "●",
    "▶": "►", "◀": "◄", "▸": "►", "◂": "◄", "▴": "▲", "▾": "▼", "▷": "►", "◁": "◄",
    "↗": "/", "↘": "\\", "↖": "\\", "↙": "/", "⏎": "<", "↵": "<", "‖": "║",
    "⠀": " ",
}  # fmt: skip
_PLAIN_TABLE = str.maketrans(dict(PLAIN_GLYPHS))


def plain_glyphs(text: str) -> str:
    return text.translate(_PLAIN_TABLE)


def wants_plain_glyphs(environ: Mapping[str, str], *, windows: bool = WINDOWS) -> bool:
    """Whether to draw with PLAIN_GLYPHS: CSA_COMPANION_GLYPHS=plain or =full says; otherwise
    plain in a Windows console window of the older kind. Windows Terminal (which sets
    WT_SESSION) and terminals that name themselves in TERM_PROGRAM (VS Code's, WezTerm) have
    fonts with every glyph, as have macOS and Linux terminals."""
    choice = environ.get(GLYPHS_ENV, "").strip().lower()
    if choice in ("plain", "full"):
        return choice == "plain"
    if not windows:
        return False
    return not environ.get("WT_SESSION") and not environ.get("TERM_PROGRAM")


def plain_driver(base: type[Any]) -> type[Any]:
    """A subclass of the Textual driver `base` whose output goes through plain_glyphs (escape
    sequences are ASCII and pass unchanged)."""

    def write(self: Any, data: str) -> None:
        base.write(self, data.translate(_PLAIN_TABLE))

    return type(f"Plain{base.__name__}", (base,), {"write": write})

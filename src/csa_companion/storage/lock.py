"""An exclusive lock on a lock file, shared by every process that opens the same store.

The operating system holds the lock (flock on POSIX, msvcrt.locking on Windows), so it is
released when the holder exits, even if it is killed: a lock file left behind never blocks.
This replaces the filelock package, whose import alone (logging, threading, decimal, secrets)
cost `journal add` about 20 ms of its 350 ms budget for one lock we use one way.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from csa_companion.platforms import binary

Locker = tuple[Callable[[int], bool], Callable[[int], None]]


def windows_locker(msvcrt: Any) -> Locker:
    """Try-lock and unlock with msvcrt.locking: the file's first byte, from offset 0 (locking
    counts from the current position). A byte past the end of a file can be locked, so the
    empty lock file serves. Taken as an argument so that tests run it here with a stand-in."""

    def try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # EACCES or EDEADLOCK: another handle holds it
            return False
        return True

    def unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    return try_lock, unlock


def posix_locker(fcntl: Any) -> Locker:
    """Try-lock and unlock with flock (macOS and Linux)."""

    def try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    return try_lock, unlock


if sys.platform == "win32":  # pragma: no cover - tests run windows_locker with a stand-in
    import msvcrt

    _try_lock, _unlock = windows_locker(msvcrt)
else:
    import fcntl

    _try_lock, _unlock = posix_locker(fcntl)


def open_private(path: str | os.PathLike[str], flags: int) -> int:
    """Open a file, creating it readable and writable by its owner only (0600) whatever the
    umask: os.open's mode is filtered through the umask, so it is set again when it differs.
    Always in binary mode (platforms.binary: Windows would write \n as \r\n)."""
    fd = os.open(path, binary(flags) | os.O_CREAT, 0o600)
    if os.name != "nt" and os.fstat(fd).st_mode & 0o777 != 0o600:
        os.fchmod(fd, 0o600)
    return fd


def pid_alive(pid: int) -> bool:
    """True if a process with this id exists (it may be a reused id: callers that can, also
    look at an age)."""
    if os.name == "nt":  # pragma: no cover - os.kill would terminate it there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours (EPERM)
        return True
    return True


class LockTimeout(Exception):
    """The lock was not free within the timeout."""


class FileLock:
    """Re-entrant within one object; waits up to `timeout` seconds, polling every 20 ms."""

    POLL_SECONDS = 0.02

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        if self._depth:
            self._depth += 1
            return
        fd = open_private(self.path, os.O_RDWR)
        deadline = time.monotonic() + self.timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise LockTimeout(self.path)
            time.sleep(self.POLL_SECONDS)
        self._fd, self._depth = fd, 1

    def release(self) -> None:
        if self._fd is None:
            return
        self._depth -= 1
        if self._depth:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

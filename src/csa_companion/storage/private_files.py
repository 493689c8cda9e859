"""Writing files only their owner can read, and writing them all at once or not at all.

Every file the app writes holds private text, so each is 0600 whatever the umask. Store files,
snapshots, exports, bundles and the key file all go through `write_atomic`: a temp file
`.<name>.<pid>.tmp` in the same folder, written and fsynced, renamed over the target, then the
folder fsynced. A writer killed mid-write leaves its temp file behind; the next write to the
same folder (and the next open of a store, for the data and backups folders) removes it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Collection
from pathlib import Path

from csa_companion.platforms import replace
from csa_companion.storage.lock import open_private, pid_alive

# A temp file this old is left over whatever its name says: no write takes minutes (the file's
# time moves with every write), and a dead writer's process id may have been given to another
# process since.
STALE_TEMP_SECONDS = 600.0


def write_private(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write `text` to `path` as UTF-8 (or `encoding`), all at once, mode 0600 whatever the
    umask; create missing folders (0700). Raises OSError (NotADirectoryError when a file
    stands where a folder should be)."""
    try:
        write_atomic(path, text.encode(encoding))
    except FileExistsError:  # mkdir met a file where a folder should be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path)) from None


def temp_path(path: Path) -> Path:
    """Where this process stages a write to `path`: `.<name>.<pid>.tmp` beside it."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(
    path: Path,
    payload: bytes,
    *,
    before_replace: Callable[[], None] | None = None,
    tmp: Path | None = None,
    locked_names: Collection[str] = (),
    durable: bool = True,
) -> None:
    """Write `payload` to `path` all at once or not at all (missing folders are created,
    0700). `before_replace` runs once the temp file is on disk, just before the rename (the
    store keeps its backup generation there). `tmp` overrides the temp file's name;
    `locked_names` is passed to `sweep_temp_files`. Without `durable` nothing is fsynced (for
    a file made again when it is found cut off). Raises OSError, leaving no temp file."""
    folder = path.parent
    make_private_dirs(folder)
    sweep_temp_files(folder, locked_names=locked_names)
    tmp = tmp or temp_path(path)
    try:
        fd = open_private(tmp, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        replace(tmp, path)
    except BaseException:  # a full disk, or an interrupt: never leave half a file behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        fsync_dir(folder)


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and every missing folder above it, each 0700 whatever the umask
    (`mkdir(parents=True)` gives the parents it makes the default 0755). Folders that exist
    are left as they are."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another writer
            candidate.mkdir(mode=0o700)
        os.chmod(candidate, 0o700)  # the umask narrows mkdir's mode, never widens it


def sweep_temp_files(folder: Path, *, locked_names: Collection[str] = ()) -> None:
    """Remove the temp files `.<name>.<pid>.tmp` in `folder` whose writer is gone: its process
    has ended, or the file is older than any write takes. Never a live writer's: this
    process's own are kept (another thread may be writing), except for `locked_names`, files
    whose every writer holds a lock the caller holds now."""
    now, me = time.time(), os.getpid()
    try:
        entries = list(os.scandir(folder))
    except OSError:  # a missing or unreadable folder has nothing to sweep
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        target, _, pid_text = name[1 : -len(".tmp")].rpartition(".")
        if not (target and pid_text.isdecimal()):
            continue  # not one of ours (encryption's `.crypt.tmp` files are its own to wipe)
        pid = int(pid_text)
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        gone = target in locked_names if pid == me else not pid_alive(pid)
        if gone or age > STALE_TEMP_SECONDS:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (not possible, nor needed, on Windows). A file system
    that cannot fsync a folder has done the rename all the same."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

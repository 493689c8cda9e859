"""Encryption for a whole data folder: its key file, and turning encryption on and off.

Each file is converted the way the store writes: the new bytes go to a private temp file that
is fsynced, then replace the old file in one rename. When encrypting, the plaintext's inode is
kept under a second name until the rename is done, then overwritten with zeros, fsynced and
unlinked, so no plaintext copy stays behind in the folder (see the README for what this cannot
promise on SSDs and copy-on-write file systems).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from csa_companion.errors import CompanionError
from csa_companion.paths import DataPaths
from csa_companion.platforms import binary
from csa_companion.storage.crypto import Cipher, KeyRecord, SealError, is_sealed
from csa_companion.storage.fileformat import header_id
from csa_companion.storage.lock import FileLock, LockTimeout
from csa_companion.storage.private_files import fsync_dir, make_private_dirs, write_atomic

KEY_FILE = "key.json"
LOCK_SETTING = "lock-minutes"
"""The app locks after this many idle minutes when encryption is on (0: never)."""
DEFAULT_LOCK_MINUTES = 10.0
MAX_LOCK_MINUTES = 24 * 60
SNAPSHOT_FOLDERS = ("backups",)
SNAPSHOT_LOCK = "snapshots.lock"
"""Held (in `backups`) by whatever writes or deletes snapshots (transfer/snapshots.py), and
by a conversion: no snapshot is written in the old form behind it."""
SNAPSHOT_LOCK_SECONDS = 60.0
JOURNAL_FOLDER = "journal"  # the journal's months (journal_store.py), each a store file
"""Folders of the data folder whose files are copies of the stores (snapshots)."""
PLAIN_FOLDERS = ("content", "screenshots", "exports")
"""Left as they are: teaching content, and files the user saved to read or hand on."""


def lock_problem(value: object) -> str | None:
    """Why `value` cannot be the idle minutes before the app locks, or None (a bool, a
    string, a negative or a week of minutes is refused, as `encrypt --lock-after` does)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be 0 (never) to {MAX_LOCK_MINUTES} (a day) minutes"
    if not 0 <= value <= MAX_LOCK_MINUTES:  # NaN too
        return f"must be 0 (never) to {MAX_LOCK_MINUTES} (a day) minutes"
    return None


class KeyFileError(CompanionError):
    """The key file cannot be read or written."""


def key_path(paths: DataPaths) -> Path:
    return paths.root / KEY_FILE


def is_encrypted(paths: DataPaths) -> bool:
    """Whether encryption is on in this data folder (its key file exists)."""
    return key_path(paths).exists()


def read_key(paths: DataPaths) -> KeyRecord | None:
    """The folder's key record, or None when encryption is off."""
    path = key_path(paths)
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # a bad data folder is reported by the store
        return None
    except OSError as error:
        raise KeyFileError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return KeyRecord.from_bytes(raw)
    except SealError as why:
        raise KeyFileError(
            f"the key file {path} is damaged ({why}); without it the encrypted files cannot "
            "be opened. Put back a copy of key.json from a backup of the folder."
        ) from None


def unlock(paths: DataPaths, passphrase: str) -> Cipher | None:
    """The folder's data key, opened with `passphrase` (WrongPassphrase if it does not open
    it); None when encryption is off."""
    record = read_key(paths)
    return None if record is None else record.unlock(passphrase)


def write_key(paths: DataPaths, record: KeyRecord) -> None:
    """Replace the key file atomically (a passphrase change is one rename)."""
    path = key_path(paths)
    try:
        _replace(path, record.to_bytes())
    except OSError as error:
        raise KeyFileError(f"cannot write {path}: {error.strerror or error}") from None


def remove_key(paths: DataPaths) -> None:
    key_path(paths).unlink(missing_ok=True)
    fsync_dir(paths.root)


def data_files(paths: DataPaths) -> list[Path]:
    """Every file that holds the user's data: the stores (the journal's months in their
    folder), their backups, the copies kept aside after damage or before a migration, and the
    snapshots. Not the key file, locks, temp files,
    nor the content, screenshot and export folders."""
    found: list[Path] = []
    if not paths.root.is_dir():
        return found
    for entry in sorted(paths.root.iterdir()):
        name = entry.name
        if entry.is_dir() and name in (*SNAPSHOT_FOLDERS, JOURNAL_FOLDER):
            found += sorted(p for p in entry.rglob("*") if p.is_file() and not _skipped(p.name))
        elif entry.is_file() and name != KEY_FILE and not _skipped(name):
            found.append(entry)
    return found


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.endswith((".lock", ".lock.owner"))


@dataclass
class Converted:
    """What a conversion did: files rewritten, and those it could not convert (and why)."""

    changed: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def encrypt_folder(paths: DataPaths, cipher: Cipher) -> Converted:
    """Encrypt every plain data file (files already encrypted are left as they are, so an
    interrupted run is finished by running it again)."""
    _sweep(paths)

    def seal(raw: bytes) -> bytes | None:
        if is_sealed(raw):
            return None
        # A store file's generation stays readable from its first line (safe_storage.py).
        ident = header_id(raw)
        return cipher.seal(raw, None if ident is None else {"id": ident})

    return _convert(paths, seal, wipe=True)


def decrypt_folder(paths: DataPaths, cipher: Cipher) -> Converted:
    """Decrypt every encrypted data file; a file that does not open is left as it is and
    named in `failed`."""
    _sweep(paths)

    def open_(raw: bytes) -> bytes | None:
        return cipher.open(raw) if is_sealed(raw) else None

    return _convert(paths, open_, wipe=False)


def _convert(
    paths: DataPaths, transform: Callable[[bytes], bytes | None], *, wipe: bool
) -> Converted:
    done = Converted()
    try:
        make_private_dirs(paths.backups)
        lock = FileLock(str(paths.backups / SNAPSHOT_LOCK), timeout=SNAPSHOT_LOCK_SECONDS)
        lock.acquire()
    except LockTimeout:
        done.failed.append("every file (another csa-companion is taking a snapshot)")
        return done
    except OSError as error:
        done.failed.append(f"every file (cannot lock {paths.backups}: {error.strerror})")
        return done
    try:
        _convert_files(paths, transform, wipe, done)
    finally:
        lock.release()
    return done


def _convert_files(
    paths: DataPaths, transform: Callable[[bytes], bytes | None], wipe: bool, done: Converted
) -> None:
    for path in data_files(paths):
        try:
            with _store_lock(path):
                new = transform(path.read_bytes())
                if new is None:
                    continue
                _replace(path, new, wipe_old=wipe)
        except SealError as why:
            done.failed.append(f"{path.name} ({why})")
        except LockTimeout:
            done.failed.append(f"{path.name} (another csa-companion is writing it)")
        except OSError as error:
            done.failed.append(f"{path.name} ({error.strerror or error})")
        else:
            done.changed.append(path)


@contextlib.contextmanager
def _store_lock(path: Path) -> Iterator[None]:
    """The lock of the store a file belongs to (`journal.json.bak` -> `journal.json.lock`),
    so that no save of that store runs while its files change."""
    if path.parent.name in SNAPSHOT_FOLDERS or ".json" not in path.name:
        yield
        return
    store = path.name[: path.name.index(".json")] + ".json"
    lock = FileLock(str(path.with_name(store + ".lock")), timeout=10.0)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _replace(path: Path, payload: bytes, *, wipe_old: bool = False) -> None:
    """Put `payload` at `path` in one rename after an fsync. With `wipe_old`, the old file's
    contents are overwritten once nothing else names them."""
    old = path.with_name(f".{path.name}.{os.getpid()}.wipe.tmp")
    keep_old = False

    def link_old() -> None:
        nonlocal keep_old
        if wipe_old and path.exists():
            with contextlib.suppress(OSError):  # no hard links here: the old blocks are unlinked
                os.link(path, old)
                keep_old = True

    # The `.crypt.tmp` name keeps it out of the ordinary sweep: `_sweep` wipes it (it may
    # hold plaintext, when decrypting).
    tmp = path.with_name(f".{path.name}.{os.getpid()}.crypt.tmp")
    write_atomic(path, payload, before_replace=link_old, tmp=tmp)
    if keep_old:
        _wipe(old)


def _wipe(path: Path) -> None:
    """Overwrite a file with zeros (only when no other name shares its contents: a `.bak`
    may be a hard link to it), fsync, and unlink it."""
    with contextlib.suppress(OSError):
        if os.stat(path).st_nlink == 1:
            fd = os.open(path, binary(os.O_WRONLY))
            try:
                size = os.fstat(fd).st_size
                zeros = bytes(min(size, 1 << 20))
                written = 0
                while written < size:
                    written += os.write(fd, zeros[: size - written])
                os.fsync(fd)
            finally:
                os.close(fd)
    with contextlib.suppress(OSError):
        path.unlink()
    fsync_dir(path.parent)


def _sweep(paths: DataPaths) -> None:
    """Finish what an interrupted conversion left: plaintext kept for wiping is wiped, temp
    files are removed (no conversion runs meanwhile: each is one user's command)."""
    folders = [paths.root, *(paths.root / name for name in (*SNAPSHOT_FOLDERS, JOURNAL_FOLDER))]
    for folder in folders:
        for leftover in folder.glob(".*.wipe.tmp"):
            _wipe(leftover)
        for leftover in folder.glob(".*.crypt.tmp"):
            _wipe(leftover)

"""A TinyDB storage that never loses data: atomic writes, a backup, recovery and a shared lock.

How one write goes: take the lock file (held only while writing), re-read the file if another
process changed it since we read it (so a change is applied on top of theirs, never over it),
write a temp file in the same folder, fsync it, keep the current file as the `.bak` generation,
`os.replace` the temp file into place and fsync the folder.

What is never lost: a damaged file (or one that is no store at all) is moved aside, never
deleted, and so is a damaged backup; a migration keeps the original and leaves `.bak` alone;
documents the app cannot read are set aside in the file (`documents.py`). A file without a
header is taken for an older version's only when it has the shape of one: its own tables
(`tables`), holding at least one record the app can read; anything else is damage. The `.bak`
is the last good generation: a save makes the current file the new `.bak` only when the
current file was saved from it (its header's `parent`, so every change in between was the
user's), or holds at least as many readable records; otherwise (a file copied in, or
converted from an older one) the `.bak` is kept as it is. Temp files of writers
killed mid-write are removed at the next open or write. In a read-only folder everything is read
and nothing on disk is touched: recovery and migration then happen in memory only.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from csa_companion.errors import CompanionError
from csa_companion.platforms import replace
from csa_companion.storage.crypto import Cipher, SealError, is_sealed
from csa_companion.storage.documents import QUARANTINE, describe, quarantine
from csa_companion.storage.fileformat import (
    Checked,
    DamagedFile,
    Tables,
    check,
    encode,
    identity,
)
from csa_companion.storage.lock import FileLock, LockTimeout, open_private, pid_alive
from csa_companion.storage.private_files import sweep_temp_files, temp_path, write_atomic

Migrate = Callable[[int, Tables], Tables]
PreviewOf = Callable[[Tables], Any]
OLD_DEFAULT_TABLE = "_default"  # TinyDB's own table, in files it wrote itself


def readable_records(tables: Tables) -> int:
    """How many records the tables hold that the app can read (not those set aside)."""
    return sum(len(docs) for name, docs in tables.items() if name != QUARANTINE)


class StoreError(CompanionError):
    """The store cannot be opened or written; the message says what to do."""


class StoreLockedError(StoreError):
    """Another process held the store's lock for longer than we wait."""


class StoreNewerError(StoreError):
    """The file was written by a newer version of the app; it is left untouched."""


class StoreEncryptedError(StoreError):
    """The file is encrypted and no key was given (the key file is missing)."""


class StoreWriteError(StoreError):
    """Writing failed (full disk, permissions); the file on disk is unchanged."""


class StoreReadOnlyError(StoreWriteError):
    """The data folder cannot be written (a read-only mount, an immutable folder): reading
    works, saving does not."""


class SafeJSONStorage(Storage):
    """Crash-safe, multi-process-safe storage for one TinyDB file."""

    def __init__(
        self,
        path: Path,
        *,
        schema: int,
        migrate: Migrate,
        lock_timeout: float = 5.0,
        preview_of: PreviewOf | None = None,
        cipher: Cipher | None = None,
        key_file: Path | None = None,
        tables: Collection[str] | None = None,
    ) -> None:
        """`tables` are the tables this file holds (None: any), which an older version's file
        must keep to. With `cipher`, every file this storage writes is encrypted (see
        storage/crypto.py); files are read whether they are encrypted or not, so a folder
        half-way through `encrypt` still opens, and each save finishes the job for its
        file. `key_file` is the folder's key file: a save checks that it exists exactly when
        `cipher` is given."""
        self.path = path
        self.cipher = cipher
        self.key_file = key_file
        self.backup_path = path.with_name(path.name + ".bak")
        self.schema = schema
        self.notices: list[str] = []
        self.generation = 0
        self.preview: Any = None  # preview_of(the current data), if the file holds one
        self._migrate = migrate
        self._preview_of = preview_of
        self._known_tables = None if tables is None else frozenset(tables)
        self._ident: str | None = None  # the generation of the current file (its first line)
        self._parent: str | None = None  # the generation it was saved from, if known
        self._backup_counted: tuple[str, int] | None = None  # (.bak's generation, its records)
        self._preview_agrees = False  # the unparsed body was searched for the preview's records
        self._lock_timeout = lock_timeout
        self._lock = FileLock(str(path) + ".lock", timeout=lock_timeout)
        self._owner_path = path.with_name(path.name + ".lock.owner")
        # Every writer of these files holds the lock: under it, even this process's temp
        # files of them are left over from a write that failed.
        self._locked_names = (path.name, self.backup_path.name)
        self._data: Tables = {}
        self._unparsed: Checked | None = None  # checked on disk, parsed on first use
        self._released = False  # the parsed data was let go of: read the file again for it
        self._stamp: tuple[int, int, int] | None = None
        self._in_transaction = False
        self.read_only = False  # the folder could not be written when last looked at
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._load()

    # -- the TinyDB Storage interface -------------------------------------------------------

    def read(self) -> Tables:
        """A copy of the tables (TinyDB mutates what it is given before writing it back)."""
        return {name: dict(table) for name, table in self._tables().items()}

    def write(self, data: Tables) -> None:
        if not self._in_transaction:
            raise RuntimeError("SafeJSONStorage.write() must run inside transaction()")
        self._write_file(data)
        self._data, self._unparsed, self._released = data, None, False

    def close(self) -> None:
        """Nothing is held open between writes."""

    def release(self) -> None:
        """Let go of the data (parsed, or checked and not yet parsed), for a reader that has
        made what it needs of it (the journal's list of 50,000 entries held every month's
        documents besides): it is read from the file again when next needed, and `generation`
        stays as it is unless the file changed meanwhile."""
        if self._in_transaction:
            return
        checked = self.preview is None or self._preview_agrees  # nothing left to check it by
        if self._data or (self._unparsed is not None and checked):
            self._data, self._unparsed, self._released = {}, None, True

    # -- transactions and refresh -----------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock, bring our copy up to date, and let the caller read-modify-write."""
        if self._in_transaction:
            yield
            return
        if not self.writable():
            raise StoreReadOnlyError(
                f"Nothing can be saved: the data folder {self.path.parent} is read-only. "
                "Everything in it can still be read; make it writable (or choose another "
                "folder with --data-dir), then save again."
            )
        with self._locked():
            self._check_key_file()
            if self.changed_on_disk():
                self._load()
            self._in_transaction = True
            try:
                yield
            finally:
                self._in_transaction = False

    def _check_key_file(self) -> None:
        check_key_file(self.key_file, self.cipher, self.path.parent)

    def writable(self) -> bool:
        """Whether the data folder can be written now (and remember the answer)."""
        self.read_only = not os.access(self.path.parent, os.W_OK)
        return not self.read_only

    def changed_on_disk(self) -> bool:
        """True if another process has written the file since we last read or wrote it."""
        return self._stat() != self._stamp

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True if anything was re-read."""
        if not self.changed_on_disk():
            return False
        with self._locked():
            self._load()
        return True

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the file's lock (re-entrant within this storage): no other process writes it
        meanwhile."""
        return self._locked()

    # -- internals --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if not self._acquire():
            yield  # a read-only folder: nobody can write there, so reading needs no lock
            return
        try:
            with contextlib.suppress(OSError):  # only the "busy" message reads it
                # Written over, and cut only when the last holder's text was longer: emptying
                # a file first (O_TRUNC) is a change to the file system's journal, ~0.2 ms at
                # each lock taken (nine stores open at start), far more while other processes
                # flush files to disk.
                fd = open_private(self._owner_path, os.O_WRONLY)
                try:
                    # an argument that is not UTF-8 (a Latin-1 folder name) is kept as its bytes
                    owner = f"{os.getpid()} {' '.join(sys.argv[:3])}".encode(
                        "utf-8", "surrogateescape"
                    )
                    os.write(fd, owner)
                    if os.fstat(fd).st_size > len(owner):
                        os.ftruncate(fd, len(owner))
                finally:
                    os.close(fd)
            yield
        finally:
            self._lock.release()

    def _acquire(self) -> bool:
        """Take the lock; False if the folder is read-only and the lock file cannot be made."""
        try:
            self._lock.acquire()
        except LockTimeout:
            raise StoreLockedError(
                f"{self.path.name} is busy: {self._owner()} has held its lock for more than "
                f"{self._lock_timeout:g} s. Wait for it to finish, or close that csa-companion "
                "window, then try again."
            ) from None
        except OSError as error:
            if not self.writable():
                return False
            raise StoreError(f"Cannot lock {self.path}: {error.strerror or error}.") from None
        return True

    def _owner(self) -> str:
        """Who holds the lock, as far as the owner file says. The file names the last holder,
        which may have exited since: then the current holder is unknown."""
        try:
            pid, _, command = self._owner_path.read_text().partition(" ")
        except (OSError, UnicodeDecodeError):
            return "another process"
        if not pid.isdecimal() or not pid_alive(int(pid)):
            return "another process"
        return f"process {pid} ({command.strip() or 'csa-companion'})"

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _load(self) -> None:
        """Read and check the file (under the lock), recovering from damage and migrating old
        schemas. The body of a current-schema file is parsed later, when first needed."""
        self.generation += 1
        self._released = False
        if self.writable():
            sweep_temp_files(self.path.parent, locked_names=self._locked_names)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._restore(f"{self.path.name} was missing", kept=None)
            return
        except OSError as error:
            raise StoreError(f"Cannot read {self.path}: {error.strerror}.") from None
        try:
            plain = self._unseal(raw)
            checked = check(plain)
            if checked.schema == self.schema:
                self._unparsed, self.preview = checked, checked.preview
                self._preview_agrees = False
                self._ident, self._parent = _identity_of(raw), checked.parent
                self._stamp = self._stat()
                return
            self._refuse_newer(checked.schema, self.path)
            tables = checked.tables()
            self._check_older(checked.schema, tables)
            self._install(checked.schema, tables, plain, self.path)
        except DamagedFile as why:
            self._recover(why)

    def _check_older(self, schema: int, tables: Tables) -> None:
        """An older version's file has the shape of one: only this file's own tables, and at
        least one record the app can read once converted. Anything else (another program's
        JSON, another store's file, a file of unreadable documents) is damage, so that the
        backup is restored rather than replaced by an empty store."""
        if self._known_tables is None:
            return
        foreign = sorted(set(tables) - self._known_tables - {OLD_DEFAULT_TABLE})
        if foreign:
            shown = ", ".join(repr(name[:30]) for name in foreign[:3])
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise DamagedFile(
                f"it is not a {self.path.name} file: it holds {shown}{more}, which "
                f"{self.path.name} never holds"
            )
        converted = self._migrate(schema, orjson.loads(orjson.dumps(tables)))
        quarantine(converted)
        if not any(converted.get(name) for name in self._known_tables):
            raise DamagedFile("it holds no record csa-companion can read")

    def _tables(self) -> Tables:
        """The data, parsing the checked body the first time it is needed."""
        if self._released:
            generation, ident = self.generation, self._ident
            with self._locked():
                self._load()
            if self._ident == ident and self._unparsed is not None:
                self.generation = generation  # the same file: what was made of it still holds
        if self._unparsed is not None:
            unparsed, self._unparsed = self._unparsed, None
            try:
                data = unparsed.tables()
            except DamagedFile as why:  # the checksum matched, so only a faulty writer gets here
                with self._locked():
                    if self.changed_on_disk():
                        self._load()
                        return self._tables()
                    self._recover(why)
                return self._data
            self._data = self._quarantined(data)
            if self._preview_of is not None:
                # The records have the last word: a preview that disagrees (a faulty writer,
                # a hand edit that fixed the checksum) is rebuilt; the next save writes it.
                self.preview = self._preview_of(self._data)
        return self._data

    def trusted_preview(self) -> Any:
        """The preview, only as it agrees with the records: once they are parsed it is built
        from them; before, the preview's own check (`agrees`, a search of the body) must pass,
        or the body is parsed now."""
        if self._unparsed is None or self.preview is None or self._preview_agrees:
            return self.preview
        agrees = getattr(self._preview_of, "agrees", None)
        if agrees is not None and agrees(self.preview, self._unparsed.body):
            self._preview_agrees = True
            return self.preview
        self._tables()
        return self.preview

    def _quarantined(self, data: Tables) -> Tables:
        """Set aside the documents the app cannot read (in memory; the next save writes it)."""
        moved = quarantine(data)
        if moved:
            self.notices.append(describe(self.path.name, moved))
        return data

    def _start_empty(self) -> None:
        self._data, self._unparsed, self.preview = {}, None, None
        self._ident = self._parent = None
        self._stamp = self._stat()  # a damaged file left in a read-only folder is not news

    def _recover(self, why: DamagedFile) -> None:
        """Move the damaged file aside and restore the backup (or start empty), saying so.
        In a read-only folder nothing is moved or written: the backup is only shown."""
        if self.read_only:
            kept = " The data folder is read-only, so nothing was moved or repaired."
        else:
            kept = f" It was moved to {self._move_aside(self.path).name}."
        self._restore(f"{self.path.name} was damaged ({why})", kept)

    def _restore(self, what: str, kept: str | None) -> None:
        """Replace a damaged or missing main file with the backup. `kept` says what became of
        the damaged file (None: it was missing). A damaged backup is moved aside too, so that
        the next save cannot overwrite it."""
        try:
            raw = self.backup_path.read_bytes()
        except OSError:
            raw = None
        empty = "nothing can be shown" if self.read_only else "starting empty"
        if raw is None:
            if kept is not None:
                self.notices.append(f"{what} and no backup was found; {empty}.{kept}")
            self._start_empty()
            return
        kept = kept or ""
        backup_generation = _identity_of(raw)
        try:
            raw = self._unseal(raw)
            checked = check(raw)
            tables = checked.tables()
        except DamagedFile as backup_why:
            if not self.read_only:
                moved = self._move_aside(self.backup_path).name
                kept += f" The backup was moved to {moved}; both are kept, never deleted."
            self.notices.append(
                f"{what}, and its backup {self.backup_path.name} is damaged too ({backup_why}); "
                f"{empty}.{kept}"
            )
            self._start_empty()
            return
        self._refuse_newer(checked.schema, self.backup_path, f"{what}.{kept}")
        restored = "shown" if self.read_only else "restored"
        self.notices.append(
            f"{what}.{kept} The last good copy was {restored} from {self.backup_path.name}."
        )
        # The restored file holds what the backup holds: it descends from it.
        self._install(checked.schema, tables, raw, self.backup_path, parent=backup_generation)

    def _refuse_newer(self, schema: int, source: Path, context: str = "") -> None:
        if schema > self.schema:
            raise StoreNewerError(
                (f"{context} " if context else "")
                + f"{source} was written by a newer csa-companion (data schema {schema}; this "
                f"version understands up to {self.schema}). Update csa-companion to open it; "
                f"{source.name} was not changed."
            )

    def _install(
        self,
        schema: int,
        data: Tables,
        original: bytes,
        source: Path,
        *,
        parent: str | None = None,
    ) -> None:
        """Adopt data read from the main file or the backup (`source`), migrating it if it is
        older. The migrated file replaces the main file without becoming the backup: the backup
        keeps the last good generation, and the original is kept beside it."""
        if schema < self.schema and self.read_only:
            data = self._migrate(schema, data)
            self.notices.append(
                f"{source.name} is in an older format (schema {schema}); it is shown converted, "
                "but the data folder is read-only, so the file was not changed."
            )
        elif schema < self.schema:
            keep = self._free_name(f"{self.path.name}.pre-migration-v{schema}", original)
            if not keep.exists():
                self._keep_original(source, keep, original)
            data = self._migrate(schema, data)
            self.notices.append(
                f"{source.name} was in an older format (schema {schema}) and was converted; "
                f"the original is kept as {keep.name}."
            )
        data = self._quarantined(data)
        if self.read_only:
            self._stamp = self._stat()
        else:
            self._write_file(data, keep_backup=False, parent=parent)
        self._data, self._unparsed = data, None

    def _keep_original(self, source: Path, keep: Path, original: bytes) -> None:
        """Keep `source` (whose bytes are `original`) as `keep`, all or nothing: a hard link,
        else a temp file renamed into place (a kill mid-copy leaves only a temp file). With
        encryption on, always the latter: the copy is written encrypted, whatever `source` was."""
        try:
            if self.cipher is not None:
                raise OSError("the copy is written encrypted")
            os.link(source, keep)
        except OSError:  # a file system without hard links
            self._write_atomic(keep, original)
        try:
            os.chmod(keep, 0o600)
        except OSError as error:
            raise self._write_error(error) from None

    def _free_name(self, name: str, same_as: bytes | None = None) -> Path:
        """`name` in the data folder, or `name-2`, `name-3`... if it is taken (by a file whose
        contents differ from `same_as`): nothing kept aside is ever overwritten."""
        candidate, n = self.path.with_name(name), 1
        while candidate.exists():
            if same_as is not None:
                with contextlib.suppress(OSError, DamagedFile, StoreError):
                    if self._unseal(candidate.read_bytes()) == same_as:
                        return candidate
            n += 1
            candidate = self.path.with_name(f"{name}-{n}")
        return candidate

    def _move_aside(self, damaged: Path) -> Path:
        """Rename a damaged file to `<name>.damaged-<time>` (private, never deleted)."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self._free_name(f"{damaged.name}.damaged-{stamp}")
        replace(damaged, aside)
        with contextlib.suppress(OSError):
            os.chmod(aside, 0o600)
        return aside

    def _write_file(
        self, data: Tables, *, keep_backup: bool = True, parent: str | None = None
    ) -> None:
        """Write `data` atomically. The current file becomes the backup if `keep_backup` and
        the backup may be rotated away (`_may_rotate`); a migration or a repair passes False
        (the backup keeps the generation before it) and the generation `data` comes from."""
        preview = self._preview_of(data) if self._preview_of else None
        rotate = keep_backup and self.path.exists() and self._may_rotate()
        if rotate:
            parent = self._ident
        ident = os.urandom(12).hex()

        def keep() -> None:
            if rotate:
                self._keep_backup()

        payload = encode(data, self.schema, preview, ident=ident, parent=parent)
        self._write_atomic(self.path, payload, before_replace=keep, ident=ident)
        self._ident, self._parent = ident, parent
        self._stamp = self._stat()
        self.preview = preview
        self.generation += 1

    def _may_rotate(self) -> bool:
        """Whether the current file may become the backup, replacing the one there: always
        when it was saved from that backup (whatever the user changed, removals included,
        was their doing), else only when it holds at least as many readable records."""
        try:
            with self.backup_path.open("rb") as file:
                first_line = file.read(4096).partition(b"\n")[0]
        except FileNotFoundError:
            return True
        except OSError:
            first_line = b""  # unreadable: counted (and moved aside) below
        backup = identity(first_line)
        if self._parent is not None and self._parent == backup:
            return True
        return readable_records(self._tables()) >= self._backup_records(backup)

    def _backup_records(self, generation: str) -> int:
        """How many readable records the backup holds (remembered per generation). A backup
        that cannot be read is moved aside first: it is no good generation, but never
        deleted."""
        if self._backup_counted is not None and self._backup_counted[0] == generation:
            return self._backup_counted[1]
        try:
            tables = check(self._unseal(self.backup_path.read_bytes())).tables()
        except (DamagedFile, StoreEncryptedError, OSError) as why:
            try:
                moved = self._move_aside(self.backup_path).name
            except OSError as error:
                raise self._write_error(error) from None
            self.notices.append(
                f"The backup {self.backup_path.name} could not be read ({why}); it was moved "
                f"to {moved}, and a new backup was made."
            )
            return 0
        quarantine(tables)
        self._backup_counted = (generation, readable_records(tables))
        return self._backup_counted[1]

    def _keep_backup(self) -> None:
        """Make the current file the backup generation (a hard link: no copy, no gap)."""
        staged = temp_path(self.backup_path)
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
        try:
            os.link(self.path, staged)
        except OSError:  # a file system without hard links
            import shutil

            shutil.copy2(self.path, staged)
        # The backup shares the current file's inode: a file the user copied in (0644) would
        # keep its backup readable by others, so both are made private.
        os.chmod(staged, 0o600)
        replace(staged, self.backup_path)

    def _unseal(self, raw: bytes) -> bytes:
        """The plaintext of a file's bytes (as they are when not encrypted). An encrypted file
        that does not open with our key is damaged; one we have no key for is an error."""
        if not is_sealed(raw):
            return raw
        # The data folder is where key.json is (a journal month's file is a folder deeper).
        folder = self.key_file.parent if self.key_file is not None else self.path.parent
        if self.cipher is None and self.key_file is not None and self.key_file.exists():
            # `encrypt` ran in a shell while this window was open: the key is there, this
            # window only started without it.
            raise StoreEncryptedError(
                f"Encryption was turned on in {folder} while this csa-companion was "
                "open, so it cannot read the encrypted files. Close it and start it again (it "
                "asks for the passphrase); nothing was lost."
            )
        if self.cipher is None:
            raise StoreEncryptedError(
                f"{self.path.name} is encrypted, but encryption is not on in {folder} "
                "(its key file key.json is missing). Put key.json back; nothing was changed."
            )
        try:
            return self.cipher.open(raw)
        except SealError as why:
            raise DamagedFile(f"it does not decrypt: {why}") from None

    def _write_atomic(
        self,
        target: Path,
        plain: bytes,
        *,
        before_replace: Callable[[], None] | None = None,
        ident: str | None = None,
    ) -> None:
        """Write `plain` to `target` at once (private_files.write_atomic), encrypted when a
        cipher is set: only ciphertext reaches the disk, its header naming the generation
        `ident`. Failures become a StoreWriteError."""
        extra = None if ident is None else {"id": ident}
        payload = plain if self.cipher is None else self.cipher.seal(plain, extra)
        try:
            write_atomic(
                target,
                payload,
                before_replace=before_replace,
                locked_names=self._locked_names,
            )
        except OSError as error:
            raise self._write_error(error) from None

    def _write_error(self, error: OSError) -> StoreWriteError:
        return StoreWriteError(
            f"Could not save to {self.path}: {error.strerror or error}. Nothing on disk was "
            "changed; free some space or fix the folder's permissions, then save again."
        )


def check_key_file(key_file: Path | None, cipher: Cipher | None, folder: Path) -> None:
    """Refuse to save when another process turned encryption on or off since this one
    started (`encrypt`, `decrypt`): an encrypted save after `decrypt` removed the key, or a
    plain one after `encrypt`, would be wrong either way."""
    if key_file is None or key_file.exists() == (cipher is not None):
        return
    turned = "on" if cipher is None else "off"
    raise StoreEncryptedError(
        f"Encryption was turned {turned} in {folder} while this csa-companion "
        "was open, so nothing was saved. Close it and start it again."
    )


def _identity_of(raw: bytes) -> str:
    """The generation held in a file's bytes (fileformat.identity of its first line)."""
    return identity(raw[:4096].partition(b"\n")[0])

"""Dated snapshots of the whole data folder in its `backups` folder, kept to the last N.

A snapshot is a small manifest (`backups/YYYY-MM-DD-HHMMSS-why.json`: a first line, then
compressed JSON) naming its parts in `backups/parts/`, one per store file and journal month,
in the order an export lists their records. A part is the store file itself, hard-linked: it
costs nothing while the store keeps that file, and every later snapshot names it again. Store
files are never written in place (a save writes a new file and renames it over the old one;
the store's `.bak` is a link too), so a linked part keeps the version it was taken of. Once
the store has moved on from it, the part holds that old version alone and is kept compressed
under its name (`_Linked.keep_old`), encrypted when encryption is on. So the snapshots cost
only the old versions of what changed, compressed: a day's new entry costs its month's
previous version. Where links cannot be made (FAT, exFAT) and for the journal kept before the
split, the records are kept in parts of at most CHUNK records of compact JSON, compressed,
named by every snapshot holding the same records (the manifest keeps the SHA-256 of each
one's JSON). Part names are random: a name tells nothing about what it holds (a name made
from the contents, even keyed, would show which parts are equal), and outlives encrypting or
decrypting the folder. Snapshots of the older kind (one whole export file, see records.py)
are listed, described and restored as before.

A snapshot is checked completely before it is restored (every part read, decrypted and
matched against its checksum, or a store file's own, then the records as an export's are),
and a damaged one is refused without changing anything. Restoring first keeps the current
state as a snapshot of its own; a restore deletes nothing, not even old snapshots. Pruning
keeps at least MIN_KEEP snapshots, and never deletes one taken before an import or a restore
(or the split) in the last PROTECTED_DAYS days: those are how an import or a restore is
undone. Then the parts no
snapshot names any longer are deleted (never while a snapshot cannot be read: it might name
any of them). Taking, pruning and reading parts hold the snapshots' lock
(`backups/snapshots.lock`), so that another process never deletes a part a new snapshot is
about to name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import orjson

from csa_companion.domain.wording import plural
from csa_companion.errors import CompanionError
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import Cipher, SealError, is_sealed, read_header
from csa_companion.storage.documents import quarantine
from csa_companion.storage.encryption import KEY_FILE, SNAPSHOT_LOCK, SNAPSHOT_LOCK_SECONDS
from csa_companion.storage.fileformat import DamagedFile, Tables, decode
from csa_companion.storage.journal_store import SPLIT_ASIDE, UNDATED, JournalStore, period_of
from csa_companion.storage.journal_store import TABLE as JOURNAL_TABLE
from csa_companion.storage.lock import FileLock, LockTimeout
from csa_companion.storage.migrations import SCHEMA_VERSION, migrate
from csa_companion.storage.private_files import fsync_dir, make_private_dirs, write_atomic
from csa_companion.storage.repos import SettingsRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer.records import (
    FORMAT,
    STORE_NAMES,
    VERSION,
    Contents,
    Progress,
    check_header,
    contents,
    count,
    envelope,
    export_contents,
    load_json,
    read_file,
    replace_tables,
)

KEEP_SETTING = "backup_keep"
DEFAULT_KEEP = 10
MIN_KEEP = 3
"""Fewer is refused wherever it comes from (`backup --keep`, an imported setting, a stored
value): an export carrying `backup_keep = 1` made the next `backup` delete every snapshot."""
PROTECTED_LABELS = ("before-import", "before-restore", "before-split")
PROTECTED_DAYS = 30
LAST_DAY_SETTING = "backup_last_day"
_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{6}(-[a-z0-9-]+)?\.json$")
_COPY = re.compile(r"-\d+$")  # the "-2" of a second snapshot taken in the same second

# Why a snapshot was taken: the label its name ends with.
BY_HAND = "by-hand"
DAILY = "daily"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
BEFORE_SPLIT = "before-split"
REASONS = {
    BY_HAND: "by hand",
    DAILY: "daily",
    BEFORE_IMPORT: "before an import",
    BEFORE_RESTORE: "before a restore",
    BEFORE_SPLIT: "before the split",  # of the journal into months (journal_store.py)
}
UNLABELED = "daily or by hand"
"""Snapshots taken before names said why."""
DATA_STORES = tuple(name for name in STORE_NAMES if name != "settings")
"""The stores that hold what the person wrote (settings alone is no data to keep)."""

MANIFEST = "csa-companion-snapshot"
MANIFEST_VERSION = 1
PARTS = "parts"
LOCK = SNAPSHOT_LOCK
LOCK_SECONDS = SNAPSHOT_LOCK_SECONDS
"""How long a snapshot waits for another process's (a large one takes a few seconds)."""
CHUNK_PART = "records"
FILE_PART = "file"
KEPT_MARK = b"csa-companion-part 1 "
"""A linked store file the live one has moved on from is kept compressed under its name: this
line (and the SHA-256 of its records' JSON), then that JSON, compressed."""
CHUNK = 64
"""Records a part holds at most (~120 KB of journal text): what a day's new entry costs a
snapshot; a smaller part makes every manifest longer (one line a part)."""
COMPRESSION = 6  # zlib's default: ~6x smaller journal text; only changed parts are compressed
_PART_NAME = re.compile(r"^[0-9a-f]{32}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MANIFEST_START = MANIFEST.encode() + b" 1\n"
"""A manifest file's first line; then its JSON, compressed (hex checksums and names: half)."""
MANIFEST_MAX = 4 << 20
"""A manifest is far smaller (~200 bytes a part: a store file or a journal month): a larger
file is an export-file snapshot, known as one without decrypting it to list it."""


class BackupError(CompanionError):
    """A snapshot cannot be taken or restored; nothing was changed."""


@dataclass(frozen=True)
class Snapshot:
    name: str
    path: Path
    size: int
    """Its bytes on disk: the file, and the parts a manifest names (shared with others)."""

    @property
    def label(self) -> str:
        """The label in its name ('daily', 'before-import', ...; '' for an older one)."""
        return _COPY.sub("", self.name.removesuffix(".json")[17:]).removeprefix("-")

    @property
    def reason(self) -> str:
        """Why it was taken, in words."""
        label = self.label
        return REASONS.get(label, label.replace("-", " ") if label else UNLABELED)

    @property
    def taken(self) -> datetime | None:
        """When it was taken (local time, from its name)."""
        try:
            return datetime.strptime(self.name[:17], "%Y-%m-%d-%H%M%S")
        except ValueError:
            return None


@dataclass(frozen=True)
class Part:
    """One store file's records (or one journal month's), as a manifest names them."""

    store: str
    period: str  # the journal's month (`YYYY-MM`, `undated`), '' for any other store
    file: str  # its name in the parts folder
    sha256: str  # of its records' JSON ('' for a store file: its own checksum covers it)
    tables: dict[str, int]  # how many records each table holds
    size: int  # of its file
    kind: str = CHUNK_PART  # CHUNK_PART, or FILE_PART: the store file itself, linked

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "period": self.period,
            "file": self.file,
            "sha256": self.sha256,
            "tables": self.tables,
            "size": self.size,
            "kind": self.kind,
        }

    @property
    def what(self) -> str:
        return f"{self.store} {self.period}".strip()


@dataclass(frozen=True)
class Holds:
    """What a snapshot holds, counted."""

    entries: int
    worksheets: int
    reflections: int

    @classmethod
    def counted(cls, number: Callable[[str, str], int]) -> Holds:
        """What `number(store, table)` counts."""
        return cls(
            number("journal", "journal"),
            number("worksheets", "worksheets"),
            number("reflections", "reflections"),
        )

    def words(self) -> str:
        return ", ".join(
            (
                plural(self.entries, "entry", "entries"),
                plural(self.worksheets, "worksheet"),
                plural(self.reflections, "reflection"),
            )
        )


@dataclass(frozen=True)
class _Read:
    """A snapshot file as read: the parts of a manifest (None for an export file), or why it
    cannot be read."""

    parts: tuple[Part, ...] | None = None
    head: dict[str, Any] | None = None
    problem: str | None = None


_seen: dict[tuple[Path, int, int, str | None], _Read] = {}
_holds_seen: dict[tuple[Path, int, int], Holds | None] = {}


def _stamp(path: Path) -> tuple[Path, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (path, st.st_size, st.st_mtime_ns)


def _read(stores: Stores, path: Path) -> _Read:
    """What the file at `path` is (read once per version of the file and key)."""
    stamp = _stamp(path)
    if stamp is None:
        return _Read(problem="it is missing")
    seen = (*stamp, stores.cipher.key_id if stores.cipher else None)
    if seen not in _seen:
        _seen[seen] = _classify(stores, path)
    return _seen[seen]


def _classify(stores: Stores, path: Path) -> _Read:
    try:
        with path.open("rb") as file:
            start = file.read(64)
            large = os.fstat(file.fileno()).st_size > MANIFEST_MAX
        if large or not (is_sealed(start) or start.startswith(_MANIFEST_START)):
            return _Read()  # an export file (or a damaged one: its restore says why)
        raw = _decrypted(stores, path.name, read_file(path))
        if not raw.startswith(_MANIFEST_START):
            return _Read()
        return _manifest(_manifest_json(raw, path.name), path.name)
    except (CompanionError, OSError) as why:
        return _Read(problem=str(why))


def _manifest(data: dict[str, Any], name: str) -> _Read:
    """A manifest's parts, checked for shape (BackupError if it is not a whole one)."""
    check_header(data, name, MANIFEST, MANIFEST_VERSION, "a csa-companion snapshot")
    listed = data.get("parts")

    def damaged(why: str) -> BackupError:
        return BackupError(f"the snapshot {name} is damaged ({why}); nothing was changed")

    if not isinstance(listed, list):
        raise damaged("it names no parts")
    parts = []
    for number, item in enumerate(listed, start=1):
        try:
            tables = item["tables"]
            part = Part(
                item["store"],
                item["period"],
                item["file"],
                item["sha256"],
                tables,
                item["size"],
                item.get("kind", CHUNK_PART),
            )
            good = (
                part.store in STORE_NAMES
                and isinstance(part.period, str)
                and _PART_NAME.match(part.file)
                and (
                    (part.kind == CHUNK_PART and _SHA256.match(part.sha256))
                    or (part.kind == FILE_PART and part.sha256 == "")
                )
                and isinstance(tables, dict)
                and all(isinstance(t, str) and type(n) is int for t, n in tables.items())
                and type(part.size) is int
            )
        except (KeyError, TypeError):
            good = False
        if not good:
            raise damaged(f"its part {number} is not valid")
        parts.append(part)
    head = {key: data.get(key) for key in ("schema", "count")}
    return _Read(parts=tuple(parts), head=head)


def _size(stores: Stores, path: Path, own: int) -> int:
    """The file's size and its parts' as they are now (an old version kept compressed is
    smaller than the store file it was)."""
    size = own
    for part in _unique(_read(stores, path).parts or ()):
        try:
            size += _part_path(stores, part).stat().st_size
        except OSError:
            size += part.size
    return size


def _unique(parts: tuple[Part, ...]) -> list[Part]:
    return list({part.file: part for part in parts}.values())


def holds(stores: Stores, snap: Snapshot) -> Holds | None:
    """What `snap` holds (journal entries, worksheets, reflections); None if it cannot be read
    (damaged, or encrypted with a key this folder does not have). A manifest says it; an
    export file is counted once per version of the file."""
    read = _read(stores, snap.path)
    if read.problem is not None:
        return None
    if read.parts is not None:
        return Holds.counted(
            lambda store, table: sum(
                p.tables.get(table, 0) for p in read.parts or () if p.store == store
            )
        )
    seen = _stamp(snap.path)
    if seen is None:
        return None
    if seen not in _holds_seen:
        _holds_seen[seen] = _count(stores, snap)
    return _holds_seen[seen]


def _count(stores: Stores, snap: Snapshot) -> Holds | None:
    try:
        data = orjson.loads(read_snapshot(stores, snap))
        found = data["stores"]

        def number(store: str, table: str) -> int:
            docs = found.get(store, {}).get(table, [])
            return len(docs) if isinstance(docs, list) else 0

        return Holds.counted(number)
    except (CompanionError, orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None


def describe(stores: Stores, snap: Snapshot) -> str:
    """'daily · 40 entries, 3 worksheets, 1 reflection' (or why its contents are unknown)."""
    found = holds(stores, snap)
    return f"{snap.reason} · {found.words() if found else 'cannot be read'}"


def folder(stores: Stores) -> Path:
    return stores.paths.backups


def parts_folder(stores: Stores) -> Path:
    return folder(stores) / PARTS


def keep_count(stores: Stores) -> int:
    """How many snapshots are kept (the setting, default 10; a stored value below MIN_KEEP
    is not one this app writes, so the default holds)."""
    value = SettingsRepo(stores["settings"]).get(KEEP_SETTING, DEFAULT_KEEP)
    return value if keep_problem(value) is None else DEFAULT_KEEP


def keep_problem(value: object) -> str | None:
    """Why `value` cannot be the number of snapshots kept, or None."""
    if type(value) is not int or value < MIN_KEEP:
        return f"the number of snapshots kept must be a whole number, at least {MIN_KEEP}"
    return None


def protected(snap: Snapshot, now: datetime) -> bool:
    """A snapshot taken before an import or a restore, less than PROTECTED_DAYS old."""
    if not any(f"-{label}" in snap.name for label in PROTECTED_LABELS):
        return False
    try:
        taken = datetime.strptime(snap.name[:17], "%Y-%m-%d-%H%M%S")
    except ValueError:
        return True  # a name the pattern let through but no date: keep it
    # Names carry the local wall-clock time the snapshot was taken at (see `take`).
    return now.replace(tzinfo=None) - taken < timedelta(days=PROTECTED_DAYS)


def snapshots(stores: Stores) -> list[Snapshot]:
    """The snapshots, oldest first (their names start with the time they were taken)."""
    try:
        paths = [p for p in folder(stores).iterdir() if _NAME.match(p.name)]
    except OSError:
        return []
    found = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        # Two taken in the same second share the time in their names: the file's time
        # orders them.
        snap = Snapshot(path.name, path, _size(stores, path, st.st_size))
        found.append((path.name[:17], st.st_mtime_ns, snap))
    return [snap for *_, snap in sorted(found, key=lambda row: row[:2])]


@contextlib.contextmanager
def _locked(stores: Stores) -> Iterator[None]:
    """Hold the snapshots' lock (see the module's docstring)."""
    lock = FileLock(str(folder(stores) / LOCK), timeout=LOCK_SECONDS)
    try:
        make_private_dirs(folder(stores))
        lock.acquire()
    except LockTimeout:
        raise BackupError(
            f"another csa-companion has been taking a snapshot for more than "
            f"{LOCK_SECONDS:g} s; try again when it is done; nothing was changed"
        ) from None
    except OSError as error:
        raise BackupError(
            f"cannot lock the snapshots' folder {folder(stores)}: {error.strerror or error}; "
            "nothing was changed"
        ) from None
    try:
        yield
    finally:
        lock.release()


Piece = tuple[str, str, Callable[[], dict[str, list[Any]]], Path | None]
_T = TypeVar("_T")


def _pieces(stores: Stores, journal: Tables | None = None) -> list[Piece]:
    """(store, journal month or '', reader of its non-empty tables, its store file) for every
    part, in the order an export lists their records; `journal`: the journal's tables to take
    in place of the stored ones, in months as the journal keeps them (no file)."""

    def reader(store: Callable[[], Any]) -> Callable[[], dict[str, list[Any]]]:
        """Its tables, the store opened only if they are asked for (a month not linked)."""
        return lambda: {
            t: list(docs.values()) for t, docs in store().storage.read().items() if docs
        }

    found: list[Piece] = []
    for name in STORE_NAMES:
        store = stores[name]
        if journal is not None and isinstance(store, JournalStore):
            months: dict[str, dict[str, list[Any]]] = {}
            for table, docs in journal.items():
                for doc in docs.values():
                    home = period_of(doc) if table == JOURNAL_TABLE else UNDATED
                    months.setdefault(home, {}).setdefault(table, []).append(doc)
            found += [(name, month, _given(months[month]), None) for month in sorted(months)]
        elif isinstance(store, JournalStore):
            found += [
                (name, month, reader(partial(store.month, month)), path)
                for month, path in store.month_files()
            ]
        else:
            found.append((name, "", reader(_given(store)), store.path))
    return found


def _given(value: _T) -> Callable[[], _T]:
    return lambda: value


def _chunks(tables: dict[str, list[Any]]) -> list[dict[str, list[Any]]]:
    """A store file's (or month's) tables in parts of CHUNK records at most, in their order:
    an entry added at the end, or one edited, changes one part of its month, not all."""
    return [
        {table: docs[start : start + CHUNK]}
        for table, docs in tables.items()
        for start in range(0, len(docs), CHUNK)
    ]


def take(
    stores: Stores,
    now: datetime,
    *,
    label: str = BY_HAND,
    prune: bool = True,
    progress: Progress | None = None,
    journal: Tables | None = None,
) -> Snapshot:
    """Write a snapshot of every store (a manifest, and the parts no snapshot holds yet),
    then (if `prune`) delete the oldest beyond the kept number and the parts left unnamed.
    `label` says why, at the end of its name (one of REASONS); `journal`, the journal's
    tables to keep in place of the stored ones (see `keep_pre_split`)."""
    with _locked(stores):
        if stores.cipher is None and (stores.paths.root / KEY_FILE).exists():
            raise BackupError(
                "encryption was turned on in this data folder while this csa-companion was "
                "open, so its snapshot would not be encrypted: close it and start it again; "
                "nothing was changed"
            )
        known = _known_parts(stores)
        linked = _Linked(stores)
        pieces = _pieces(stores, journal)
        parts: list[Part] = []
        for done, (store, period, read, path) in enumerate(pieces, start=1):
            found = None if path is None else linked.part(store, period, path)
            if found is None:
                found = [_keep_part(stores, store, period, t, known) for t in _chunks(read())]
            parts += found
            if progress:
                progress(done, len(pieces) + 1)
        fsync_dir(parts_folder(stores))
        head = envelope(
            MANIFEST,
            MANIFEST_VERSION,
            now,
            schema=SCHEMA_VERSION,
            count=sum(sum(part.tables.values()) for part in parts),
            parts=[part.to_json() for part in parts],
        )
        payload = manifest_file(head)
        if stores.cipher is not None:  # encrypted like the stores it copies (storage/crypto.py)
            payload = stores.cipher.seal(payload)
        base = f"{now:%Y-%m-%d-%H%M%S}" + (f"-{label}" if label else "")
        target, n = folder(stores) / f"{base}.json", 1
        while target.exists():
            n += 1
            target = folder(stores) / f"{base}-{n}.json"
        _write(target, payload)
        if prune:
            for old in snapshots(stores)[: -keep_count(stores)]:
                if old.path != target and not protected(old, now):
                    old.path.unlink(missing_ok=True)
        linked.keep_old(parts)
        _collect_garbage(stores)
        if progress:
            progress(len(pieces) + 1, len(pieces) + 1)
    return Snapshot(target.name, target, len(payload) + sum(p.size for p in _unique(tuple(parts))))


def _write(target: Path, payload: bytes) -> None:
    try:
        write_atomic(target, payload)
    except OSError as error:
        raise BackupError(
            f"cannot write the snapshot {target}: {error.strerror or error}"
        ) from None


def _known_parts(stores: Stores) -> dict[str, Part]:
    """The parts the snapshots name, by the checksum of what they hold (a linked store file
    by its name)."""
    known: dict[str, Part] = {}
    for snap in snapshots(stores):
        for part in _read(stores, snap.path).parts or ():
            known.setdefault(part.sha256 or part.file, part)
    return known


_link = os.link  # a test stands in a file system without links (FAT) here


class _Linked:
    """Store files kept as parts by a hard link (no copy): a snapshot of a store file the
    last snapshot linked, unchanged since, costs nothing; once the store moves on (a save
    writes a new file and renames it in place: files are never written in place), the part
    holds the old version alone and is kept compressed under its name (`keep_old`). Where
    links cannot be made (FAT), the records are kept in parts of their own."""

    def __init__(self, stores: Stores) -> None:
        self.stores = stores
        self.folder = parts_folder(stores)
        self.live: set[tuple[int, int]] = set()
        self.named: dict[tuple[int, int], Part] = {}
        for part in _known_parts(stores).values():
            if part.kind == FILE_PART:
                with contextlib.suppress(OSError):
                    st = (self.folder / part.file).stat()
                    self.named[st.st_dev, st.st_ino] = part

    def part(self, store: str, period: str, path: Path) -> list[Part] | None:
        """The part that is `path` (none for a store file holding nothing); None if it
        cannot be linked (the caller keeps its records)."""
        try:
            st = path.stat()
        except OSError:
            return None
        same = self.named.get((st.st_dev, st.st_ino))
        if same is not None:
            self.live.add((st.st_dev, st.st_ino))
            return [Part(store, period, same.file, "", same.tables, same.size, FILE_PART)]
        staged = self.folder / secrets.token_hex(16)
        try:
            make_private_dirs(self.folder)
            _link(path, staged)
            tables = _file_tables(self.stores, staged)  # as linked: no writer changes it
            st = staged.stat()
        except (CompanionError, DamagedFile, OSError, orjson.JSONDecodeError):
            with contextlib.suppress(OSError):
                staged.unlink()
            return None
        counts = {table: len(docs) for table, docs in tables.items() if docs}
        if not counts:
            staged.unlink()
            return []
        part = Part(store, period, staged.name, "", counts, st.st_size, FILE_PART)
        self.live.add((st.st_dev, st.st_ino))
        self.named[st.st_dev, st.st_ino] = part
        return [part]

    def keep_old(self, taken: list[Part]) -> None:
        """Keep compressed each linked store file the store has moved on from (named by any
        snapshot, this one's included)."""
        parts = {p.file: p for p in [*_known_parts(self.stores).values(), *taken]}
        for part in parts.values():
            if part.kind != FILE_PART:
                continue
            path = self.folder / part.file
            try:
                st = path.stat()
                if (st.st_dev, st.st_ino) in self.live:
                    continue
                raw = path.read_bytes()
                if _is_kept(self.stores, raw):
                    continue
                tables = _file_tables(self.stores, path)
            except (CompanionError, DamagedFile, OSError, orjson.JSONDecodeError):
                continue  # left as it is: a restore says what is wrong with it
            body = orjson.dumps({t: docs for t, docs in tables.items() if docs})
            payload = (
                KEPT_MARK
                + hashlib.sha256(body).hexdigest().encode()
                + b"\n"
                + zlib.compress(body, COMPRESSION)
            )
            if self.stores.cipher is not None:
                payload = self.stores.cipher.seal(payload, {"part": 1})
            with contextlib.suppress(BackupError):
                _write(path, payload)


def _is_kept(stores: Stores, raw: bytes) -> bool:
    """Whether a linked part's file is already kept compressed."""
    if raw.startswith(KEPT_MARK):
        return True
    if not is_sealed(raw):
        return False
    header, _, _ = read_header(raw)
    return bool(header.get("part")) or _decrypted(stores, "a part", raw).startswith(KEPT_MARK)


def _keep_part(
    stores: Stores, store: str, period: str, tables: dict[str, list[Any]], known: dict[str, Part]
) -> Part:
    """The part holding `tables`: one a snapshot names already, if its file is whole (a
    damaged one is written again, whole, under its name: every snapshot naming it is mended),
    else a new one."""
    raw = orjson.dumps(tables)
    sha = hashlib.sha256(raw).hexdigest()
    counts = {table: len(docs) for table, docs in tables.items()}
    same = known.get(sha)
    if same is not None:
        try:
            size = _part_path(stores, same).stat().st_size
            _part_bytes(stores, same, "")
        except (BackupError, OSError):
            pass
        else:
            return Part(store, period, same.file, sha, counts, size)
    name = same.file if same is not None else secrets.token_hex(16)
    payload = zlib.compress(raw, COMPRESSION)
    if stores.cipher is not None:
        payload = stores.cipher.seal(payload)
    part = Part(store, period, name, sha, counts, len(payload))
    _write(_part_path(stores, part), payload)
    known[sha] = part
    return part


def _part_path(stores: Stores, part: Part) -> Path:
    return parts_folder(stores) / part.file


def _part_tables(stores: Stores, part: Part, snapshot: str) -> dict[str, list[Any]]:
    """A part's tables (see `_part_bytes`; a linked store file is checked as the store checks
    it, or, kept compressed, against the checksum it carries)."""
    if part.kind == FILE_PART:
        return _linked_tables(stores, part, snapshot)
    tables = orjson.loads(_part_bytes(stores, part, snapshot))
    if not isinstance(tables, dict) or not all(isinstance(d, list) for d in tables.values()):
        raise BackupError(
            f"the snapshot {snapshot}'s part for {part.what} is not a set of tables; nothing "
            "was changed"
        )
    return tables


def _part_bytes(stores: Stores, part: Part, snapshot: str) -> bytes:
    """A part's JSON, read, decrypted and matched against its checksum; BackupError if it is
    missing or damaged."""
    where = f"the snapshot {snapshot}'s part for {part.what}" if snapshot else part.file

    def damaged(why: str) -> BackupError:
        return BackupError(f"{where} {why}; nothing was changed")

    path = _part_path(stores, part)
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        raise damaged(f"is missing ({path.name} is not in {path.parent})") from None
    except OSError as error:
        raise damaged(f"cannot be read ({error.strerror or error})") from None
    try:
        raw = zlib.decompress(_decrypted(stores, where, sealed))
    except zlib.error:
        raise damaged("is damaged (it does not decompress)") from None
    if hashlib.sha256(raw).hexdigest() != part.sha256:
        raise damaged("is damaged (it does not match its checksum)")
    return raw


def _linked_tables(stores: Stores, part: Part, snapshot: str) -> dict[str, list[Any]]:
    where = f"the snapshot {snapshot}'s part for {part.what}"
    path = _part_path(stores, part)
    try:
        raw = _decrypted(stores, where, path.read_bytes())
        if not raw.startswith(KEPT_MARK):
            tables = decode_file(stores, raw)
            return {t: list(docs.values()) for t, docs in tables.items() if docs}
        line, _, packed = raw.partition(b"\n")
        body = zlib.decompress(packed)
        if hashlib.sha256(body).hexdigest().encode() != line[len(KEPT_MARK) :]:
            raise DamagedFile("it does not match its checksum")
        found = orjson.loads(body)
    except FileNotFoundError:
        raise BackupError(f"{where} is missing ({path.name}); nothing was changed") from None
    except OSError as error:
        raise BackupError(
            f"{where} cannot be read ({error.strerror}); nothing was changed"
        ) from None
    except (DamagedFile, zlib.error, orjson.JSONDecodeError) as why:
        raise BackupError(f"{where} is damaged ({why}); nothing was changed") from None
    if not isinstance(found, dict) or not all(isinstance(d, list) for d in found.values()):
        raise BackupError(f"{where} is not a set of tables; nothing was changed")
    return found


def _collect_garbage(stores: Stores) -> None:
    """Delete the parts no snapshot names (none while any snapshot cannot be read)."""
    named: set[str] = set()
    for snap in snapshots(stores):
        read = _read(stores, snap.path)
        if read.problem is not None:
            return
        named.update(part.file for part in read.parts or ())
    try:
        files = list(os.scandir(parts_folder(stores)))
    except OSError:
        return
    for entry in files:
        if _PART_NAME.match(entry.name) and entry.name not in named:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def find(stores: Stores, name: str) -> Snapshot:
    """The snapshot with this name (the '.json' may be left out)."""
    for snap in snapshots(stores):
        if name in (snap.name, snap.name.removesuffix(".json")):
            return snap
    raise BackupError(f"no snapshot is named {name!r}; `csa-companion backup list` shows them")


def read_snapshot(stores: Stores, snap: Snapshot) -> bytes:
    """A snapshot file's JSON (a manifest's, or an export's), decrypted if it is encrypted."""
    raw = _decrypted(stores, f"the snapshot {snap.name}", read_file(snap.path))
    if not raw.startswith(_MANIFEST_START):
        return raw
    return orjson.dumps(_manifest_json(raw, snap.name))


def manifest_file(data: dict[str, Any]) -> bytes:
    """A manifest's bytes (before any encryption)."""
    return _MANIFEST_START + zlib.compress(orjson.dumps(data), COMPRESSION)


def _manifest_json(raw: bytes, name: str) -> Any:
    try:
        return load_json(zlib.decompress(raw[len(_MANIFEST_START) :]), name)
    except zlib.error:
        raise BackupError(
            f"the snapshot {name} is damaged (it does not decompress); nothing was changed"
        ) from None


def _decrypted(stores: Stores, what: str, raw: bytes) -> bytes:
    if not is_sealed(raw):
        return raw
    if stores.cipher is None:
        raise BackupError(
            f"{what} is encrypted, but encryption is not on in this data "
            "folder (key.json is missing); nothing was changed"
        )
    try:
        return stores.cipher.open(raw)
    except SealError as why:
        raise BackupError(f"{what} does not decrypt: {why}; nothing was changed") from None


def snapshot_contents(stores: Stores, snap: Snapshot) -> Contents:
    """Everything a snapshot holds, checked completely (every part, then the whole as an
    export is checked); BackupError or TransferError if anything is missing or damaged."""
    data = load_json(read_snapshot(stores, snap), snap.name)
    if not (isinstance(data, dict) and data.get("format") == MANIFEST):
        return export_contents(data, snap.name)
    read = _manifest(data, snap.name)
    found: Contents = {}
    with _locked(stores):  # no part is deleted meanwhile
        for part in read.parts or ():
            for table, docs in _part_tables(stores, part, snap.name).items():
                found.setdefault(part.store, {}).setdefault(table, []).extend(docs)
    data = {**(read.head or {}), "format": FORMAT, "version": VERSION, "stores": found}
    # every part matched its own checksum; then the whole is checked as an export's records
    return export_contents(data, snap.name, whole_checksum=False)


def restore(stores: Stores, name: str, now: datetime) -> tuple[Snapshot, Snapshot]:
    """Replace the data with a snapshot's, after keeping the current state as a snapshot.
    Returns (restored, kept)."""
    snap = find(stores, name)
    found = snapshot_contents(stores, snap)  # refused before any change
    kept = take(stores, now, label=BEFORE_RESTORE, prune=False)
    replace_all(stores, found)
    return snap, kept


def replace_all(stores: Stores, found: Contents) -> None:
    """Make every store hold exactly what `found` holds (one atomic write per store)."""
    for name in STORE_NAMES:
        tables = found.get(name, {})
        data = {t: {str(i): doc for i, doc in enumerate(docs, 1)} for t, docs in tables.items()}
        store = stores[name]
        if store.storage.read() == data:
            continue
        with store.transaction():
            replace_tables(store, data)


def daily(stores: Stores, now: datetime) -> Snapshot | None:
    """A snapshot on the first start of each day (one settings read otherwise); none while
    nothing but settings is stored (a new data folder: the next start takes it). The copy of
    an older version's journal.json kept at the split becomes a snapshot first."""
    keep_pre_split(stores, now)
    settings = SettingsRepo(stores["settings"])
    today = now.date().isoformat()
    if settings.get(LAST_DAY_SETTING) == today:
        return None
    if not count(contents(stores, DATA_STORES)):
        return None
    snap = take(stores, now, label=DAILY)
    settings.set(LAST_DAY_SETTING, today)
    return snap


def pre_split_files(stores: Stores) -> list[Path]:
    """The copies of an older version's journal.json kept as the journal was split into
    months (journal_store.py), each backup generation before the file it preceded."""
    found = stores.paths.root.glob(SPLIT_ASIDE + "*")
    return sorted((p for p in found if p.is_file()), key=lambda p: (".bak" not in p.name, p.name))


def keep_pre_split(stores: Stores, now: datetime) -> list[Snapshot]:
    """Make each copy of journal.json kept at the split a snapshot ('before-split', protected
    as those before an import are), holding that journal and the other stores as they are
    now; once the snapshot is written and read back whole, the copy is deleted. A copy that
    cannot be read (damaged, of a newer version, encrypted without the key) is left as it is.
    Its months are parts of their own only where they differ from the journal's since."""
    taken = []
    for path in pre_split_files(stores):
        try:
            journal = _journal_file(stores, path)
            snap = take(stores, now, label=BEFORE_SPLIT, prune=False, journal=journal)
            found = snapshot_contents(stores, snap).get("journal", {})
        except (CompanionError, DamagedFile, OSError, orjson.JSONDecodeError):
            continue
        if _records(found) != _records({t: list(d.values()) for t, d in journal.items()}):
            continue  # not what was read: keep the copy
        with contextlib.suppress(OSError):
            path.unlink()
        taken.append(snap)
    return taken


def _records(tables: dict[str, list[Any]]) -> dict[str, list[bytes]]:
    """Each table's records in an order-free form (the parts hold them month by month)."""
    return {
        table: sorted(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS) for doc in docs)
        for table, docs in tables.items()
        if docs
    }


def _journal_file(stores: Stores, path: Path) -> Tables:
    """A journal store file's tables (see `decode_file`)."""
    return decode_file(stores, _decrypted(stores, path.name, path.read_bytes()))


def _file_tables(stores: Stores, path: Path) -> dict[str, list[Any]]:
    tables = _journal_file(stores, path)
    return {t: list(docs.values()) for t, docs in tables.items()}


def decode_file(stores: Stores, raw: bytes) -> Tables:
    """A store file's tables, as the store reads them: checked, of this schema, unreadable
    records set aside (DamagedFile if it is not a whole one)."""
    schema, tables = decode(raw)
    if schema > SCHEMA_VERSION:
        raise DamagedFile("it is of a newer version")
    tables = migrate(schema, tables)
    quarantine(tables)
    return tables


def last_taken(stores: Stores) -> date | None:
    """The day of the newest snapshot, if any."""
    found = snapshots(stores)
    if not found:
        return None
    try:
        return date.fromisoformat(found[-1].name[:10])
    except ValueError:
        return None


def daily_in_background(
    paths: DataPaths,
    now: datetime,
    report: Callable[[str], object],
    cipher: Cipher | None = None,
) -> threading.Thread | None:
    """Take the day's snapshot in a thread, on a Stores of its own (stores are shared safely
    by processes and Stores objects, not threads); `report` gets any notice or failure. A
    read-only data folder is left alone."""
    if not os.access(paths.root, os.W_OK):
        return None

    def work() -> None:
        stores = Stores(paths, cipher=cipher)
        try:
            daily(stores, now)
        except (CompanionError, OSError) as error:
            report(f"Today's snapshot of your data was not taken: {error}")
        for notice in stores.take_notices():
            report(notice)

    thread = threading.Thread(target=work, name="csa-companion-daily-snapshot", daemon=True)
    thread.start()
    return thread

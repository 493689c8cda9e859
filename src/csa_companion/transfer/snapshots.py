"""Dated snapshots of the whole data folder in its `backups` folder, kept to the last N.

A snapshot is an export file (see transfer.py), so it is checked completely before it is
restored, and a damaged one is refused without changing anything. Restoring first keeps the
current state as a snapshot of its own; a restore deletes nothing, not even old snapshots.
Pruning keeps at least MIN_KEEP snapshots, and never deletes one taken before an import or a
restore in the last PROTECTED_DAYS days: those are how an import or a restore is undone.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

from csa_companion.domain.wording import plural
from csa_companion.errors import CompanionError
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import Cipher, SealError, is_sealed
from csa_companion.storage.private_files import write_atomic
from csa_companion.storage.repos import SettingsRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer.records import (
    STORE_NAMES,
    Contents,
    Progress,
    contents,
    count,
    export_bytes,
    parse_export,
    read_file,
    replace_tables,
)

KEEP_SETTING = "backup_keep"
DEFAULT_KEEP = 10
MIN_KEEP = 3
"""Fewer is refused wherever it comes from (`backup --keep`, an imported setting, a stored
value): an export carrying `backup_keep = 1` made the next `backup` delete every snapshot."""
PROTECTED_LABELS = ("before-import", "before-restore")
PROTECTED_DAYS = 30
LAST_DAY_SETTING = "backup_last_day"
_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{6}(-[a-z0-9-]+)?\.json$")
_COPY = re.compile(r"-\d+$")  # the "-2" of a second snapshot taken in the same second

# Why a snapshot was taken: the label its name ends with.
BY_HAND = "by-hand"
DAILY = "daily"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
REASONS = {
    BY_HAND: "by hand",
    DAILY: "daily",
    BEFORE_IMPORT: "before an import",
    BEFORE_RESTORE: "before a restore",
}
UNLABELED = "daily or by hand"
"""Snapshots taken before names said why."""
DATA_STORES = tuple(name for name in STORE_NAMES if name != "settings")
"""The stores that hold what the person wrote (settings alone is no data to keep)."""


class BackupError(CompanionError):
    """A snapshot cannot be taken or restored; nothing was changed."""


@dataclass(frozen=True)
class Snapshot:
    name: str
    path: Path
    size: int

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
class Holds:
    """What a snapshot holds, counted."""

    entries: int
    worksheets: int
    reflections: int

    def words(self) -> str:
        return ", ".join(
            (
                plural(self.entries, "entry", "entries"),
                plural(self.worksheets, "worksheet"),
                plural(self.reflections, "reflection"),
            )
        )


_holds_seen: dict[tuple[Path, int, int], Holds | None] = {}


def holds(stores: Stores, snap: Snapshot) -> Holds | None:
    """What `snap` holds (journal entries, worksheets, reflections); None if it cannot be read
    (damaged, or encrypted with a key this folder does not have). Counted once per version of
    the file."""
    try:
        st = snap.path.stat()
    except OSError:
        return None
    seen = (snap.path, st.st_size, st.st_mtime_ns)
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

        return Holds(
            number("journal", "journal"),
            number("worksheets", "worksheets"),
            number("reflections", "reflections"),
        )
    except (CompanionError, orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None


def describe(stores: Stores, snap: Snapshot) -> str:
    """'daily · 40 entries, 3 worksheets, 1 reflection' (or why its contents are unknown)."""
    found = holds(stores, snap)
    return f"{snap.reason} · {found.words() if found else 'cannot be read'}"


def folder(stores: Stores) -> Path:
    return stores.paths.backups


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
        found.append((path.name[:17], st.st_mtime_ns, Snapshot(path.name, path, st.st_size)))
    return [snap for *_, snap in sorted(found, key=lambda row: row[:2])]


def take(
    stores: Stores,
    now: datetime,
    *,
    label: str = BY_HAND,
    prune: bool = True,
    progress: Progress | None = None,
) -> Snapshot:
    """Write a snapshot of every store, then (if `prune`) delete the oldest beyond the kept
    number. `label` says why, at the end of its name (one of REASONS)."""
    payload = export_bytes(stores, now, progress)
    if stores.cipher is not None:  # encrypted like the stores it copies (storage/crypto.py)
        payload = stores.cipher.seal(payload)
    base = f"{now:%Y-%m-%d-%H%M%S}" + (f"-{label}" if label else "")
    target, n = folder(stores) / f"{base}.json", 1
    while target.exists():
        n += 1
        target = folder(stores) / f"{base}-{n}.json"
    try:
        write_atomic(target, payload)
    except OSError as error:
        raise BackupError(
            f"cannot write the snapshot {target}: {error.strerror or error}"
        ) from None
    if prune:
        for old in snapshots(stores)[: -keep_count(stores)]:
            if old.path != target and not protected(old, now):
                old.path.unlink(missing_ok=True)
    return Snapshot(target.name, target, len(payload))


def find(stores: Stores, name: str) -> Snapshot:
    """The snapshot with this name (the '.json' may be left out)."""
    for snap in snapshots(stores):
        if name in (snap.name, snap.name.removesuffix(".json")):
            return snap
    raise BackupError(f"no snapshot is named {name!r}; `csa-companion backup list` shows them")


def read_snapshot(stores: Stores, snap: Snapshot) -> bytes:
    """A snapshot's export bytes, decrypted if it is encrypted."""
    raw = read_file(snap.path)
    if not is_sealed(raw):
        return raw
    if stores.cipher is None:
        raise BackupError(
            f"the snapshot {snap.name} is encrypted, but encryption is not on in this data "
            "folder (key.json is missing); nothing was changed"
        )
    try:
        return stores.cipher.open(raw)
    except SealError as why:
        raise BackupError(f"the snapshot {snap.name} does not decrypt: {why}") from None


def restore(stores: Stores, name: str, now: datetime) -> tuple[Snapshot, Snapshot]:
    """Replace the data with a snapshot's, after keeping the current state as a snapshot.
    Returns (restored, kept)."""
    snap = find(stores, name)
    found = parse_export(read_snapshot(stores, snap), snap.name)  # refused before any change
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
    nothing but settings is stored (a new data folder: the next start takes it)."""
    settings = SettingsRepo(stores["settings"])
    today = now.date().isoformat()
    if settings.get(LAST_DAY_SETTING) == today:
        return None
    if not count(contents(stores, DATA_STORES)):
        return None
    snap = take(stores, now, label=DAILY)
    settings.set(LAST_DAY_SETTING, today)
    return snap


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

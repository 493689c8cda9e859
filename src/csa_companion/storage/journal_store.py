"""The journal as one store file per month: `journal/YYYY-MM.json` in the data folder.

Each month is an ordinary store file (safe_storage.py: atomic writes, fsync, its `.bak`
generation, recovery, quarantine, encryption), so adding or saving one entry rewrites that
month only, and its backup is that month only. An entry lives in the month of its `created`
time as written (`period_of`); a document whose time cannot be read, and the documents set
aside as unreadable, live in `journal/undated.json`.

The newest entries come from the header previews of the newest months (Home, `journal list
--limit N`), without reading the older months; the look back reads only the months it
shows. Everything that reads or writes the journal as a whole (export, import, snapshots, a
TinyDB table) sees one set of tables through `JournalStore.storage`; a write of that whole set
rewrites only the months whose documents changed, those that gain documents first, so that
a write cut short leaves a record twice rather than nowhere.

Every write holds the journal's lock (`journal/journal.lock`) and then the month's own, so
that a write of the whole journal never works from a stale month.

A data folder of an older version (one `journal.json`) is split at the first start, under
the old file's lock and the journal's: each month is written (merged with what a month
already holds, so that a split cut short, or an old journal.json copied in later, adds
without replacing), and only then is the old file set aside as `journal.json.pre-split`
(its backup as `journal.json.pre-split.bak`), never deleted here: the day's snapshot (or
`backup`) takes each in as a snapshot of its own and deletes it once that snapshot reads
back whole (transfer/snapshots.py, `keep_pre_split`). In a read-only folder the old file is
read as it is.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from heapq import nlargest
from pathlib import Path
from typing import Any

import orjson

from csa_companion.storage.crypto import Cipher
from csa_companion.storage.encryption import JOURNAL_FOLDER
from csa_companion.storage.fileformat import Tables
from csa_companion.storage.journal_words import WORDS, month_key, read_kept
from csa_companion.storage.journal_words import keep as keep_kept
from csa_companion.storage.lock import FileLock, LockTimeout
from csa_companion.storage.private_files import fsync_dir, sweep_temp_files
from csa_companion.storage.safe_storage import (
    SafeJSONStorage,
    StoreError,
    StoreLockedError,
    StoreReadOnlyError,
    check_key_file,
)
from csa_companion.storage.store_file import Newest, Store, _CompanionDB

FOLDER = JOURNAL_FOLDER
LEGACY = "journal.json"
SPLIT_ASIDE = "journal.json.pre-split"
UNDATED = "undated"
TABLE = "journal"
PREVIEW = Newest(TABLE, "created", 10)
_PERIOD_FILE = re.compile(r"^(\d{4}-\d{2}|undated)\.json(?:\.bak)?$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")

Document = dict[str, Any]


def period_of(doc: Any) -> str:
    """The month a journal document is kept in (`YYYY-MM` of its `created` time as written),
    or UNDATED."""
    created = doc.get("created") if isinstance(doc, dict) else None
    if isinstance(created, str):
        try:
            when = datetime.fromisoformat(created)
        except ValueError:
            return UNDATED
        return month_kept_in(when)
    return UNDATED


def month_kept_in(when: datetime) -> str:
    """The month file (`YYYY-MM`) that holds an entry written at `when`, as written."""
    return f"{when.year:04d}-{when.month:02d}"


def _moment(doc: Document) -> float:
    return PREVIEW._when(doc)


class _JournalStorage(SafeJSONStorage):
    """The whole journal as one set of tables (what TinyDB, export, import and snapshots
    use): read joins the months, write puts each document in its month."""

    def __init__(self, journal: JournalStore) -> None:  # no file of its own
        self.journal = journal
        self.path = journal.folder
        self.notices = []
        self.generation = 0
        self.preview = None
        self._read_only = False

    @property
    def read_only(self) -> bool:
        return self._read_only or any(s.storage.read_only for s in self.journal._periods.values())

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self._read_only = value

    def read(self) -> Tables:
        return self.journal._joined()

    def write(self, data: Tables) -> None:
        if not self.journal._in_transaction:
            raise RuntimeError("the journal's write() must run inside transaction()")
        self.journal._write_joined(data)

    def writable(self) -> bool:
        self._read_only = not os.access(self.journal.root, os.W_OK)
        return not self._read_only

    def refresh(self) -> bool:
        return self.journal.refresh()

    def changed_on_disk(self) -> bool:
        return any(s.storage.changed_on_disk() for s in self.journal._periods.values())

    def trusted_preview(self) -> Any:
        return self.journal.preview()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.journal.transaction():
            yield


class JournalStore(Store):
    """The journal's months, opened on first use; the interface of a Store."""

    def __init__(
        self,
        root: Path,
        *,
        lock_timeout: float = 5.0,
        cipher: Cipher | None = None,
        key_file: Path | None = None,
    ) -> None:
        self.root = root
        self.folder = root / FOLDER
        self.cipher = cipher
        self.key_file = key_file
        self._lock_timeout = lock_timeout
        self._periods: dict[str, Store] = {}
        self._names: list[str] = []  # the months (and UNDATED) found on disk, sorted
        self._base = 0  # counts changes of the listing
        self._in_transaction = False
        self._legacy: Store | None = None  # an unsplit journal.json in a read-only folder
        self._watched: dict[str, list[Any] | None] = {}  # month -> its file's key when read
        self.storage = _JournalStorage(self)
        self.db = _CompanionDB(storage=lambda: self.storage)
        self._lock = FileLock(str(self.folder / "journal.lock"), timeout=lock_timeout)
        writable = os.access(root, os.W_OK)
        if writable:
            try:
                self.folder.mkdir(mode=0o700, exist_ok=True)
            except OSError as error:
                raise StoreError(f"Cannot make {self.folder}: {error.strerror or error}.") from None
            # the temp files of writers killed mid-write (a month sweeps them too as it opens,
            # but the newest entries may be all that is opened)
            sweep_temp_files(self.folder)
        else:
            self.storage.read_only = True
        if self._has_legacy():
            if writable:
                with self._locked():
                    if self._has_legacy():
                        self._split_legacy()
            else:
                self._legacy = self._open(root / LEGACY)
        self._relist()

    # -- what a Store offers ----------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.folder

    @property
    def generation(self) -> int:
        """Changes whenever a month is opened, re-read or written, or months come or go."""
        return self._base + sum(s.generation for s in self._opened())

    def preview(self) -> Any:
        """The newest entries and how many there are (reads every month's header)."""
        total = 0
        for name in self._names:
            found = self._period(name).preview()
            total += found.get("total", 0) if isinstance(found, dict) else 0
        if self._legacy is not None:
            found = self._legacy.preview()
            total += found.get("total", 0) if isinstance(found, dict) else 0
        return {"total": total, "newest": self.newest(PREVIEW.count) or []}

    def named_months(self) -> list[tuple[str, Store]]:
        """(`YYYY-MM` or UNDATED, its store) of every month, oldest first; an unsplit journal.json
        in a read-only folder comes first, named LEGACY."""
        found = [(name, self._period(name)) for name in self._names]
        return found if self._legacy is None else [(LEGACY, self._legacy), *found]

    def month_files(self) -> list[tuple[str, Path]]:
        """(name, file) of every month as `named_months` names them, without opening any (a
        snapshot links a month's file as it is: transfer/snapshots.py)."""
        found = [(name, self.folder / f"{name}.json") for name in self._names]
        return found if self._legacy is None else [(LEGACY, self.root / LEGACY), *found]

    def month(self, name: str) -> Store:
        """The store of one month as `named_months` names it."""
        return self._legacy if name == LEGACY and self._legacy is not None else self._period(name)

    def month_documents(self, name: str) -> list[Document]:
        """The journal documents of one month as `named_months` names it, which the month lets
        go of after (SafeJSONStorage.release): for a reader that needs one entry of it."""
        if name == LEGACY and self._legacy is not None:
            return self._legacy.documents(TABLE)
        if name not in self._names:
            return []
        store = self._period(name)
        documents = store.documents(TABLE)
        store.storage.release()
        return documents

    def let_go(self, name: str) -> None:
        """Let a month that is open let go of its data (SafeJSONStorage.release)."""
        store = self._periods.get(name)
        if store is not None:
            store.storage.release()

    def months(self) -> list[Store]:
        """The store of every month (and of the undated documents), oldest first."""
        return self._stores()

    def documents(self, table: str) -> list[Document]:
        """Every month's documents of `table`, oldest month first."""
        return [doc for store in self._stores() for doc in store.documents(table)]

    def documents_of_months(self, months: Iterable[str]) -> list[Document]:
        """The journal documents kept in these months (`YYYY-MM`), and the undated ones."""
        wanted = set(months) | {UNDATED}
        found = [d for n in self._names if n in wanted for d in self._period(n).documents(TABLE)]
        if self._legacy is not None:
            found += self._legacy.documents(TABLE)
        return found

    def newest(self, count: int) -> list[Document] | None:
        """The `count` newest journal documents, newest first, from the newest months'
        previews (a month is read whole only when its preview holds too few)."""
        months = [n for n in reversed(self._names) if _MONTH.match(n)]
        others = [n for n in self._names if not _MONTH.match(n)]
        found: list[Document] = []
        for name in others:
            found += self._newest_of(self._period(name), count)
        if self._legacy is not None:
            found += self._newest_of(self._legacy, count)
        taken = 0
        for n, name in enumerate(months):
            docs = self._newest_of(self._period(name), count)
            found += docs
            taken += len(docs)
            if taken >= count:
                # An entry written near the end of the month before, in another time zone,
                # may be newer than the first of this month's: the month before counts too.
                if n + 1 < len(months):
                    found += self._newest_of(self._period(months[n + 1]), count)
                break
        return nlargest(count, found, key=_moment)

    def search(self, words: Sequence[str]) -> Iterator[Month]:
        """The months that may hold entries holding every one of `words` (each folded as search
        folds text, without white space), the newest first, one in memory at a time: a month
        whose kept words (journal_words.py) hold no word holding each of `words` is passed
        over unread. A month opened only for this is let go after."""
        months: list[tuple[str, Store | None]] = [(n, self._periods.get(n)) for n in self._names]
        for name, opened in reversed(months):
            path = self.folder / f"{name}.json"
            key = month_key(path)
            kept = read_kept(path, WORDS, key, self.cipher)
            if not isinstance(kept, str):
                kept = None
            elif not all(word in kept for word in words):
                continue
            store = opened or self._open(path)
            if opened is not None:
                opened.refresh()
            yield Month(name, store.documents(TABLE), None if kept is not None else key)
            if opened is None:
                self.storage.notices += store.take_notices()
        if self._legacy is not None:  # an unsplit journal.json in a read-only folder
            yield Month(LEGACY, self._legacy.documents(TABLE), None)

    def keep_words(self, month: Month, words: Iterable[str]) -> None:
        """Keep the words of the entries of `month` (as `search` gave it) for the next search."""
        self.keep(month.name, WORDS, month.key, "\n".join(sorted(words)))

    def key(self, name: str) -> list[Any] | None:
        """What names the month file `name` as it is now (journal_words.month_key); None for
        LEGACY, or a month that is gone. `refresh` watches it from then on."""
        key = month_key(self.folder / f"{name}.json") if name in self._names else None
        self._watched[name] = key
        return key

    def kept(self, name: str, kind: str, key: list[Any] | None) -> Any:
        """What is kept of `kind` beside the month `name` for exactly the file `key` names,
        or None: see journal_words.py."""
        return read_kept(self.folder / f"{name}.json", kind, key, self.cipher)

    def keep(self, name: str, kind: str, key: list[Any] | None, value: Any) -> None:
        """Keep `value` as `kind` of the month file `name` that `key` names (see `kept`)."""
        if key is not None and name in self._names:
            keep_kept(self.folder / f"{name}.json", kind, key, value, self.cipher, self.key_file)

    def month_names(self) -> list[str]:
        """The months as `named_months` names them, oldest first, without opening them."""
        return self._names if self._legacy is None else [LEGACY, *self._names]

    @staticmethod
    def _newest_of(store: Store, count: int) -> list[Document]:
        preview = store.preview()
        newest = preview.get("newest") if isinstance(preview, dict) else None
        if isinstance(newest, list) and (
            count <= len(newest) or len(newest) == preview.get("total")
        ):
            return list(newest[:count])
        return nlargest(count, store.documents(TABLE), key=_moment)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the journal's lock with every month up to date; the caller changes months
        (each in its own transaction), or the whole journal through `storage.write`."""
        if self._in_transaction:
            yield
            return
        if not self.storage.writable():
            raise StoreReadOnlyError(
                f"Nothing can be saved: the data folder {self.root} is read-only. Everything "
                "in it can still be read; make it writable (or choose another folder with "
                "--data-dir), then save again."
            )
        with self._locked():
            check_key_file(self.key_file, self.cipher, self.folder)  # before any month is read
            self._relist()
            for store in list(self._periods.values()):
                store.refresh()
            self.db.clear_cache()
            self._in_transaction = True
            try:
                yield
            finally:
                self._in_transaction = False

    def refresh(self) -> bool:
        """Find months another process added, and re-read those it changed; True also when
        it changed a month known only by what is kept beside it (`key`)."""
        changed = self._relist()
        changed = any([store.refresh() for store in self._opened()]) or changed
        for name, key in list(self._watched.items()):
            if name not in self._periods and key != (key := self.key(name)):
                changed = True
        if changed:
            self.db.clear_cache()
        return changed

    def take_notices(self) -> list[str]:
        notices, self.storage.notices = self.storage.notices, []
        return notices + [n for store in self._opened() for n in store.take_notices()]

    # -- one entry at a time ----------------------------------------------------------------

    def month_of(self, doc: Document) -> Store:
        """The store of the month `doc` belongs in (made when first written)."""
        return self._period(period_of(doc))

    def insert(self, doc: Document) -> None:
        """Add a new document to its month: one month's file is written."""
        with self.transaction():
            month = self.month_of(doc)
            with month.transaction():
                month.table(TABLE).insert(doc)

    def put(self, doc: Document, key: str) -> None:
        """Replace the document with this `key` value in its month, or add it there (an
        entry's `created` time never changes, so it is found in the month it was added to)."""
        from tinydb import Query

        cond = Query()[key] == doc[key]
        with self.transaction():
            month = self.month_of(doc)
            with month.transaction():
                table = month.table(TABLE)
                if table.contains(cond):
                    table.update(doc, cond)
                else:
                    table.insert(doc)

    def remove(self, key: str, value: Any, where: Document | None = None) -> None:
        """Remove the documents whose `key` is `value`: from the month of `where` (the stored
        document) when given and found there, else from every month."""
        from tinydb import Query

        cond = Query()[key] == value
        with self.transaction():
            months = [self.month_of(where)] if where is not None else []
            if not any(m.table(TABLE).contains(cond) for m in months):
                months = [self._period(name) for name in self._names]
            for month in months:
                if month.table(TABLE).contains(cond):
                    with month.transaction():
                        month.table(TABLE).remove(cond)

    # -- internals --------------------------------------------------------------------------

    def _opened(self) -> list[Store]:
        """The months opened so far (a month is opened, and read, when first needed)."""
        return [*self._periods.values(), *([self._legacy] if self._legacy else [])]

    def _stores(self) -> list[Store]:
        found = [self._period(name) for name in self._names]
        return found if self._legacy is None else [self._legacy, *found]

    def _open(self, path: Path) -> Store:
        return Store(
            path,
            lock_timeout=self._lock_timeout,
            preview_of=_MonthPreview(self, path.name.removesuffix(".json")),
            cipher=self.cipher,
            key_file=self.key_file,
            tables=(TABLE,),
        )

    def _period(self, name: str) -> Store:
        store = self._periods.get(name)
        if store is None:
            store = self._periods[name] = self._open(self.folder / f"{name}.json")
            if name not in self._names:
                self._names = sorted({*self._names, name})
                self._base += 1
        return store

    def _relist(self) -> bool:
        """Read the folder's listing; True if months came or went."""
        try:
            found = (_PERIOD_FILE.match(entry.name) for entry in os.scandir(self.folder))
            names = {match.group(1) for match in found if match}
        except OSError:  # not there (a read-only folder of an older version): no months
            names = set()
        names |= {n for n in self._periods if (self.folder / f"{n}.json").exists()}
        listed = sorted(names)
        if listed == self._names:
            return False
        self._names = listed
        self._base += 1
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except LockTimeout:
            raise StoreLockedError(
                f"The journal is busy: another csa-companion has held its lock for more than "
                f"{self._lock_timeout:g} s. Wait for it to finish, or close that window, then "
                "try again."
            ) from None
        except OSError as error:
            if not self.storage.writable():
                yield  # read-only: nobody can write, so reading needs no lock
                return
            raise StoreError(f"Cannot lock {self.folder}: {error.strerror or error}.") from None
        try:
            yield
        finally:
            self._lock.release()

    def _joined(self) -> Tables:
        """Every month's tables as one set (copies of the documents, which TinyDB changes
        in place), numbered anew table by table."""
        joined: Tables = {}
        for store in self._stores():
            for table, docs in store.storage.read().items():
                into = joined.setdefault(table, {})
                for doc in docs.values():
                    into[str(len(into) + 1)] = dict(doc) if isinstance(doc, dict) else doc
        return joined

    def _write_joined(self, data: Tables) -> None:
        """Make the months hold exactly `data`: each journal document in its month, any other
        document (those set aside) where it is now, or undated. Only months whose documents
        change are written; those that gain documents first."""
        homes: dict[bytes, str] = {}
        for name in self._names:
            for table, docs in self._period(name).storage.read().items():
                if table != TABLE:
                    for doc in docs.values():
                        homes[_key(table, doc)] = name
        wanted: dict[str, dict[str, list[Any]]] = {}
        for table, docs in data.items():
            for doc in docs.values():
                home = period_of(doc) if table == TABLE else homes.get(_key(table, doc), UNDATED)
                wanted.setdefault(home, {}).setdefault(table, []).append(doc)
        changes: list[tuple[int, str, Tables]] = []
        for name in sorted({*self._names, *wanted}):
            current = self._period(name).storage.read()
            new = wanted.get(name, {})
            before = {t: list(docs.values()) for t, docs in current.items() if docs}
            if before == {t: docs for t, docs in new.items() if docs}:
                continue
            grows = sum(map(len, new.values())) - sum(map(len, before.values()))
            tables = {t: {str(i): d for i, d in enumerate(docs, 1)} for t, docs in new.items()}
            changes.append((-grows, name, tables))
        for _, name, tables in sorted(changes, key=lambda change: change[0]):
            store = self._period(name)
            with store.transaction():
                store.storage.write(tables)
                store.db.clear_cache()

    def _has_legacy(self) -> bool:
        legacy = self.root / LEGACY
        return legacy.exists() or legacy.with_name(LEGACY + ".bak").exists()

    def _split_legacy(self) -> None:
        """Move an older version's journal.json into the months (under its lock and the
        journal's), then set it aside. See the module's docstring."""
        legacy_path = self.root / LEGACY
        legacy = self._open(legacy_path)  # recovered, migrated and checked as any store file
        with legacy.storage.locked():  # an older version still running waits meanwhile
            legacy.refresh()
            wanted: dict[str, dict[str, list[Any]]] = {}
            for table, docs in legacy.storage.read().items():
                for doc in docs.values():
                    home = period_of(doc) if table == TABLE else UNDATED
                    wanted.setdefault(home, {}).setdefault(table, []).append(doc)
            self.storage.notices += legacy.take_notices()  # after the read: it sets aside
            self._names = sorted({*self._names, *wanted})  # the newest keep a preview
            for name, tables in sorted(wanted.items()):
                month = self._period(name)
                with month.transaction():
                    current = month.storage.read()
                    if _merge(current, tables):
                        month.storage.write(current)
                        month.db.clear_cache()
                self.storage.notices += month.take_notices()
            kept = self._aside(legacy_path, SPLIT_ASIDE)
            backup = legacy_path.with_name(LEGACY + ".bak")
            if backup.exists():
                self._aside(backup, SPLIT_ASIDE + ".bak")
            fsync_dir(self.root)
        if kept is not None:
            self.storage.notices.append(
                f"The journal is now kept one file per month in {self.folder} (faster at any "
                f"size); the single file it was kept in is kept as {kept.name}, until the "
                "next snapshot holds it."
            )

    def _aside(self, path: Path, name: str) -> Path | None:
        if not path.exists():
            return None
        target, n = self.root / name, 1
        while target.exists():
            n += 1
            target = self.root / f"{name}-{n}"
        os.replace(path, target)
        with contextlib.suppress(OSError):
            os.chmod(target, 0o600)
        return target


@dataclass(frozen=True)
class Month:
    """A month's journal documents, as `JournalStore.search` reads them."""

    name: str
    documents: list[Document]
    key: list[Any] | None
    """The month file they were read from, when its words are to be kept (`keep_words`)."""


class _MonthPreview:
    """The newest entries in a month's header, kept only by the two newest months (those
    `newest` reads first): the header of each of 24 months of a small journal holding ten
    entries made the data folder half as large again as the journal. An older month without
    one is parsed when it is needed."""

    agrees = staticmethod(Newest.agrees)

    def __init__(self, journal: JournalStore, name: str) -> None:
        self.journal, self.name = journal, name

    def __call__(self, tables: Tables) -> Any:
        months = [n for n in self.journal._names if _MONTH.match(n)]
        if _MONTH.match(self.name) and months[-2:] and self.name < months[-2:][0]:
            return None
        return PREVIEW(tables)


def _key(table: str, doc: Any) -> bytes:
    return table.encode() + b"\0" + orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def _merge(current: Tables, incoming: dict[str, list[Any]]) -> bool:
    """Add to `current` (changed in place) what `incoming` holds that it does not: a journal
    document by its uid (the one changed later wins), any other by its contents. True if
    anything changed."""
    changed = False
    for table, docs in incoming.items():
        into = current.setdefault(table, {})
        if table == TABLE:
            index = {d.get("uid"): k for k, d in into.items() if isinstance(d, dict)}
        else:
            index = {_key(table, d): k for k, d in into.items()}
        next_id = max((int(k) for k in into if k.isdecimal()), default=0) + 1
        for doc in docs:
            ident = doc.get("uid") if table == TABLE and isinstance(doc, dict) else _key(table, doc)
            at = index.get(ident) if ident is not None else None
            if at is None:
                into[str(next_id)] = doc
                index[ident] = str(next_id)
                next_id += 1
                changed = True
            elif into[at] != doc and _changed_later(doc, into[at]):
                into[at] = doc
                changed = True
    return changed


def _changed_later(incoming: Any, current: Any) -> bool:
    try:
        return bool(
            datetime.fromisoformat(incoming["updated"]) > datetime.fromisoformat(current["updated"])
        )
    except (KeyError, TypeError, ValueError):
        return False

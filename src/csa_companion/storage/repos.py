"""Repositories: the only code that turns stored documents into domain objects and back."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from tinydb import Query
from tinydb.queries import QueryLike
from tinydb.table import Table

from csa_companion.domain.journal import (
    Draft,
    JournalEntry,
    JournalRow,
    filter_entries,
    search_form,
)
from csa_companion.domain.worksheet import DRAFT, Worksheet
from csa_companion.storage.documents import problem
from csa_companion.storage.journal_words import ROWS
from csa_companion.storage.store import Store

if TYPE_CHECKING:
    from csa_companion.storage.journal_store import JournalStore

_DATED = re.compile(r"^\d{4}-\d{2}$")  # a month's file, not the undated one nor journal.json
_uid = Query().uid
_key = Query().key


def _put(table: Table, doc: dict[str, Any], cond: QueryLike) -> None:
    """Replace the matching document or insert it: one write either way (TinyDB's upsert
    writes twice when nothing matches)."""
    if table.contains(cond):
        table.update(doc, cond)
    else:
        table.insert(doc)


_Known = dict[object, tuple[dict[str, Any], JournalEntry]]


def _entries(docs: list[dict[str, Any]], known: _Known) -> tuple[list[JournalEntry], _Known]:
    """The entries of these documents, and what to remember of them. After a change, an entry
    whose document is as it was is reused, not built again: building one (its dates, its
    search text) costs ~12 µs, ~45 µs for accented text, so a reload of 5,000 entries after one
    edit took 60-220 ms of the app's thread. The copy is compared, as the store may change a
    document in place."""
    fresh: _Known = {}
    entries = []
    for doc in docs:
        was = known.get(doc.get("uid"))
        entry = was[1] if was is not None and was[0] == doc else JournalEntry.from_doc(doc)
        fresh[doc.get("uid")] = (dict(doc), entry)
        entries.append(entry)
    return entries, fresh


_COLUMNS = ("uid", "created", "title", "tags", "starred", "text")
KEEP_ROWS_FROM = 100
"""A month's rows are kept beside it from this many entries: a smaller month is read fast
enough, and the kept rows of a small journal's months (500 entries, ~20 a month) made its
data folder 1.3 times the journal's size, not 1.2. From 500, a journal of 5,000 entries
(~200 a month) took ~360 ms to open, not ~200."""


def _kept_value(rows: list[JournalRow]) -> dict[str, list[Any]]:
    """The rows as kept beside their month: a list for each column (a list for each row
    left ~5 MB of small lists' memory behind as 50,000 rows were read)."""
    columns = list(zip(*(row.kept() for row in rows), strict=True)) or [()] * len(_COLUMNS)
    return {name: list(column) for name, column in zip(_COLUMNS, columns, strict=True)}


def _kept_rows(kept: Any, month: str) -> list[JournalRow] | None:
    """The rows kept for a month, or None if they are not all rows."""
    if not isinstance(kept, dict):
        return None
    columns = [kept.get(name) for name in _COLUMNS]
    if not all(isinstance(column, list) for column in columns):
        return None
    tags: dict[Any, tuple[str, ...]] = {}  # one tuple for each set of tags, not one a row
    try:
        rows = [JournalRow.from_kept(row, month, tags) for row in zip(*columns, strict=True)]
    except ValueError:  # columns of different lengths
        return None
    return None if None in rows else rows  # type: ignore[return-value]


class JournalRepo:
    """Journal entries, newest first; parsed once per change of the store. The journal is kept
    one file per month (journal_store.py): adding or saving an entry writes its month only."""

    def __init__(self, store: Store) -> None:
        """`store`: the journal's (Stores()["journal"]), or one store file holding a journal
        table (the storage tests use one)."""
        from csa_companion.storage.journal_store import JournalStore

        self.store = store
        self._months = store if isinstance(store, JournalStore) else None
        self._table = store.table("journal")
        self._cache: tuple[int, list[JournalEntry]] | None = None
        self._known: _Known = {}
        """uid -> (a copy of the document, its entry) as last read."""
        self._by_month: dict[str, tuple[int, list[JournalEntry], _Known]] = {}
        """month -> (its store's generation, its entries newest first, what `_known` is for
        the month) as last read."""
        self._rows: dict[str, tuple[list[Any] | None, list[JournalRow]]] = {}
        """month -> (what named its file, its rows newest first) as `rows` last read."""

    def all(self) -> list[JournalEntry]:
        if self._cache is None or self._cache[0] != self.store.generation:
            if self._months is not None:
                entries = self._all_by_month(self._months)
            else:
                entries, self._known = _entries(self.store.documents("journal"), self._known)
            entries.sort(key=lambda e: e.created, reverse=True)
            # read after the months are open: opening one changes the generation
            self._cache = (self.store.generation, entries)
        return list(self._cache[1])

    def _all_by_month(self, journal: JournalStore) -> list[JournalEntry]:
        """Every entry, the months newest first: a month whose file did not change since it
        was last read gives the entries built then (after one save at 50,000 entries, only
        that month's are looked at: ~2,000, not all)."""
        found: list[JournalEntry] = []
        fresh: dict[str, tuple[int, list[JournalEntry], _Known]] = {}
        for name, month in reversed(journal.named_months()):
            was = self._by_month.get(name)
            if was is None or was[0] != month.generation:
                entries, known = _entries(month.documents("journal"), was[2] if was else {})
                entries.sort(key=lambda e: e.created, reverse=True)
                was = (month.generation, entries, known)
            fresh[name] = was
            found += was[1]
        self._by_month = fresh
        return found

    def recent(self, count: int) -> list[JournalEntry]:
        """The newest `count` entries: from the previews in the headers of the newest months'
        files (no need to parse the whole journal), else from all entries."""
        if not self._all_cached():
            newest = self._newest(count)
            # A file written before documents were checked may preview an unreadable one:
            # then the whole journal is read, which sets it aside.
            if newest is not None and not any(problem("journal", "1", doc) for doc in newest):
                return [JournalEntry.from_doc(doc) for doc in newest]
        return self.all()[:count]

    def _newest(self, count: int) -> list[dict[str, Any]] | None:
        if self._months is not None:
            return self._months.newest(count)
        preview = self.store.preview()
        newest = preview.get("newest") if isinstance(preview, dict) else None
        if isinstance(newest, list) and (count <= len(newest) or len(newest) == preview["total"]):
            return newest[:count]
        return None

    def search(self, query: str, tag: str | None = None) -> list[JournalEntry]:
        """`filter_entries` of every entry, newest first, without holding the whole journal:
        month by month, reading only the months that may hold every word, keeping only the
        entries that match."""
        if self._months is None:
            return filter_entries(self.all(), query, tag)
        words = search_form(query).split() + ([search_form(tag)] if tag else [])
        found: list[JournalEntry] = []
        for month in self._months.search(words):
            entries = [JournalEntry.from_doc(doc) for doc in month.documents]
            found += filter_entries(entries, query, tag)
            if month.key is not None:
                self._months.keep_words(month, {w for e in entries for w in e.search_text.split()})
        found.sort(key=lambda e: e.created, reverse=True)
        return found

    def rows(self) -> list[JournalRow]:
        """What the journal's list shows of every entry, newest first, month by month: from
        what is kept beside the month for it (journal_words.py) when that was made from the
        month file as it is, else from the month, which lets go of its documents after, and
        the rows are kept for next time. The list holds no bodies, nor the store a second
        copy of the text (at 50,000 entries the journal screen held ~300 MB). `entry` reads a
        whole entry."""
        if self._months is None:
            return [JournalRow.of(entry, "") for entry in self.all()]
        found: list[JournalRow] = []
        fresh: dict[str, tuple[list[Any] | None, list[JournalRow]]] = {}
        for name in reversed(self._months.month_names()):
            fresh[name] = self._month_rows(self._months, name)
            found += fresh[name][1]
        self._rows = fresh
        found.sort(key=lambda row: row.created, reverse=True)
        return found

    def _month_rows(
        self, journal: JournalStore, name: str
    ) -> tuple[list[Any] | None, list[JournalRow]]:
        """(what named its file, its rows newest first) of one month, as `rows` reads it."""
        key = journal.key(name)
        was = self._rows.get(name)
        if was is None or key is None or was[0] != key:
            rows = _kept_rows(journal.kept(name, ROWS, key), name)
            journal.let_go(name)  # Home read the newest (their previews)
            if rows is None:
                docs = journal.month_documents(name)
                rows = [JournalRow.of(JournalEntry.from_doc(doc), name) for doc in docs]
                if len(rows) >= KEEP_ROWS_FROM:
                    journal.keep(name, ROWS, key, _kept_value(rows))
            rows.sort(key=lambda row: row.created, reverse=True)
            was = self._rows[name] = (key, rows)
        return was

    def in_month(self, month: str, zone: tzinfo | None = None) -> list[JournalEntry]:
        """The entries written in `month` (`YYYY-MM`) as `zone` counts months (`month_of`;
        None: the computer's zone), newest first: `all()` filtered by month, from that month's
        file and the months' either side only (a file holds the month of the entry's time as
        written, in the zone it was written in, up to a day off `zone`'s), and the undated."""
        from csa_companion.domain.reflection import month_of, next_month, previous_month

        if self._months is None or self._all_cached():
            entries = self.all()
        else:
            # as `all` orders them: month by month, newest first, each month sorted
            wanted = {previous_month(month), month, next_month(month)}
            entries = []
            for name in reversed(self._months.month_names()):
                if name in wanted or not _DATED.match(name):
                    docs = self._months.month_documents(name)
                    entries += sorted(
                        map(JournalEntry.from_doc, docs), key=lambda e: e.created, reverse=True
                    )
            entries.sort(key=lambda e: e.created, reverse=True)
        return [e for e in entries if month_of(e.created, zone) == month]

    def earliest(self) -> datetime | None:
        """When the oldest entry was written (None for no entries): from the rows of the oldest
        month holding any and of the month after it (whose entries written in another zone may
        be older), and of the undated; not from every month."""
        if self._months is None or self._all_cached():
            return min((e.created for e in self.all()), default=None)
        journal = self._months
        names = journal.month_names()
        wanted = [name for name in names if not _DATED.match(name)]
        dated = [name for name in names if _DATED.match(name)]
        for n, name in enumerate(dated):
            if self._month_rows(journal, name)[1]:
                wanted += dated[n : n + 2]
                break
        rows = (row for name in wanted for row in self._month_rows(journal, name)[1])
        return min((row.created for row in rows), default=None)

    def entry(self, row: JournalRow) -> JournalEntry | None:
        """The whole entry a row of `rows` shows, read from its month alone (None if it is
        gone)."""
        if self._months is None or self._all_cached():
            return next((e for e in self.all() if e.uid == row.uid), None)
        return self._in_month_file(self._months, row.month, row.uid)

    @staticmethod
    def _in_month_file(journal: JournalStore, name: str, uid: str) -> JournalEntry | None:
        """The entry with this uid in the month file `name`, if it is there."""
        doc = next((doc for doc in journal.month_documents(name) if doc.get("uid") == uid), None)
        return None if doc is None else JournalEntry.from_doc(doc)

    def get(self, uid: str, written: datetime | None = None) -> JournalEntry | None:
        """The entry with this uid: from its month alone when `rows` knows where it is, or
        `written` says: the entry's time as written (when a caller holds it), which names the
        month it is kept in and never changes."""
        if written is not None and self._months is not None and not self._all_cached():
            from csa_companion.storage.journal_store import month_kept_in

            found = self._in_month_file(self._months, month_kept_in(written), uid)
            if found is not None:
                return found
        if not self._all_cached():
            for _, rows in self._rows.values():
                row = next((row for row in rows if row.uid == uid), None)
                if row is not None:
                    return self.entry(row)
        return next((e for e in self.all() if e.uid == uid), None)

    def starting_with(self, prefix: str) -> list[JournalEntry]:
        """The entries whose uid starts with `prefix` (the shell takes an id's first
        characters), newest first: month by month, one in memory at a time, building only
        those."""
        if self._months is None or self._all_cached():
            return [e for e in self.all() if e.uid.startswith(prefix)]
        found = [
            JournalEntry.from_doc(doc)
            for name in self._months.month_names()
            for doc in self._months.month_documents(name)
            if str(doc.get("uid")).startswith(prefix)
        ]
        return sorted(found, key=lambda e: e.created, reverse=True)

    def _all_cached(self) -> bool:
        return self._cache is not None and self._cache[0] == self.store.generation

    def for_worksheet(self, worksheet_uid: str) -> list[JournalEntry]:
        """Entries that reflect on this worksheet, newest first."""
        return [e for e in self.all() if e.worksheet_uid == worksheet_uid]

    def add(self, entry: JournalEntry) -> None:
        """Insert a new entry (one write of its month, no search for an existing one)."""
        if self._months is not None:
            self._months.insert(entry.to_doc())
            return
        with self.store.transaction():
            self._table.insert(entry.to_doc())

    def save(self, entry: JournalEntry) -> None:
        """Insert or replace the entry with this uid (one write of its month)."""
        if self._months is not None:
            self._months.put(entry.to_doc(), "uid")
            return
        with self.store.transaction():
            _put(self._table, entry.to_doc(), _uid == entry.uid)

    def delete(self, uid: str) -> JournalEntry | None:
        """Remove an entry and return it (so the caller can offer undo)."""
        entry = self.get(uid)
        if self._months is not None:
            self._months.remove("uid", uid, entry.to_doc() if entry is not None else None)
            return entry
        with self.store.transaction():
            self._table.remove(_uid == uid)
        return entry


class DraftRepo:
    """Journal drafts: what editors hold and have not saved yet, one per editor."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store.table("drafts")

    def all(self) -> list[Draft]:
        """Every non-blank draft, newest first."""
        drafts = [Draft.from_doc(dict(doc)) for doc in self._table.all()]
        return sorted((d for d in drafts if not d.is_blank), key=lambda d: d.saved_at, reverse=True)

    def get(self, key: str) -> Draft | None:
        doc = self._table.get(_key == key)
        return Draft.from_doc(dict(doc)) if isinstance(doc, dict) else None

    def save(self, draft: Draft) -> None:
        with self.store.transaction():
            _put(self._table, draft.to_doc(), _key == draft.key)

    def clear(self, key: str) -> None:
        if not self._table.contains(_key == key):
            return  # nothing to write (and nothing to fail in a read-only folder)
        with self.store.transaction():
            self._table.remove(_key == key)


class SettingsRepo:
    """Small preferences remembered between runs (e.g. the theme)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store.table("settings")

    def get(self, key: str, default: Any = None) -> Any:
        doc = self._table.get(_key == key)
        return doc["value"] if isinstance(doc, dict) else default

    def set(self, key: str, value: Any) -> None:
        with self.store.transaction():
            _put(self._table, {"key": key, "value": value}, _key == key)

    def remove(self, key: str) -> None:
        if not self._table.contains(_key == key):
            return  # nothing to write (and nothing to fail in a read-only folder)
        with self.store.transaction():
            self._table.remove(_key == key)


class WorksheetRepo:
    """Worksheets, most recently changed first."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store.table("worksheets")

    def all(self, tool_id: str | None = None) -> list[Worksheet]:
        sheets = [Worksheet.from_doc(doc) for doc in self._table.all()]
        if tool_id is not None:
            sheets = [w for w in sheets if w.tool_id == tool_id]
        return sorted(sheets, key=lambda w: w.updated, reverse=True)

    def drafts(self) -> list[Worksheet]:
        return [w for w in self.all() if w.status == DRAFT]

    def get(self, uid: str) -> Worksheet | None:
        doc = self._table.get(_uid == uid)
        return Worksheet.from_doc(dict(doc)) if isinstance(doc, dict) else None

    def find(self, prefix: str) -> list[Worksheet]:
        """Worksheets whose uid starts with `prefix` (the CLI accepts short ids)."""
        return [w for w in self.all() if w.uid.startswith(prefix)]

    def save(self, worksheet: Worksheet) -> None:
        with self.store.transaction():
            _put(self._table, worksheet.to_doc(), _uid == worksheet.uid)

    def delete(self, uid: str) -> None:
        with self.store.transaction():
            self._table.remove(_uid == uid)

"""Journal entries and drafts, tag rules and search; plain data, no storage or UI."""

from __future__ import annotations

import re
import unicodedata
import uuid
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import compress, repeat
from operator import ge
from typing import Any, Generic, Protocol, TypeVar

from csa_companion.domain.wording import shown

# U+FFFD stays: it stands for bytes that were not UTF-8, and the user is told it was kept.
_TAG_JUNK = re.compile(r"[^\w\-\ufffd]+")
# Combining marks left by decomposing accented letters (é -> e + ◌́), removed for search.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# Typographic quotes and dashes, as word processors and phones write them, searched as the
# keyboard's: "don't" finds "don’t". Text that is ASCII after this is kept in a byte a
# character; one curly quote made a whole entry's search text two bytes a character.
_PLAIN_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
SEARCH_FORM = 2
"""Which `search_form` made a text: what is kept of it (storage/journal_words.py) is made
again when it changes."""


def search_form(text: str) -> str:
    """`text` as search compares it: case-folded, without accents and with plain quotes and
    dashes, so "cafe" finds "Café" and "don't" finds "Don’t" (plain ASCII, most text, takes
    the fast path)."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    folded = folded.translate(_PLAIN_PUNCTUATION)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    # Text with no accent (say, only an emoji) comes back unchanged: skip the marks.
    return folded if decomposed == folded else _MARKS.sub("", decomposed)


def normalise_tag(raw: str) -> str:
    """'#Team Meeting' -> 'team-meeting'; empty if nothing usable is left."""
    tag = raw.strip().lstrip("#").strip().lower()
    tag = re.sub(r"\s+", "-", tag)
    return _TAG_JUNK.sub("", tag).strip("-")


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags typed as 'a, b #c' -> ('a', 'b', 'c'), in order, without duplicates."""
    tags = (normalise_tag(part) for part in _tag_parts(text))
    return tuple(dict.fromkeys(t for t in tags if t))


def unusable_tags(text: str) -> list[str]:
    """What was typed as a tag but leaves none (say '!!!'), to tell the user it was left out."""
    return [part.strip() for part in _tag_parts(text) if part.strip() and not normalise_tag(part)]


def _tag_parts(text: str) -> list[str]:
    return re.split(r"[,\s]+(?=#)|,", text)


def new_uid() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class JournalEntry:
    """One journal entry. Times are timezone-aware."""

    body: str
    created: datetime
    updated: datetime
    title: str = ""
    tags: tuple[str, ...] = ()
    starred: bool = False
    worksheet_uid: str | None = None
    """The worksheet this entry reflects on, if any."""
    uid: str = field(default_factory=new_uid)
    _haystack: str = field(init=False, repr=False, compare=False, default="")

    @classmethod
    def new(
        cls,
        body: str,
        now: datetime,
        *,
        title: str = "",
        tags: tuple[str, ...] = (),
        worksheet_uid: str | None = None,
    ) -> JournalEntry:
        return cls(
            body=body,
            title=title.strip(),
            tags=tags,
            created=now,
            updated=now,
            worksheet_uid=worksheet_uid,
        )

    @property
    def display_title(self) -> str:
        """The title, or the first line of the body when there is none."""
        if self.title:
            return " ".join(shown(self.title).split())  # one line, whatever was given
        first = next((line.strip("# ").strip() for line in self.body.splitlines() if line), "")
        return shown(first[:80]) or "(empty entry)"

    def __post_init__(self) -> None:
        # Built once here, so that searching does not pay for it on the first keystroke.
        # Tags are in it as shown, "#coaching", so a search for "#coaching" finds them.
        tags = " ".join(f"#{tag}" for tag in self.tags)
        object.__setattr__(self, "_haystack", search_form(f"{self.title}\n{self.body}\n{tags}"))

    @property
    def search_text(self) -> str:
        """What search looks in: the title, text and tags ("#tag"), folded (`search_form`)."""
        return self._haystack

    def edited(self, now: datetime, **changes: Any) -> JournalEntry:
        return replace(self, updated=now, **changes)

    def to_doc(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "title": self.title,
            "body": self.body,
            "tags": list(self.tags),
            "starred": self.starred,
            "worksheet_uid": self.worksheet_uid,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> JournalEntry:
        return cls(
            uid=str(doc["uid"]),
            title=str(doc.get("title", "")),
            body=str(doc.get("body", "")),
            tags=tuple(doc.get("tags", ())),
            starred=bool(doc.get("starred", False)),
            worksheet_uid=doc.get("worksheet_uid"),
            created=datetime.fromisoformat(doc["created"]),
            updated=datetime.fromisoformat(doc["updated"]),
        )


def filter_entries(
    entries: list[JournalEntry], query: str = "", tag: str | None = None
) -> list[JournalEntry]:
    """Entries carrying `tag` (if given) in which every word of `query` occurs in the title,
    body or tags (as "#tag" or "tag"), ignoring case and accents; in the order given."""
    words = search_form(query).split()
    if tag is not None:
        entries = [entry for entry in entries if tag in entry.tags]
    if not words:
        return list(entries)
    # The hot loop of live search (5,000 entries a keystroke): plain comprehensions over
    # the prepared, case-folded text of each entry.
    first, *rest = words
    found = [entry for entry in entries if first in entry._haystack]
    for word in rest:
        found = [entry for entry in found if word in entry._haystack]
    return found


@dataclass(frozen=True, slots=True)
class JournalRow:
    """What the journal's list shows of an entry, and the text search looks in: not the
    entry's body, which is read from where it is kept (`month`) when the entry is opened.
    `search_text` holds each word of the entry's once (`compact_search_text`)."""

    uid: str
    created: datetime
    display_title: str
    tags: tuple[str, ...]
    starred: bool
    month: str
    search_text: str

    @classmethod
    def of(cls, entry: JournalEntry, month: str) -> JournalRow:
        return cls(
            uid=entry.uid,
            created=entry.created,
            display_title=entry.display_title,
            tags=entry.tags,
            starred=entry.starred,
            month=month,
            search_text=compact_search_text(entry.search_text),
        )

    def kept(self) -> list[Any]:
        """The row as JSON, as `from_kept` reads it."""
        created, tags = self.created.isoformat(), list(self.tags)
        return [self.uid, created, self.display_title, tags, self.starred, self.search_text]

    @classmethod
    def from_kept(
        cls, kept: Any, month: str, shared: dict[Any, tuple[str, ...]]
    ) -> JournalRow | None:
        """The row `kept` gave, or None if it is not one; its tags are the tuple in `shared`
        for the same tags (one for each set of tags, not one a row), added if not there."""
        try:
            uid, created, title, tags, starred, text = kept
            tags = shared.setdefault(tuple(tags), tuple(tags))
            row = cls(uid, datetime.fromisoformat(created), title, tags, starred, month, text)
        except (TypeError, ValueError):
            return None
        strings = (uid, title, text, *row.tags)
        aware = row.created.tzinfo is not None  # sorted with the others' times
        if all(isinstance(s, str) for s in strings) and isinstance(starred, bool) and aware:
            return row
        return None


def compact_search_text(text: str) -> str:
    """Each word of a search text once, in the order first seen: a searched word holds no white
    space, so it is in the text exactly when it is in one of its words (at 50,000 entries of
    ~1.9 KB the search text of the journal's list took ~88 MB, then ~51 MB)."""
    return " ".join(dict.fromkeys(text.split()))


class Searched(Protocol):
    """What `LiveSearch` searches: an entry or a row."""

    @property
    def search_text(self) -> str: ...

    @property
    def tags(self) -> tuple[str, ...]: ...


S = TypeVar("S", bound=Searched)


class LiveSearch(Generic[S]):
    """`filter_entries` of one list of entries, called at every keystroke: while the query only
    grows (letters added to its last word, or words added), it narrows the last results, and
    looks for the grown word in each from where the shorter one was found, not from the
    start. At 50,000 entries a keystroke went through ~80 MB of text; most now go through a
    few characters of each entry.

    It searches in steps, in the entries' order (newest first): `start` a query, then `step`
    until `done`, and `found` holds the matches so far, always the first of the whole result.
    The journal screen shows the first screenful at once and the rest as it comes: a common
    word at 50,000 entries is in most of them, and looking in each takes 20-45 ms. A query
    started before the last was done narrows what was found so far and looks at the rest
    afresh. Calling it searches to the end."""

    def __init__(self, entries: list[S]) -> None:
        self.entries = entries
        self._texts = [entry.search_text for entry in entries]
        self._words: list[str] = []
        self._tag: str | None = None
        self._found: Sequence[int] = range(len(entries))  # indexes into `entries`
        self._at: Sequence[int] = ()  # where the last word was found in each, if words
        self.found: list[S] = entries
        """The matches found so far, in the entries' order (`entries` itself while every
        entry matches, not a copy: 50,000 of them took ~0.4 MB a list)."""
        # What is left to look at: (indexes, where to look for the first word in each (None:
        # from the start), the words each must hold), the first segment first.
        self._todo: list[tuple[Sequence[int], Sequence[int] | None, list[str]]] = []

    @property
    def done(self) -> bool:
        return not self._todo

    def __call__(self, query: str, tag: str | None = None) -> list[S]:
        self.start(query, tag)
        while not self.done:
            self.step(len(self.entries))
        return self.found

    def start(self, query: str, tag: str | None = None) -> None:
        """Begin searching for `query` (and `tag`); nothing is looked at until `step`."""
        words = search_form(query).split()
        was = self._words
        todo: list[tuple[Sequence[int], Sequence[int] | None, list[str]]]
        if (
            was
            and words
            and tag == self._tag
            and len(words) >= len(was)
            and words[: len(was) - 1] == was[:-1]
            and words[len(was) - 1].startswith(was[-1])
        ):
            grown = words[len(was) - 1 :]  # the grown word, then any words added
            left = array("l")  # not looked at yet: for every word, from the start
            for indexes, _, _ in self._todo:
                left.extend(indexes)
            todo = [(self._found, self._at, grown), (left, None, words)]
        else:
            found: Sequence[int] = range(len(self.entries))
            if tag is not None:
                found = [n for n in found if tag in self.entries[n].tags]
            todo = [(found, None, words)]
        self._words, self._tag = words, tag
        if not words:  # every entry (with the tag) matches: nothing to look at
            self._found, self._at, self._todo = todo[0][0], (), []
            self.found = self.entries if tag is None else [self.entries[n] for n in self._found]
            return
        self._found, self._at, self.found = array("l"), array("l"), []
        self._todo = [segment for segment in todo if segment[0]]

    def step(self, count: int) -> None:
        """Look at up to `count` more entries; what matches is added to `found`."""
        while count > 0 and self._todo:
            indexes, starts, words = self._todo[0]
            now, rest = indexes[:count], indexes[count:]
            now_starts = starts[:count] if starts is not None else None
            if rest:
                self._todo[0] = (rest, starts[count:] if starts is not None else None, words)
            else:
                self._todo.pop(0)
            count -= len(now)
            found, at = self._look(now, words[0], now_starts)
            for word in words[1:]:
                found, at = self._look(found, word, None)
            self._take(found, at)

    def _take(self, found: array[int], at: array[int]) -> None:
        assert isinstance(self._found, array) and isinstance(self._at, array)
        self._found.extend(found)
        self._at.extend(at)
        self.found.extend(map(self.entries.__getitem__, found))

    def _look(
        self, indexes: Sequence[int], word: str, starts: Sequence[int] | None
    ) -> tuple[array[int], array[int]]:
        """The indexes of the entries holding `word`, and where each holds it first, looking
        in each from its start in `starts` (from the beginning if None). Arrays, not lists of
        ints: 50,000 of them took ~3 MB a list. The loops run in C (map, compress)."""
        texts = map(self._texts.__getitem__, indexes)
        if starts is None:
            where = array("l", map(str.find, texts, repeat(word)))
        else:
            where = array("l", map(str.find, texts, repeat(word), starts))
        hit = list(map(ge, where, repeat(0)))
        return array("l", compress(indexes, hit)), array("l", compress(where, hit))


def all_tags(entries: Sequence[Searched]) -> list[tuple[str, int]]:
    """Every tag with how many entries carry it, most used first."""
    counts: dict[str, int] = {}
    for entry in entries:
        for tag in entry.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Draft:
    """Unsaved editor contents, kept so that nothing typed is lost. `entry_uid` is set when
    the draft edits an existing entry. Each editor has its own `key`, so two windows writing
    at once keep two drafts."""

    title: str
    body: str
    tags: str
    saved_at: datetime
    entry_uid: str | None = None
    worksheet_uid: str | None = None
    key: str = field(default_factory=new_uid)

    @staticmethod
    def key_for(entry: JournalEntry) -> str:
        """The draft key of unsaved changes to an existing entry."""
        return f"entry-{entry.uid}"

    @property
    def name(self) -> str:
        """A short name to show: the title, else the first line of the body."""
        first = (self.body.strip().splitlines() or ["untitled"])[0]
        return (self.title.strip() or first)[:50]

    @property
    def is_blank(self) -> bool:
        return not (self.title.strip() or self.body.strip() or self.tags.strip())

    def to_doc(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "body": self.body,
            "tags": self.tags,
            "saved_at": self.saved_at.isoformat(),
            "entry_uid": self.entry_uid,
            "worksheet_uid": self.worksheet_uid,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Draft:
        return cls(
            title=str(doc.get("title", "")),
            body=str(doc.get("body", "")),
            tags=str(doc.get("tags", "")),
            saved_at=datetime.fromisoformat(doc["saved_at"]),
            entry_uid=doc.get("entry_uid"),
            worksheet_uid=doc.get("worksheet_uid"),
            key=str(doc.get("key") or new_uid()),
        )

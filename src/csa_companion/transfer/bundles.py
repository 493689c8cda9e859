"""The "Shared with me" shelf (its own store file, shared.json) and share bundle files.

What a teammate shares is kept apart from the person's own journal and worksheets: it is
read-only, filed under the sharer's display name, and can be exported or deleted. Importing
the same bundle again adds nothing (each record is keyed by sharer, kind and its own id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from tinydb import Query

from csa_companion.domain.sharing import BUNDLE_FORMAT, BUNDLE_VERSION, KINDS, SharedItem
from csa_companion.domain.wording import shown
from csa_companion.errors import CompanionError, UsageError
from csa_companion.storage.documents import problem, too_large
from csa_companion.storage.store import Store, Stores
from csa_companion.transfer.records import (
    SHELF,
    Counts,
    TransferError,
    check_digest,
    check_header,
    digest,
    envelope,
    load_json,
    merge_into,
)

_key = Query().key
T = TypeVar("T")

if TYPE_CHECKING:
    from csa_companion.content.library import Library


@dataclass(frozen=True)
class Bundle:
    sharer: str
    shared_at: str
    items: list[SharedItem]


@dataclass(frozen=True)
class ShelfItem:
    """A record someone shared, as kept on the shelf."""

    key: str
    sharer: str
    shared_at: datetime
    item: SharedItem

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ShelfItem:
        """The stored record as shown: without control characters (see `shown`), however it
        came in (a bundle is cleaned on import, a full export or a snapshot is not)."""
        return cls(
            key=str(doc["key"]),
            sharer=shown(str(doc["sharer"])),
            shared_at=datetime.fromisoformat(doc["shared_at"]),
            item=SharedItem(
                str(doc["kind"]),
                shown(str(doc["title"])),
                shown(str(doc["text"])),
                dict(doc["document"]),
            ),
        )


def bundle_bytes(items: Sequence[SharedItem], sharer: str, now: datetime) -> bytes:
    docs = [item.to_doc() for item in items]
    head = envelope(
        BUNDLE_FORMAT, BUNDLE_VERSION, now, sharer=sharer, count=len(items), sha256=digest(docs)
    )
    body = head | {"items": docs}
    return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"


def is_bundle(data: Any) -> bool:
    return isinstance(data, dict) and data.get("format") == BUNDLE_FORMAT


def parse_bundle(raw: bytes, name: str) -> Bundle:
    """Check a bundle completely; raise TransferError (nothing changed) if it is not right."""
    return bundle_from(load_json(raw, name), name)


def bundle_from(data: Any, name: str) -> Bundle:
    """`parse_bundle` on parsed JSON."""
    check_header(data, name, BUNDLE_FORMAT, BUNDLE_VERSION, "a csa-companion share bundle")
    sharer, written, items = data.get("sharer"), data.get("written"), data.get("items")
    if not isinstance(sharer, str) or not sharer.strip():
        raise TransferError(f"{name} does not say who shared it; nothing was imported")
    try:
        datetime.fromisoformat(written)
    except (TypeError, ValueError):
        raise TransferError(f"{name} has no valid date; nothing was imported") from None
    if not isinstance(items, list) or data.get("count") != len(items):
        raise TransferError(f"{name} is incomplete; nothing was imported")
    checked = [_item(name, n, i) for n, i in enumerate(items, 1)]
    check_digest(data, items, name)
    # Someone else wrote it: what is shown of it carries no control character (see `shown`).
    return Bundle(shown(sharer.strip()), str(written), checked)


def _item(name: str, number: int, raw: Any) -> SharedItem:
    where = f"{name}: item {number}"
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        raise TransferError(f"{where} is not a shared record; nothing was imported")
    title, text, doc = raw.get("title"), raw.get("text"), raw.get("document")
    if not isinstance(title, str) or not isinstance(text, str) or not isinstance(doc, dict):
        raise TransferError(f"{where} is incomplete; nothing was imported")
    why = problem(KINDS[raw["kind"]], "1", doc) or too_large(raw)
    if why:
        raise TransferError(f"{where} cannot be read ({why}); nothing was imported")
    item = SharedItem(raw["kind"], shown(title), shown(text), doc)
    if not item.ident:
        raise TransferError(f"{where} has no id; nothing was imported")
    return item


class ShelfRepo:
    """What others shared with this person, newest share first."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores

    @property
    def store(self) -> Store:
        return self._stores[SHELF]

    def all(self) -> list[ShelfItem]:
        items = [ShelfItem.from_doc(doc) for doc in self.store.documents(SHELF)]
        return sorted(items, key=lambda i: (i.shared_at, i.key), reverse=True)

    def get(self, key: str) -> ShelfItem | None:
        return next((i for i in self.all() if i.key == key), None)

    def add(self, bundle: Bundle) -> Counts:
        docs = [
            {
                "key": f"{bundle.sharer}\n{item.kind}\n{item.ident}",
                "sharer": bundle.sharer,
                "shared_at": bundle.shared_at,
                **item.to_doc(),
            }
            for item in bundle.items
        ]
        counts = merge_into(self.store, {SHELF: docs}, write=False)
        if counts.changed:
            counts = merge_into(self.store, {SHELF: docs}, write=True)
        return counts

    def delete(self, key: str) -> dict[str, Any] | None:
        """Remove an item; return its document, for undo."""
        doc = next((d for d in self.store.documents(SHELF) if d.get("key") == key), None)
        if doc is not None:
            with self.store.transaction():
                self.store.table(SHELF).remove(_key == key)
        return doc

    def put_back(self, doc: dict[str, Any]) -> None:
        """Undo a delete."""
        merge_into(self.store, {SHELF: [doc]}, write=True)


def choose(
    stores: Stores,
    library: Library,
    worksheets: Sequence[str] = (),
    months: Sequence[str] = (),
    entries: Sequence[str] = (),
) -> list[SharedItem]:
    """The records to share, by id (a worksheet's or entry's first characters will do) and
    month; CompanionError naming the first one that is not found, or if none is chosen."""
    from csa_companion.content.model import Tool
    from csa_companion.domain.sharing import entry_item, reflection_item, worksheet_item
    from csa_companion.storage.program_repos import ReflectionRepo
    from csa_companion.storage.repos import JournalRepo, WorksheetRepo

    if not (worksheets or months or entries):
        raise UsageError("choose what to share: --worksheet ID, --reflection YYYY-MM, --entry ID")
    items: list[SharedItem] = []
    sheets = WorksheetRepo(stores["worksheets"]).all()
    for wanted in worksheets:
        sheet = _one([s for s in sheets if s.uid.startswith(wanted)], "worksheet", wanted)
        tool = library.get(sheet.tool_id)
        items.append(worksheet_item(sheet, tool if isinstance(tool, Tool) else None))
    reflections = ReflectionRepo(stores["reflections"])
    for month in months:
        reflection = reflections.get(month)
        if reflection is None:
            raise CompanionError(f"there is no reflection for {month!r}; nothing was written")
        items.append(reflection_item(reflection, library.reflection))
    journal = JournalRepo(stores["journal"])
    for wanted in entries:
        items.append(entry_item(_one(journal.starting_with(wanted), "entry", wanted)))
    return list({(i.kind, i.ident): i for i in items}.values())


def _one(matches: list[T], what: str, wanted: str) -> T:
    if not wanted.strip():  # '' starts every id: it would pick any one record
        listing = "worksheet list" if what == "worksheet" else "journal list"
        article = "an" if what[0] in "aeiou" else "a"  # an entry id
        raise UsageError(f"give {article} {what} id; `{listing}` shows them; nothing was written")
    if len(matches) != 1:
        found = f"no {what} has" if not matches else f"{len(matches)} {what}s have"
        raise CompanionError(f"{found} an id starting with {wanted!r}; nothing was written")
    return matches[0]

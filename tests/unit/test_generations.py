"""The last good generation: a file that is no store (or no store of this kind) never replaces
the records its backup holds, and no save rotates the backup away while the current file holds
fewer readable records than it, unless the user removed them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import new_cipher
from csa_companion.storage.encryption import encrypt_folder
from csa_companion.storage.fileformat import decode, encode
from csa_companion.storage.journal_store import JournalStore
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Store, Stores
from csa_companion.transfer.records import STORE_NAMES, contents
from tests.conftest import START
from tests.helpers import journal_file, store_file
from tests.transfer_data import sam_shares, seed_everything


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with records in every store file, each file's backup holding the same
    records as the file (the last save changed nothing)."""
    folder = tmp_path_factory.mktemp("seeded") / "data"
    seed_everything(folder)
    bundle = folder.parent / "bundle.json"
    sam_shares(folder.parent / "sam", bundle)
    assert main(["--data-dir", str(folder), "import", str(bundle)]) == 0
    stores = Stores(DataPaths(folder))
    for name in STORE_NAMES:
        save_unchanged(stores[name])
    shutil.rmtree(folder / "backups", ignore_errors=True)  # the import's snapshot
    return folder


@pytest.fixture
def folder(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(seeded, copy)
    return copy


def save_unchanged(store: Store) -> None:
    """A save (one rotation) that changes no record: of each file, for the journal's months."""
    for one in store.months() if isinstance(store, JournalStore) else [store]:
        with one.transaction():
            one.storage.write(one.storage.read())


def held(folder: Path, name: str) -> dict[str, list[Any]]:
    """The records a store file holds, as a fresh process opens it (notices taken)."""
    stores = Stores(DataPaths(folder))
    found = contents(stores, [name]).get(name, {})
    stores.take_notices()
    return found


def in_backup(folder: Path, name: str) -> int:
    """Records in the store's backup (the journal's: every month's backup)."""
    files = sorted((folder / "journal").glob("*.json")) if name == "journal" else []
    total = 0
    for file in files or [folder / f"{name}.json"]:
        _, tables = decode(file.with_name(file.name + ".bak").read_bytes())
        total += sum(len(docs) for table, docs in tables.items() if table != "_quarantine")
    return total


def table_of(name: str) -> str:
    return "log" if name == "practice" else name


def one_table_of_another_store(name: str) -> bytes:
    other = "journal" if name != "journal" else "worksheets"
    return orjson.dumps({table_of(other): {"1": {"uid": "x", "body": "not mine"}}})


FOREIGN: dict[str, Any] = {
    "the issue's case": lambda name: b'{"a":{}}',
    "another program's tables": lambda name: b'{"a": {"1": {"b": 2}}, "c": {}}',
    "a table of another store": one_table_of_another_store,
    "TinyDB's empty file": lambda name: b'{"_default": {}}',
    "TinyDB's default table only": lambda name: b'{"_default": {"1": {"body": "x"}}}',
    "its own table, empty": lambda name: orjson.dumps({table_of(name): {}}),
    "its own table, every document unreadable": lambda name: orjson.dumps(
        {table_of(name): {"1": "text", "2": [1, 2], "3": 7, "x": {}}}
    ),
    "only a quarantine table": lambda name: orjson.dumps(
        {"_quarantine": {"1": {"table": name, "id": "1", "problem": "x", "document": 1}}}
    ),
    "framed, of an older schema, foreign": lambda name: encode({"a": {}}, 0),
}


@pytest.mark.parametrize("name", STORE_NAMES)
@pytest.mark.parametrize("shape", FOREIGN.values(), ids=FOREIGN.keys())
def test_foreign_json_in_place_of_any_store_file_restores_the_backup(
    folder: Path, name: str, shape: Any
) -> None:
    before = held(folder, name)
    assert before, f"the seeded {name}.json holds records"
    path = store_file(folder, name)  # the journal: one of its months
    foreign = shape(name)
    path.write_bytes(foreign)

    stores = Stores(DataPaths(folder))
    assert contents(stores, [name])[name] == before
    [notice] = stores.take_notices()
    assert "was damaged" in notice and f"restored from {path.name}.bak" in notice, notice
    [aside] = path.parent.glob(f"{path.name}.damaged-*")
    assert aside.read_bytes() == foreign and aside.name in notice
    assert not list(path.parent.glob(f"{path.name}.pre-migration-*"))  # not an old file

    for _ in range(2):  # two saves later, the records are still in the file and its backup
        save_unchanged(Stores(DataPaths(folder))[name])
    assert held(folder, name) == before
    assert in_backup(folder, name) == sum(len(docs) for docs in before.values())


def journal(folder: Path) -> JournalRepo:
    return JournalRepo(Stores(DataPaths(folder))["journal"])


def add(folder: Path, body: str, minutes: int = 0) -> JournalEntry:
    entry = JournalEntry.new(body, START + timedelta(minutes=minutes))
    journal(folder).add(entry)
    return entry


def backup_bodies(folder: Path) -> set[str]:
    _, tables = decode(bak(journal_file(folder)).read_bytes())
    return {doc["body"] for doc in tables.get("journal", {}).values()}


@pytest.fixture
def three(tmp_path: Path) -> Iterator[Path]:
    """A journal of three entries, the backup holding them too."""
    folder = tmp_path / "three"
    for n, body in enumerate(("one", "two", "three")):
        add(folder, body, n)
    save_unchanged(Stores(DataPaths(folder))["journal"])
    assert backup_bodies(folder) == {"one", "two", "three"}
    yield folder


GOOD_OLD = {"body": "from a script", "created": "2025-10-10T08:00:00+00:00"}


def test_an_old_file_with_fewer_readable_records_never_rotates_the_backup_away(
    three: Path,
) -> None:
    """An old-format file of the journal's own table, one document readable and the others
    not, is converted (it is one); the backup keeps the three entries however many saves
    follow."""
    old = {"journal": {"1": GOOD_OLD, "2": "unreadable", "3": {"created": "never"}}}
    journal_file(three).write_bytes(orjson.dumps(old))
    assert [e.body for e in journal(three).all()] == ["from a script"]
    add(three, "new", 10)
    save_unchanged(Stores(DataPaths(three))["journal"])
    assert backup_bodies(three) == {"one", "two", "three"}
    assert {e.body for e in journal(three).all()} == {"from a script", "new"}


def test_a_copied_in_file_with_fewer_records_never_rotates_the_backup_away(
    three: Path, tmp_path: Path
) -> None:
    """A store file from elsewhere (an older copy, another folder's) is no descendant of the
    backup: while it holds fewer records, saves leave the backup as it is."""
    elsewhere = tmp_path / "elsewhere"
    add(elsewhere, "from another folder")
    shutil.copy(journal_file(elsewhere), journal_file(three))
    for n in range(2):
        add(three, f"new {n}", 10 + n)
    assert backup_bodies(three) == {"one", "two", "three"}
    # Once the file holds as many records as the backup, saves rotate again.
    add(three, "new 2", 12)
    add(three, "new 3", 13)
    assert backup_bodies(three) == {"from another folder", "new 0", "new 1", "new 2"}


def test_records_the_user_removed_rotate_away_as_before(three: Path) -> None:
    repo = journal(three)
    for entry in repo.all()[:2]:
        repo.delete(entry.uid)
    add(three, "after", 10)
    assert backup_bodies(three) == {"one"}  # the state after the removals, not before


def test_removals_then_encryption_rotate_as_before(three: Path) -> None:
    """Turning encryption on keeps each file's generation in its encrypted header, so the
    backup still counts as the current file's parent."""
    repo = journal(three)
    repo.delete(repo.all()[0].uid)
    cipher = new_cipher()
    paths = DataPaths(three)
    assert not encrypt_folder(paths, cipher).failed
    repo = JournalRepo(Store(journal_file(three), cipher=cipher))  # the month's file alone
    repo.add(JournalEntry.new("after", START))
    _, tables = decode(cipher.open(bak(journal_file(three)).read_bytes()))
    assert {doc["body"] for doc in tables["journal"].values()} == {"one", "two"}


def test_a_damaged_backup_is_moved_aside_not_rotated_over(three: Path) -> None:
    month = journal_file(three)
    month.write_bytes(encode({"journal": {}}, 1))  # no parent, no records
    bak(month).write_bytes(b"damaged")
    stores = Stores(DataPaths(three))
    JournalRepo(stores["journal"]).add(JournalEntry.new("new", START))
    [aside] = month.parent.glob(f"{month.name}.bak.damaged-*")
    assert aside.read_bytes() == b"damaged"
    assert any("could not be read" in n for n in stores.take_notices())


# -- The header's preview never shows what the records lack (item 9) ---------------------------


def entry_doc(uid: str, body: str, minutes: int) -> dict[str, Any]:
    doc = JournalEntry.new(body, START + timedelta(minutes=minutes), title=body).to_doc()
    return doc | {"uid": uid}


def journal_with_preview(folder: Path, preview_docs: list[Any], extra: Any = None) -> None:
    """A checksum-valid journal of entries A and B whose header previews `preview_docs`."""
    journal_file(folder).parent.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Any] = {"journal": {"1": entry_doc("a", "A", 0), "2": entry_doc("b", "B", 1)}}
    tables.update(extra or {})
    preview = {"total": len(preview_docs), "newest": preview_docs}
    journal_file(folder).write_bytes(encode(tables, 1, preview))


PHANTOM = entry_doc("p", "Phantom", 9)
SET_ASIDE = {"table": "journal", "id": "3", "problem": "x", "document": PHANTOM}
PREVIEWS: dict[str, tuple[list[Any], Any]] = {
    "an entry the records lack": ([PHANTOM, entry_doc("b", "B", 1)], None),
    "an entry whose text differs": ([entry_doc("b", "Phantom", 1), entry_doc("a", "A", 0)], None),
    "an entry only set aside": (
        [PHANTOM],
        {"_quarantine": {"1": SET_ASIDE}},
    ),
}


@pytest.mark.parametrize("preview, extra", PREVIEWS.values(), ids=PREVIEWS.keys())
def test_a_preview_that_disagrees_with_the_records_is_rebuilt(
    tmp_path: Path, preview: list[Any], extra: Any
) -> None:
    journal_with_preview(tmp_path, preview, extra)
    repo = journal(tmp_path)
    recent = repo.recent(6)
    assert "Phantom" not in {e.body for e in recent}
    assert [e.body for e in recent] == [e.body for e in repo.all()] == ["B", "A"]
    assert repo.store.preview() == Stores.PREVIEWS["journal"](repo.store.storage.read())
    repo.add(JournalEntry.new("C", START + timedelta(minutes=5)))
    _, tables = decode(journal_file(tmp_path).read_bytes())
    header_preview = orjson.loads(journal_file(tmp_path).read_bytes().split(b"\n")[1])
    assert [d["body"] for d in header_preview["newest"]] == ["C", "B", "A"]
    assert tables["journal"]


def test_a_preview_that_agrees_is_used_without_reading_the_records(tmp_path: Path) -> None:
    journal_with_preview(tmp_path, [entry_doc("b", "B", 1), entry_doc("a", "A", 0)])
    store = Stores(DataPaths(tmp_path))["journal"]
    assert [e.body for e in JournalRepo(store).recent(2)] == ["B", "A"]
    assert isinstance(store, JournalStore)
    [month] = store.months()
    assert month.storage._unparsed is not None  # the body was searched, not parsed


async def test_home_never_shows_an_entry_the_journal_lacks(new_app: Any, data_dir: Path) -> None:
    from csa_companion.screens.journal.journal import JournalScreen
    from tests.screen import screen_text
    from tests.waiting import wait_for, wait_for_screen

    journal_with_preview(data_dir, [PHANTOM, entry_doc("b", "B", 1)])
    app = new_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(lambda: "No entries yet" not in screen_text(app), "Home's entries", pilot)
        assert "Phantom" not in screen_text(app)
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        assert "Phantom" not in screen_text(app)


def bak(path: Path) -> Path:
    return path.with_name(path.name + ".bak")

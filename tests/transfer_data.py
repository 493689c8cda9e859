"""A data folder with a record of every kind the store keeps, and ways to compare folders."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson

from csa_companion.domain.journal import Draft, JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import Cipher
from csa_companion.storage.fileformat import encode
from csa_companion.storage.repos import DraftRepo, JournalRepo, SettingsRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer.records import STORE_NAMES, contents
from tests.rhythm_data import at, seed_month, seed_surveys


def seed_everything(data_dir: Path) -> None:
    """Journal, worksheets, drafts, settings, practice log, program, reflection, coaching and
    surveys, with Unicode and odd text."""
    seed_surveys(seed_month(data_dir))
    stores = Stores(DataPaths(data_dir))
    moment = at("2027-01-15T09:00")
    JournalRepo(stores["journal"]).add(
        JournalEntry(
            "Zoë's café ☕ — 週末\n\ttab\x07bell\r\nend",
            moment,
            moment,
            "Ünïcödé",
            ("odd tag", "ümlaut"),
            True,
            uid="u1",
        )
    )
    DraftRepo(stores["drafts"]).save(Draft("draft title", "draft body", "a, b", moment, key="d1"))
    SettingsRepo(stores["settings"]).set("theme", "light")


def everything(data_dir: Path, cipher: Cipher | None = None) -> dict[str, dict[str, list[bytes]]]:
    """Every document of every store, in a form that compares regardless of order and ids."""
    found = contents(Stores(DataPaths(data_dir), cipher=cipher), STORE_NAMES)
    return {
        store: {table: sorted(_canonical(d) for d in docs) for table, docs in tables.items()}
        for store, tables in found.items()
    }


def _canonical(doc: Any) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def file_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under a folder and its bytes (to show that nothing changed)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock") and not p.name.endswith(".owner")
    }


def sam_shares(sender: Path, bundle: Path) -> None:
    """Sam (whose data folder holds everything) shares worksheet w1 and entry j1."""
    from csa_companion.cli import main

    seed_everything(sender)
    share = ["share", "--worksheet", "w1", "--entry", "j1", "--name", "Sam", "--out", str(bundle)]
    assert main(["--data-dir", str(sender), *share]) == 0


def old_journal(data_dir: Path) -> tuple[bytes, bytes]:
    """A data folder of the version before months: journal.json (three months, and one
    record it cannot read) and its backup generation, beside the other stores."""
    seed_everything(data_dir)
    shutil.rmtree(data_dir / "journal")
    docs = [
        JournalEntry(f"{m} entry", at(f"2026-{m}-02T10:00"), at(f"2026-{m}-02T10:00"), uid=m)
        for m in ("09", "10", "11")
    ]
    tables = {"journal": {str(n): e.to_doc() for n, e in enumerate(docs, 1)}}
    tables["journal"]["4"] = {"body": "no uid, no created"}
    original = encode(tables, schema=1)
    older = encode({"journal": {"1": docs[0].to_doc()}}, schema=1)
    (data_dir / "journal.json").write_bytes(original)
    (data_dir / "journal.json.bak").write_bytes(older)
    return original, older

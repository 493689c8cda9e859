"""The Stores class groups the app's stores: each a Store (one TinyDB database on a
SafeJSONStorage file, store_file.py), the journal a JournalStore (one file per month,
journal_store.py).

Data is split into several small files (the journal's months, drafts, worksheets, settings)
so that an autosave of a draft rewrites a few kilobytes, and a new entry its month only.
"""

from __future__ import annotations

from collections.abc import Mapping

from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import Cipher
from csa_companion.storage.encryption import KEY_FILE
from csa_companion.storage.journal_store import JournalStore
from csa_companion.storage.private_files import sweep_temp_files
from csa_companion.storage.safe_storage import PreviewOf
from csa_companion.storage.store_file import (
    TABLES,
    Document,
    Newest,
    Store,
    tables_of,
)

__all__ = ["TABLES", "Document", "Newest", "Store", "Stores", "tables_of"]


class Stores:
    """The app's stores, each opened on first use."""

    NAMES = ("journal", "worksheets", "drafts", "settings", "practice")
    # Home lists the newest entries; kept in the header of each of the journal's files (one
    # per month, journal_store.py), they are shown without parsing thousands of entries.
    PREVIEWS: Mapping[str, PreviewOf] = {"journal": Newest("journal", "created", 10)}

    def __init__(
        self, paths: DataPaths, *, lock_timeout: float = 5.0, cipher: Cipher | None = None
    ) -> None:
        """`cipher` (from the key file, unlocked by the caller with the passphrase: storage
        never asks for it) encrypts every file written; None writes plain files."""
        self.paths = paths
        self.cipher = cipher
        self._lock_timeout = lock_timeout
        self._open: dict[str, Store] = {}
        self.notices: list[str] = []
        """Notices about the data folder as a whole (not one store's file), not yet shown."""

    def __getitem__(self, name: str) -> Store:
        if name not in self._open:
            self.paths.ensure()
            store: Store
            if name == "journal":  # one file per month (journal_store.py)
                store = JournalStore(
                    self.paths.root,
                    lock_timeout=self._lock_timeout,
                    cipher=self.cipher,
                    key_file=self.paths.root / KEY_FILE,
                )
            else:
                store = Store(
                    self.paths.store_file(name),
                    lock_timeout=self._lock_timeout,
                    preview_of=self.PREVIEWS.get(name),
                    cipher=self.cipher,
                    key_file=self.paths.root / KEY_FILE,
                )
            if not self._open and not store.storage.read_only:
                # The store swept the data folder as it opened; the first one opened also
                # sweeps the snapshots' folder and their parts', where a snapshot killed
                # mid-write left its temp file (the next snapshot would sweep it too, but may
                # be a day away).
                sweep_temp_files(self.paths.backups)
                sweep_temp_files(self.paths.backups / "parts")
            self._open[name] = store
        return self._open[name]

    @property
    def read_only(self) -> bool:
        """True if the data folder could not be written when a store last looked: everything
        can be read, nothing saved."""
        return any(store.storage.read_only for store in self._open.values())

    def refresh(self) -> bool:
        """Re-read every open store another process changed; True if any did."""
        return any([store.refresh() for store in self._open.values()])

    def take_notices(self) -> list[str]:
        own, self.notices = self.notices, []
        return [notice for store in self._open.values() for notice in store.take_notices()] + own

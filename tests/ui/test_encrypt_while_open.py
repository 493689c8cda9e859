"""`encrypt` run in a shell while the app is open on the folder: the app says what happened
(encryption was turned on meanwhile), once, and never that key.json is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import new_cipher, wrap
from csa_companion.storage.encryption import encrypt_folder, write_key
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.safe_storage import StoreEncryptedError
from csa_companion.storage.store import Stores
from tests.conftest import START, AppFactory
from tests.screen import screen_text
from tests.waiting import wait_for

TRUE_NOTICE = "Encryption was turned on in"


def encrypt_as_the_shell_does(data_dir: Path) -> None:
    """What `csa-companion encrypt` does: the key file first, then every file sealed."""
    paths, cipher = DataPaths(data_dir), new_cipher()
    write_key(paths, wrap(cipher, "correct horse battery"))
    assert not encrypt_folder(paths, cipher).failed


def test_a_store_opened_before_encrypt_says_it_was_turned_on(data_dir: Path) -> None:
    stores = Stores(DataPaths(data_dir))
    repo = JournalRepo(stores["journal"])
    repo.add(JournalEntry.new("mine", START))
    encrypt_as_the_shell_does(data_dir)
    with pytest.raises(StoreEncryptedError) as raised:
        stores.refresh()
    assert TRUE_NOTICE in str(raised.value) and "key.json is missing" not in str(raised.value)
    assert f"{TRUE_NOTICE} {data_dir} while" in str(raised.value)  # the data folder, by name
    (data_dir / "key.json").unlink()  # and when it really is missing, that is what it says
    with pytest.raises(StoreEncryptedError, match=r"key\.json is missing") as missing:
        stores.refresh()
    assert f"encryption is not on in {data_dir} (" in str(missing.value)


async def test_the_app_open_during_encrypt_shows_only_the_true_notice(
    new_app: AppFactory, data_dir: Path
) -> None:
    JournalRepo(Stores(DataPaths(data_dir))["journal"]).add(JournalEntry.new("mine", START))
    app = new_app()
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_for(lambda: "mine" in screen_text(app), "Home", pilot)
        encrypt_as_the_shell_does(data_dir)
        for _ in range(3):
            app.poll_store()
            await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert sum(TRUE_NOTICE in m for m in messages) == 1, messages
        assert not any("key.json is missing" in m for m in messages), messages

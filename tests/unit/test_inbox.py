"""The presentation inbox (storage/inbox.py): sealed to the owner's public key, opened only with
the passphrase, checked before it joins the data, and kept through the encryption commands."""

from __future__ import annotations

import base64
import functools
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from csa_companion.clock import FakeClock
from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.storage.crypto import Cipher, SealError, new_cipher, wrap
from csa_companion.storage.encryption import write_key
from csa_companion.storage.inbox import (
    NoOwnerKey,
    OwnerKey,
    PresentationSink,
    _new_pair,
    ensure_owner_key,
    join_inbox,
    owner_key_path,
    pending,
    public_key,
    seal_for_owner,
)
from csa_companion.storage.repos import SettingsRepo, WorksheetRepo
from csa_companion.storage.store import Stores
from tests.conftest import START
from tests.unit.test_encryption import PASS, cli, everything_in

SECRET = "Ocelot group words"


def encrypted(folder: Path) -> tuple[DataPaths, Cipher]:
    paths = DataPaths(folder)
    paths.ensure()
    cipher = new_cipher()
    write_key(paths, wrap(cipher, PASS))
    return paths, cipher


@functools.cache
def blank_group_sheet() -> Worksheet:
    tool = load_library([bundled_content_dir()]).get("iceberg")
    assert isinstance(tool, Tool)
    return Worksheet.new(tool, "Group session", START, group=True)


def group_sheet(answer: str = SECRET, when: timedelta = timedelta()) -> Worksheet:
    """The same group worksheet (one uid), answered."""
    return blank_group_sheet().with_answer("event", answer, START + when)


def test_sealed_for_the_owner_opens_only_with_the_private_half() -> None:
    folder_pair = _new_pair()
    sealed = seal_for_owner(folder_pair.public, SECRET.encode())
    assert SECRET.encode() not in sealed
    assert folder_pair.open(sealed) == SECRET.encode()
    with pytest.raises(SealError, match="only the owner"):
        OwnerKey(folder_pair.public).open(sealed)
    other = _new_pair()
    with pytest.raises(SealError, match="another key"):
        other.open(sealed)
    changed = bytearray(sealed)
    changed[-1] ^= 1
    with pytest.raises(SealError, match="changed"):
        folder_pair.open(bytes(changed))


def test_the_pair_is_made_at_unlock_and_its_private_half_is_sealed(tmp_path: Path) -> None:
    paths, cipher = encrypted(tmp_path)
    with pytest.raises(NoOwnerKey, match="unlock it once more"):
        PresentationSink.open(paths)
    pair, notice = ensure_owner_key(paths, cipher)
    assert notice is None and pair.private is not None
    stored = owner_key_path(paths).read_bytes()
    assert base64.b64encode(pair.private) not in stored  # sealed with the data key
    assert public_key(paths) == pair.public
    assert ensure_owner_key(paths, cipher) == (pair, None)  # made once
    assert (owner_key_path(paths).stat().st_mode & 0o777) == 0o600


def test_a_swapped_public_key_is_caught_at_unlock(tmp_path: Path) -> None:
    paths, cipher = encrypted(tmp_path)
    pair, _ = ensure_owner_key(paths, cipher)
    doc = orjson.loads(owner_key_path(paths).read_bytes())
    doc["public"] = base64.b64encode(bytes(32)).decode()
    owner_key_path(paths).write_bytes(orjson.dumps(doc))
    fresh, notice = ensure_owner_key(paths, cipher)
    assert notice is not None and "did not match your data key" in notice
    assert fresh.public != pair.public and public_key(paths) == fresh.public


def test_a_group_worksheet_and_a_preset_join_at_unlock_and_leave_the_inbox(
    tmp_path: Path,
) -> None:
    paths, cipher = encrypted(tmp_path)
    ensure_owner_key(paths, cipher)
    sink = PresentationSink.open(paths, FakeClock(START).now)
    sheet = group_sheet()
    sink.put("group-worksheet", group_sheet("first words").to_doc())
    sink.put("group-worksheet", sheet.to_doc())  # the newest save replaces the file
    sink.put("setting", {"key": "practice-preset:arrival", "value": {"total": 300}})
    assert len(pending(paths)) == 2
    assert SECRET.encode() not in everything_in(tmp_path)
    stores = Stores(paths, cipher=cipher)
    notices = join_inbox(stores)
    assert notices == [
        "Saved by a presentation while your data was locked, now with it: 1 group worksheet."
    ]
    assert pending(paths) == []
    [joined] = WorksheetRepo(stores["worksheets"]).all()
    assert joined.answer("event") == SECRET and joined.group
    assert SettingsRepo(stores["settings"]).get("practice-preset:arrival") == {"total": 300}
    assert SECRET.encode() not in everything_in(tmp_path)


def test_the_inbox_takes_only_what_a_presentation_writes(tmp_path: Path) -> None:
    """Anyone who can write the folder can seal to its public key: a personal worksheet, a
    setting such as backup_keep or lock-minutes, or a kind nobody registered is set aside."""
    paths, cipher = encrypted(tmp_path)
    ensure_owner_key(paths, cipher)
    public = public_key(paths)
    assert public is not None
    sink = PresentationSink.open(paths)
    personal = replace(group_sheet(), group=False)
    sink.put("group-worksheet", personal.to_doc())
    sink.put("setting", {"key": "backup_keep", "value": 1})
    sink.put("setting", {"key": "lock-minutes", "value": 0})
    (paths.root / "inbox" / "journal-1.sealed").write_bytes(
        seal_for_owner(public, orjson.dumps({"kind": "journal", "key": "x", "op": "put"}))
    )
    (paths.root / "inbox" / "garbage.sealed").write_bytes(b"not sealed at all")
    stores = Stores(paths, cipher=cipher)
    notices = join_inbox(stores)
    assert len(notices) == 1 and "5 files" in notices[0] and "kept aside" in notices[0]
    assert pending(paths) == []
    assert len(list((paths.root / "inbox").glob("*.unopened"))) == 5
    assert WorksheetRepo(stores["worksheets"]).all() == []
    settings = SettingsRepo(stores["settings"])
    assert settings.get("backup_keep") is None and settings.get("lock-minutes") is None


def test_a_newer_stored_worksheet_is_kept_and_a_removal_joins_too(tmp_path: Path) -> None:
    paths, cipher = encrypted(tmp_path)
    ensure_owner_key(paths, cipher)
    stores = Stores(paths, cipher=cipher)
    repo = WorksheetRepo(stores["worksheets"])
    repo.save(group_sheet("edited after", timedelta(hours=1)))
    sink = PresentationSink.open(paths)
    sink.put("group-worksheet", group_sheet("older words").to_doc())
    join_inbox(stores)
    [kept] = repo.all()
    assert kept.answer("event") == "edited after"
    sink.remove("group-worksheet", kept.uid)
    join_inbox(stores)
    assert repo.all() == []


def test_the_encryption_commands_keep_the_pair_and_decrypt_joins_the_inbox_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    code, _, _ = cli(capsys, monkeypatch, data_dir, "encrypt", stdin=f"{PASS}\n{PASS}\n")
    paths = DataPaths(data_dir)
    public = public_key(paths)
    assert code == 0 and public is not None  # a new encrypted folder can present at once
    new = "new words here"
    code, _, _ = cli(capsys, monkeypatch, data_dir, "passphrase", stdin=f"{PASS}\n{new}\n{new}\n")
    assert code == 0 and public_key(paths) == public  # sealed with the data key: unchanged
    PresentationSink.open(paths).put("group-worksheet", group_sheet().to_doc())
    code, _, err = cli(capsys, monkeypatch, data_dir, "decrypt", stdin=f"{new}\n")
    assert code == 0 and "1 group worksheet" in err
    assert not owner_key_path(paths).exists() and pending(paths) == []
    [sheet] = WorksheetRepo(Stores(paths)["worksheets"]).all()
    assert sheet.answer("event") == SECRET

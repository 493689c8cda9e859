"""What an import file may not do: apply settings unasked, prune the snapshots that undo it,
win every merge with a date in the future, slip unchecked records in as set aside, carry a
record of any size, or make the app derive a key for as long as it likes."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import KeyRecord, read_header, seal_standalone
from csa_companion.storage.repos import JournalRepo, SettingsRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.records import count, digest
from tests.conftest import START
from tests.transfer_data import file_bytes

NOW = datetime.now().astimezone()  # the shell commands read the system clock


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    try:
        code = main(["--data-dir", str(folder), *argv])
    except SystemExit as usage:  # argparse's own refusals
        code = int(usage.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def entry(body: str, uid: str = "", minutes: int = 0) -> dict[str, Any]:
    doc = JournalEntry.new(body, START + timedelta(minutes=minutes)).to_doc()
    return doc | ({"uid": uid} if uid else {})


def export_file(folder: Path, stores: dict[str, dict[str, list[Any]]]) -> Path:
    """An export file holding `stores`, with the count and checksum that match them."""
    data = {
        "format": "csa-companion-export",
        "version": 1,
        "app": "test",
        "written": NOW.isoformat(),
        "schema": 1,
        "count": count(stores),
        "sha256": digest(stores),
        "stores": stores,
    }
    path = folder / "incoming.json"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(data))
    return path


def settings_file(folder: Path, **values: Any) -> Path:
    docs = [{"key": key.replace("_minutes", "-minutes"), "value": v} for key, v in values.items()]
    return export_file(
        folder, {"journal": {"journal": [entry("from the file")]}, "settings": {"settings": docs}}
    )


def settings_of(folder: Path) -> dict[str, Any]:
    return {
        d["key"]: d["value"]
        for d in Stores(DataPaths(folder))["settings"].documents("settings")
        if d["key"] != backup.LAST_DAY_SETTING
    }


# -- item 2: settings on import, and the snapshots that undo an import ---------------------------


def test_an_import_leaves_the_files_settings_out_and_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    JournalRepo(Stores(DataPaths(data))["journal"]).add(JournalEntry.new("mine", START))
    incoming = settings_file(tmp_path, backup_keep=1, lock_minutes=0, theme="light")
    code, out, err = run(capsys, monkeypatch, data, "import", str(incoming))
    assert code == 0, err
    assert "1 added" in out and "3 settings in the file left out" in out
    assert "`import --settings` applies them" in out
    assert settings_of(data) == {}
    # The case: the next backups keep the snapshot taken before the import.
    [before_import] = [s.name for s in backup.snapshots(Stores(DataPaths(data)))]
    for _ in range(3):
        assert run(capsys, monkeypatch, data, "backup")[0] == 0
    assert before_import in [s.name for s in backup.snapshots(Stores(DataPaths(data)))]


def test_import_settings_applies_them_and_names_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    incoming = settings_file(tmp_path, lock_minutes=0, theme="light", backup_keep=4)
    code, out, err = run(capsys, monkeypatch, data, "import", "--settings", str(incoming))
    assert code == 0, err
    assert "settings taken from the file: backup_keep, lock-minutes, theme" in out
    assert settings_of(data) == {"lock-minutes": 0, "theme": "light", "backup_keep": 4}


@pytest.mark.parametrize("keep", [0, 1, 2, -5, "1", 2.5, None])
def test_backup_keep_below_three_is_refused_from_an_import(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keep: Any
) -> None:
    data = tmp_path / "data"
    JournalRepo(Stores(DataPaths(data))["journal"]).add(JournalEntry.new("mine", START))
    before = file_bytes(data)
    incoming = settings_file(tmp_path, backup_keep=keep)
    code, _, err = run(capsys, monkeypatch, data, "import", "--settings", str(incoming))
    assert code == 1 and err.count("\n") == 1
    assert "backup_keep" in err and "at least 3" in err and "nothing was imported" in err
    assert file_bytes(data) == before


@pytest.mark.parametrize("minutes", [-5, 1441, 1e9, float("nan"), "10", True, None])
def test_lock_minutes_the_shell_would_refuse_are_refused_from_an_import(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    minutes: Any,
) -> None:
    """`import --settings` took lock-minutes = -5 (the app then never locked) where
    `encrypt --lock-after` takes 0 to 1440."""
    data = tmp_path / "data"
    JournalRepo(Stores(DataPaths(data))["journal"]).add(JournalEntry.new("mine", START))
    before = file_bytes(data)
    incoming = settings_file(tmp_path, lock_minutes=minutes)
    code, _, err = run(capsys, monkeypatch, data, "import", "--settings", str(incoming))
    assert code == 1 and err.count("\n") == 1, err
    assert "lock-minutes" in err and "0 (never) to 1440" in err and "nothing was imported" in err
    assert file_bytes(data) == before


@pytest.mark.parametrize("keep", ["0", "1", "2"])
def test_backup_keep_below_three_is_refused_from_the_shell(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keep: str
) -> None:
    code, _, err = run(capsys, monkeypatch, tmp_path / "data", "backup", "--keep", keep)
    assert code == 2 and ("at least 3" in err or "must be 1 or more" in err)
    assert not (tmp_path / "data" / "settings.json").exists()


def test_a_stored_backup_keep_below_three_keeps_the_default(tmp_path: Path) -> None:
    """However it got there (an import by an older version, a restored snapshot)."""
    stores = Stores(DataPaths(tmp_path))
    SettingsRepo(stores["settings"]).set(backup.KEEP_SETTING, 1)
    assert backup.keep_count(stores) == backup.DEFAULT_KEEP


def test_pruning_keeps_recent_snapshots_taken_before_an_import_or_a_restore(
    tmp_path: Path,
) -> None:
    stores = Stores(DataPaths(tmp_path))
    JournalRepo(stores["journal"]).add(JournalEntry.new("mine", START))
    SettingsRepo(stores["settings"]).set(backup.KEEP_SETTING, 3)
    day = timedelta(days=1)
    old_import = backup.take(stores, NOW - 40 * day, label="before-import")
    recent_import = backup.take(stores, NOW - 29 * day, label="before-import")
    recent_restore = backup.take(stores, NOW - 20 * day, label="before-restore", prune=False)
    for n in range(6):
        backup.take(stores, NOW - (10 - n) * day)
    names = [s.name for s in backup.snapshots(stores)]
    assert recent_import.name in names and recent_restore.name in names
    assert old_import.name not in names
    assert len(names) == 3 + 2  # the kept number, and the two protected ones


# -- item 3: a date in the future, and what the store set aside -----------------------------------


def journal_bodies(folder: Path) -> dict[str, str]:
    return {e.uid: e.body for e in JournalRepo(Stores(DataPaths(folder))["journal"]).all()}


@pytest.mark.parametrize(
    "field, shift",
    [("updated", timedelta(days=365 * 73)), ("updated", timedelta(days=1, minutes=5))],
)
def test_a_record_changed_more_than_a_day_ahead_refuses_the_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    field: str,
    shift: timedelta,
) -> None:
    data = tmp_path / "data"
    JournalRepo(Stores(DataPaths(data))["journal"]).add(
        JournalEntry.from_doc(entry("my words", uid="u1"))
    )
    before = file_bytes(data)
    future = entry("replaced", uid="u1") | {field: (NOW + shift).isoformat()}
    incoming = export_file(tmp_path, {"journal": {"journal": [entry("new"), future]}})
    code, _, err = run(capsys, monkeypatch, data, "import", str(incoming))
    assert code == 1 and err.count("\n") == 1, err
    assert "journal/journal record 2 (uid u1)" in err and "more than a day from now" in err
    assert file_bytes(data) == before
    assert journal_bodies(data) == {"u1": "my words"}


def test_a_record_a_few_hours_ahead_is_taken_clocks_differ(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    ahead = entry("from a laptop whose clock is fast", uid="u2")
    ahead["updated"] = (NOW + timedelta(hours=20)).isoformat()
    code, _, err = run(
        capsys,
        monkeypatch,
        data,
        "import",
        str(export_file(tmp_path, {"journal": {"journal": [ahead]}})),
    )
    assert code == 0, err


def test_a_bundle_written_more_than_a_day_ahead_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.transfer_data import sam_shares

    bundle = tmp_path / "bundle.json"
    sam_shares(tmp_path / "sam", bundle)
    data = orjson.loads(bundle.read_bytes())
    data["written"] = "2099-01-01T00:00:00+00:00"
    bundle.write_bytes(orjson.dumps(data))
    code, _, err = run(capsys, monkeypatch, tmp_path / "data", "import", str(bundle))
    assert code == 1 and "was written on 2099-01-01" in err and err.count("\n") == 1
    assert not (tmp_path / "data" / "shared.json").exists()


SET_ASIDE_OK = {"table": "journal", "id": "4", "problem": "uid is missing", "document": {"b": 1}}
BAD_SET_ASIDE = {
    "not a document": "x",
    "fields missing": {"document": {"b": 1}},
    "fields added": SET_ASIDE_OK | {"extra": 1},
    "another file's table": SET_ASIDE_OK | {"table": "worksheets"},
    "id not text": SET_ASIDE_OK | {"id": 4},
    "too large": SET_ASIDE_OK | {"document": "x" * (5 * 1024 * 1024)},
}


@pytest.mark.parametrize("doc", BAD_SET_ASIDE.values(), ids=BAD_SET_ASIDE.keys())
def test_a_set_aside_table_in_a_file_is_checked_before_anything_changes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, doc: Any
) -> None:
    data = tmp_path / "data"
    JournalRepo(Stores(DataPaths(data))["journal"]).add(JournalEntry.new("mine", START))
    before = file_bytes(data)
    incoming = export_file(tmp_path, {"journal": {"journal": [entry("new")], "_quarantine": [doc]}})
    code, _, err = run(capsys, monkeypatch, data, "import", str(incoming))
    assert code == 1 and err.count("\n") == 1
    assert "journal/_quarantine record 1 cannot be read" in err
    assert file_bytes(data) == before


def test_a_set_aside_record_in_the_stores_own_shape_is_kept_set_aside(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    incoming = export_file(
        tmp_path, {"journal": {"journal": [entry("new")], "_quarantine": [SET_ASIDE_OK]}}
    )
    assert run(capsys, monkeypatch, data, "import", str(incoming))[0] == 0
    assert Stores(DataPaths(data))["journal"].documents("_quarantine") == [SET_ASIDE_OK]


def test_a_table_a_store_never_holds_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    incoming = export_file(tmp_path, {"journal": {"worksheets": [], "journal": [entry("x")]}})
    code, _, err = run(capsys, monkeypatch, tmp_path / "data", "import", str(incoming))
    assert code == 1 and "journal/worksheets: journal holds no such table" in err


# -- item 5: a record larger than the documented limit --------------------------------------------


def big_entry(size: int) -> dict[str, Any]:
    return entry("x" * size, uid="big")


def test_a_record_larger_than_the_limit_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    incoming = export_file(tmp_path, {"journal": {"journal": [entry("ok"), big_entry(9 << 20)]}})
    code, _, err = run(capsys, monkeypatch, data, "import", str(incoming))
    assert code == 1 and err.count("\n") == 1
    assert "journal/journal record 2 cannot be read (it is 9.0 MB; a record may be" in err
    assert not (data / "journal.json").exists()
    just_under = export_file(tmp_path, {"journal": {"journal": [big_entry(4 * 1000 * 1000)]}})
    assert run(capsys, monkeypatch, data, "import", str(just_under))[0] == 0


def test_a_jrnl_entry_larger_than_the_limit_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    jrnl = tmp_path / "jrnl.json"
    big = {"date": "2026-11-01", "time": "09:00", "title": "t", "body": "x" * (5 << 20)}
    jrnl.write_bytes(orjson.dumps({"tags": {}, "entries": [big]}))
    code, _, err = run(
        capsys, monkeypatch, tmp_path / "data", "import", "--from", "jrnl", str(jrnl)
    )
    assert code == 1 and "a record may be at most 4 MB" in err and err.count("\n") == 1


def test_a_shared_record_larger_than_the_limit_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from csa_companion.transfer.records import digest as sha
    from tests.transfer_data import sam_shares

    bundle = tmp_path / "bundle.json"
    sam_shares(tmp_path / "sam", bundle)
    data = orjson.loads(bundle.read_bytes())
    data["items"][0]["text"] = "x" * (5 << 20)
    data["sha256"] = sha(data["items"])
    bundle.write_bytes(orjson.dumps(data))
    code, _, err = run(capsys, monkeypatch, tmp_path / "data", "import", str(bundle))
    assert code == 1 and "a record may be at most 4 MB" in err and err.count("\n") == 1


def test_a_record_nested_deeper_than_the_store_writes_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    incoming = tmp_path / "deep.json"
    head = b'{"format":"csa-companion-export","version":1,"schema":1,"count":1,"sha256":"0",'
    incoming.write_bytes(
        head
        + b'"stores":{"journal":{"_quarantine":[{"table":"journal","id":"4","problem":"p",'
        + b'"document":'
        + b'{"d":' * 300
        + b'"x"'
        + b"}" * 300
        + b"}]}}}"
    )
    code, _, err = run(capsys, monkeypatch, tmp_path / "data", "import", str(incoming))
    assert code == 1 and "nested too deeply" in err and err.count("\n") == 1


# -- item 4: a file's own key settings are bounded before anything is derived ---------------------

HOSTILE_KEYS = {
    "the issue's file": {"memory_kib": 1024 * 1024, "iterations": 100, "lanes": 64},
    "too much memory": {"memory_kib": 256 * 1024 + 1},
    "too many passes": {"iterations": 11},
    "too many lanes": {"lanes": 9, "memory_kib": 9 * 1024},
    "less memory than its lanes need": {"lanes": 4, "memory_kib": 31},
    "no passes": {"iterations": 0},
    "salt too short": {"salt": "c2FsdA=="},
}


def hostile(tmp_path: Path, **params: Any) -> Path:
    sealed = seal_standalone(b'{"format": "csa-companion-export"}', "the file's passphrase")
    header, _, body = read_header(sealed)
    header["keyring"].update(params)
    path = tmp_path / "hostile.json"
    path.write_bytes(orjson.dumps(header) + b"\n" + bytes(body))
    return path


@pytest.mark.parametrize("params", HOSTILE_KEYS.values(), ids=HOSTILE_KEYS.keys())
def test_key_settings_out_of_bounds_are_refused_before_anything_is_derived(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    params: dict[str, Any],
) -> None:
    file = hostile(tmp_path, **params)
    derived: list[object] = []
    real_kek: Callable[..., Any] = KeyRecord._kek

    def kek(*args: Any) -> Any:
        derived.append(args)
        return real_kek(*args)

    monkeypatch.setattr(KeyRecord, "_kek", kek)
    started = time.monotonic()
    code, _, err = run(
        capsys,
        monkeypatch,
        tmp_path / "data",
        "import",
        str(file),
        stdin="the file's passphrase\n",
    )
    assert code == 1 and err.count("\n") == 1, err
    assert "does not decrypt" in err and "nothing was imported" in err
    assert derived == [] and time.monotonic() - started < 5
    if "salt" not in params:
        assert "csa-companion allows up to 256 MiB, 10 passes and 8 lanes" in err


def test_the_bounds_hold_for_the_data_folders_key_file_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    assert run(capsys, monkeypatch, data, "encrypt", stdin="long enough pass\n" * 2)[0] == 0
    key = orjson.loads((data / "key.json").read_bytes())
    (data / "key.json").write_bytes(orjson.dumps(key | {"memory_kib": 1024 * 1024}))
    monkeypatch.setenv("CSA_COMPANION_PASSPHRASE", "long enough pass")
    code, _, err = run(capsys, monkeypatch, data, "journal", "list")
    assert code == 1 and err.count("\n") == 1 and "1024 MiB" in err


def test_our_own_settings_are_inside_the_bounds() -> None:
    from csa_companion.storage import crypto

    assert crypto.ARGON2_MEMORY_KIB <= crypto.ARGON2_MAX_MEMORY_KIB
    assert crypto.ARGON2_ITERATIONS <= crypto.ARGON2_MAX_ITERATIONS
    assert crypto.ARGON2_LANES <= crypto.ARGON2_MAX_LANES


def test_journal_add_of_text_larger_than_the_limit_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    code, _, err = run(capsys, monkeypatch, data, "journal", "add", stdin="x" * (5 << 20))
    assert code == 2 and err.count("\n") == 1
    assert "it is 5.0 MB; a record may be at most 4 MB; nothing was added" in err
    assert not (data / "journal.json").exists()

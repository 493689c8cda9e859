"""Encryption at rest: the cipher and key file, encrypted stores (recovery, migration, no
plaintext on disk), turning it on and off for a folder, and the shell commands."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import (
    Cipher,
    SealError,
    WrongPassphrase,
    is_sealed,
    new_cipher,
    open_standalone,
    seal_standalone,
    wrap,
)
from csa_companion.storage.encryption import (
    decrypt_folder,
    encrypt_folder,
    key_path,
    read_key,
    write_key,
)
from csa_companion.storage.fileformat import encode
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.safe_storage import StoreEncryptedError
from csa_companion.storage.store import Stores
from tests.conftest import START
from tests.helpers import journal_file
from tests.unit.test_hostile_shell import (
    ENCRYPTION_COMMANDS,
    Command,
    Setting,
    assert_clean,
    copy_of,
    one_line,
    read_only,  # noqa: F401  (a fixture)
    run_all,
    seeded,  # noqa: F401  (a fixture)
)

PASS = "correct horse battery"
SECRET = "Marker-of-a-private-sentence"
DATA = Path(__file__).parent.parent / "data"


def everything_in(folder: Path) -> bytes:
    """Every byte of every file in the folder, hidden ones and subfolders included."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def encrypted_folder(folder: Path) -> Cipher:
    cipher = new_cipher()
    DataPaths(folder).ensure()
    write_key(DataPaths(folder), wrap(cipher, PASS))
    return cipher


def journal(folder: Path, cipher: Cipher | None) -> JournalRepo:
    return JournalRepo(Stores(DataPaths(folder), cipher=cipher)["journal"])


# -- the cipher and the key file --------------------------------------------------------------


def test_each_seal_has_a_fresh_nonce_and_opens_only_unchanged() -> None:
    cipher = new_cipher()
    one, two = cipher.seal(b"same words"), cipher.seal(b"same words")
    assert one != two and is_sealed(one)
    assert cipher.open(one) == cipher.open(two) == b"same words"
    header_end = one.index(b"\n")
    changed_header = one.replace(b'"version":1', b'"version":1,"x":1')
    flipped = one[:-1] + bytes([one[-1] ^ 1])
    for broken, why in (
        (one[: header_end + 5], "cut off"),
        (flipped, "cut off or was changed"),
        (changed_header, "cut off or was changed"),  # the header is authenticated
    ):
        with pytest.raises(SealError, match=why):
            cipher.open(broken)
    with pytest.raises(SealError, match="another key"):
        new_cipher().open(one)


def test_the_key_file_holds_no_secret_and_opens_only_with_the_passphrase(tmp_path: Path) -> None:
    cipher = encrypted_folder(tmp_path)
    record = read_key(DataPaths(tmp_path))
    assert record is not None
    text = key_path(DataPaths(tmp_path)).read_text()
    assert PASS not in text and cipher._key.hex() not in text
    assert '"memory_kib": 19456' in text and '"iterations": 2' in text
    with pytest.raises(WrongPassphrase, match="wrong passphrase; nothing was changed"):
        record.unlock("correct horse batterY")
    sealed = cipher.seal(b"x")
    assert record.unlock(PASS).open(sealed) == b"x"
    # A passphrase typed with a decomposed accent opens a key made with the composed one.
    write_key(DataPaths(tmp_path), wrap(cipher, "caf\u00e9 au lait"))
    assert read_key(DataPaths(tmp_path)).unlock("cafe\u0301 au lait").open(sealed) == b"x"  # type: ignore[union-attr]


def test_a_standalone_file_opens_with_its_own_passphrase() -> None:
    sealed = seal_standalone(b"a bundle", "bundle passphrase")
    assert open_standalone(sealed, "bundle passphrase") == b"a bundle"
    with pytest.raises(WrongPassphrase):
        open_standalone(sealed, "not it at all")


# -- an encrypted store -----------------------------------------------------------------------


def test_an_encrypted_store_writes_no_plaintext_and_reopens(tmp_path: Path) -> None:
    cipher = encrypted_folder(tmp_path)
    repo = journal(tmp_path, cipher)
    for n in range(3):
        repo.add(JournalEntry.new(f"{SECRET} {n}", START))
    month = journal_file(tmp_path)
    assert is_sealed(month.read_bytes())
    assert is_sealed(month.with_name(month.name + ".bak").read_bytes())
    assert SECRET.encode() not in everything_in(tmp_path)
    assert len(journal(tmp_path, cipher).all()) == 3
    # The preview (Home's newest entries) is inside the ciphertext and still works.
    reopened = Stores(DataPaths(tmp_path), cipher=cipher)["journal"]
    assert reopened.preview()["total"] == 3


def test_no_plaintext_temp_file_reaches_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever is renamed into place (the temp file) is ciphertext already."""
    cipher = encrypted_folder(tmp_path)
    seen: list[bytes] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        if str(src).endswith(".tmp"):
            seen.append(Path(src).read_bytes())
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    journal(tmp_path, cipher).add(JournalEntry.new(SECRET, START))
    assert seen and all(is_sealed(raw) and SECRET.encode() not in raw for raw in seen)


def test_a_damaged_encrypted_file_is_set_aside_and_its_backup_restored(tmp_path: Path) -> None:
    cipher = encrypted_folder(tmp_path)
    repo = journal(tmp_path, cipher)
    repo.add(JournalEntry.new("first", START))
    repo.add(JournalEntry.new("second", START))
    main_file = journal_file(tmp_path)  # the month's file
    raw = main_file.read_bytes()
    main_file.write_bytes(raw[: len(raw) - 10])  # cut off

    store = Stores(DataPaths(tmp_path), cipher=cipher)["journal"]
    assert [e.body for e in JournalRepo(store).all()] == ["first"]
    [notice] = store.take_notices()
    assert "does not decrypt" in notice and f"restored from {main_file.name}.bak" in notice
    [aside] = main_file.parent.glob(f"{main_file.name}.damaged-*")
    assert is_sealed(aside.read_bytes())
    assert is_sealed(main_file.read_bytes())


def test_an_older_file_is_migrated_and_its_original_kept_encrypted(tmp_path: Path) -> None:
    cipher = encrypted_folder(tmp_path)
    shutil.copy(DATA / "journal-schema0.json", tmp_path / "journal.json")
    repo = journal(tmp_path, cipher)
    assert repo.all()
    [kept] = tmp_path.glob("journal.json.pre-migration-v0")
    assert is_sealed(kept.read_bytes()) and is_sealed(
        (tmp_path / "journal.json.pre-split").read_bytes()
    )
    assert all(is_sealed(month.read_bytes()) for month in (tmp_path / "journal").glob("*.json"))
    assert cipher.open(kept.read_bytes()) == (DATA / "journal-schema0.json").read_bytes()


def test_an_encrypted_file_without_the_key_is_refused_and_left_alone(tmp_path: Path) -> None:
    cipher = encrypted_folder(tmp_path)
    journal(tmp_path, cipher).add(JournalEntry.new(SECRET, START))
    key_path(DataPaths(tmp_path)).unlink()
    before = everything_in(tmp_path)
    with pytest.raises(StoreEncryptedError, match=rf"{START:%Y-%m}.json is encrypted.*key.json"):
        journal(tmp_path, None).all()
    assert everything_in(tmp_path) == before
    assert not list(tmp_path.glob("*damaged*"))


# -- turning it on and off --------------------------------------------------------------------


def plain_folder_with_everything(folder: Path) -> None:
    """Entries in the store and its backup, a file kept aside after damage, one kept before a
    migration, and a snapshot in the backups folder, all plaintext."""
    repo = journal(folder, None)
    for n in range(3):
        repo.add(JournalEntry.new(f"{SECRET} {n}", START))
    tables = {"journal": {"1": {"body": SECRET}}}
    month = journal_file(folder)
    month.with_name(f"{month.name}.damaged-20261101-101010").write_bytes(b"half " + SECRET.encode())
    (folder / "journal.json.pre-migration-v0").write_bytes(encode(tables, 0))
    (folder / "backups").mkdir()
    (folder / "backups" / "2026-11-24.json").write_bytes(encode(tables, 1))


def test_encrypting_a_folder_leaves_no_plaintext_and_decrypting_restores_it(
    tmp_path: Path,
) -> None:
    plain_folder_with_everything(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.rglob("*.json*") if p.is_file()}
    # `.bak` sharing the main file's contents (a hard link) is encrypted, not zeroed.
    month = journal_file(tmp_path)
    backup = month.with_name(month.name + ".bak")
    os.unlink(backup)
    os.link(month, backup)
    before[backup.name] = before[month.name]
    cipher = encrypted_folder(tmp_path)

    done = encrypt_folder(DataPaths(tmp_path), cipher)
    assert done.failed == [] and len(done.changed) == 5
    assert SECRET.encode() not in everything_in(tmp_path)
    assert not list(tmp_path.rglob(".*.tmp"))
    assert encrypt_folder(DataPaths(tmp_path), cipher).changed == []  # nothing left to do
    assert len(journal(tmp_path, cipher).all()) == 3

    assert len(decrypt_folder(DataPaths(tmp_path), cipher).changed) == 5
    after = {p.name: p.read_bytes() for p in tmp_path.rglob("*.json*") if p.is_file()}
    after.pop("key.json")
    assert {n: b for n, b in after.items() if ".lock" not in n} == {
        n: b for n, b in before.items() if ".lock" not in n
    }


# -- the shell commands -----------------------------------------------------------------------


def cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(["--data-dir", str(folder), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_encrypt_add_list_change_passphrase_and_decrypt(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        return cli(capsys, monkeypatch, data_dir, *argv, stdin=stdin)

    assert run("journal", "add", f"{SECRET} before")[0] == 0
    code, out, _ = run("encrypt", stdin=f"{PASS}\n{PASS}\n")
    assert code == 0 and "encrypted 1 file in the data folder" in out
    assert "key.json  (encryption on)" in run("where")[1]
    assert SECRET.encode() not in everything_in(data_dir)

    # `journal add` with piped text: the first line is the passphrase, the rest the entry.
    code, out, _ = run("journal", "add", stdin=f"{PASS}\n{SECRET} piped\nsecond line\n")
    assert code == 0 and "added" in out
    code, out, _ = run("journal", "list", stdin=f"{PASS}\n")
    assert code == 0 and f"{SECRET} piped" in out and f"{SECRET} before" in out
    monkeypatch.setenv("CSA_COMPANION_PASSPHRASE", PASS)
    assert f"{SECRET} piped" in run("journal", "list")[1]
    monkeypatch.delenv("CSA_COMPANION_PASSPHRASE")
    assert SECRET.encode() not in everything_in(data_dir)

    stores_before = {p: p.read_bytes() for p in data_dir.glob("journal/*.json*")}
    code, out, _ = run("passphrase", stdin=f"{PASS}\nnew words here\nnew words here\n")
    assert code == 0 and "passphrase changed" in out
    assert {p: p.read_bytes() for p in data_dir.glob("journal/*.json*")} == stores_before
    code, _, err = run("journal", "list", stdin=f"{PASS}\n")
    assert code == 1 and err == "csa-companion: wrong passphrase; nothing was changed\n"
    code, out, _ = run("decrypt", stdin="new words here\n")
    assert code == 0 and "encryption is off" in out
    assert not key_path(DataPaths(data_dir)).exists()
    months = b"".join(p.read_bytes() for p in data_dir.glob("journal/*.json"))
    assert f"{SECRET} piped".encode() in months
    assert f"{SECRET} piped" in run("journal", "list")[1]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (f"{PASS}\n{PASS}x\n", "the two passphrases differ; nothing was changed"),
        ("short\nshort\n", "at least 8 characters"),
        ("", "a passphrase is needed"),
    ],
)
def test_a_refused_new_passphrase_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    stdin: str,
    message: str,
) -> None:
    cli(capsys, monkeypatch, data_dir, "journal", "add", SECRET)
    before = everything_in(data_dir)
    code, _, err = cli(capsys, monkeypatch, data_dir, "encrypt", stdin=stdin)
    assert code == 2 and len(err.splitlines()) == 1 and message in err
    assert everything_in(data_dir) == before and not key_path(DataPaths(data_dir)).exists()


def test_a_wrong_passphrase_stops_every_command_in_one_line_and_changes_nothing(
    seeded: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    from tests.unit.test_hostile_shell import SHELL_COMMANDS

    folder = copy_of(seeded, tmp_path)
    encrypt_folder(DataPaths(folder), encrypted_folder(folder))
    before = everything_in(folder)
    commands = [c for c in [*SHELL_COMMANDS, *ENCRYPTION_COMMANDS] if c.store or c.writes]
    wrong = Setting(folder, env={"CSA_COMPANION_PASSPHRASE": "not the passphrase"})
    runs = run_all(commands, wrong, tmp_path)
    assert_clean(runs)
    for r in runs:
        if r.command.argv == ("encrypt",) or r.command.argv == ("passphrase",):
            continue  # ask the terminal or stdin (checked below)
        if r.command.argv[0] == "session":
            # A facilitator's run sheet never asks for the passphrase (nothing personal in it):
            # it goes on with the plan's own tools, and says why.
            assert r.code == 0, r.describe()
            assert "cannot be read without the passphrase" in r.err, r.describe()
            continue
        assert r.code == 1, r.describe()
        one_line(r, "wrong passphrase; nothing was changed")
    by_stdin = [Command(("passphrase",), stdin=b"wrong passphrase\nnew one here\nnew one here\n")]
    for r in run_all(by_stdin, Setting(folder, shared=True), tmp_path):
        assert r.code == 1, r.describe()
        one_line(r, "wrong passphrase")
    assert everything_in(folder) == before


def test_the_encryption_commands_on_a_read_only_or_file_data_folder(
    seeded: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    runs = run_all(ENCRYPTION_COMMANDS, Setting(a_file), tmp_path)
    assert_clean(runs)
    for r in runs:
        assert r.code == 2, r.describe()
        one_line(r, "is a file, not a folder")


# -- snapshots, exports and bundles -----------------------------------------------------------


def test_snapshots_of_an_encrypted_folder_are_encrypted_and_restore(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    cli(capsys, monkeypatch, data_dir, "journal", "add", f"{SECRET} one")
    assert cli(capsys, monkeypatch, data_dir, "backup")[0] == 0  # a plain snapshot
    cli(capsys, monkeypatch, data_dir, "encrypt", stdin=f"{PASS}\n{PASS}\n")
    assert SECRET.encode() not in everything_in(data_dir)  # the earlier snapshot too
    monkeypatch.setenv("CSA_COMPANION_PASSPHRASE", PASS)
    assert cli(capsys, monkeypatch, data_dir, "backup")[0] == 0
    cli(capsys, monkeypatch, data_dir, "journal", "add", f"{SECRET} two")
    snaps = sorted((data_dir / "backups").glob("*.json"))
    parts = list((data_dir / "backups" / "parts").iterdir())
    assert len(snaps) == 2 and parts  # manifests, and the parts they name
    assert all(is_sealed(p.read_bytes()) for p in snaps + parts)
    code, _, err = cli(capsys, monkeypatch, data_dir, "backup", "restore", snaps[-1].name)
    assert code == 0, err
    listed = cli(capsys, monkeypatch, data_dir, "journal", "list")[1]
    assert f"{SECRET} one" in listed and f"{SECRET} two" not in listed
    assert SECRET.encode() not in everything_in(data_dir)


def test_an_export_and_a_bundle_with_their_own_passphrase(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    code, out, _ = cli(capsys, monkeypatch, mine, "journal", "add", SECRET, "--title", "T")
    uid = out.split()[1].rstrip(":")
    export, bundle = tmp_path / "all.json", tmp_path / "bundle.json"
    code, out, _ = cli(capsys, monkeypatch, mine, "export", "--out", str(export))
    assert code == 0 and "plain text: anyone who has the file can read it" in out
    file_pass = "for the coach only"
    argv: tuple[str, ...] = ("export", "--out", str(export), "--encrypt")
    code, out, _ = cli(capsys, monkeypatch, mine, *argv, stdin=f"{file_pass}\n{file_pass}\n")
    assert code == 0 and "encrypted" in out and SECRET.encode() not in export.read_bytes()
    argv = ("share", "--entry", uid, "--name", "Ana", "--out", str(bundle), "--encrypt")
    code, out, _ = cli(capsys, monkeypatch, mine, *argv, stdin=f"{file_pass}\n{file_pass}\n")
    assert code == 0 and SECRET.encode() not in bundle.read_bytes()

    for file in (export, bundle):
        code, _, err = cli(capsys, monkeypatch, theirs, "import", str(file), stdin="wrong one\n")
        assert code == 1 and err == "csa-companion: wrong passphrase; nothing was changed\n"
        code, _, err = cli(capsys, monkeypatch, theirs, "import", str(file), stdin="")
        assert code == 2 and "a passphrase is needed" in err
    assert not list(theirs.glob("journal/*.json"))
    code, out, err = cli(capsys, monkeypatch, theirs, "import", str(export), stdin=file_pass)
    assert code == 0, err
    assert uid in cli(capsys, monkeypatch, theirs, "journal", "list")[1]
    code, out, err = cli(capsys, monkeypatch, theirs, "import", str(bundle), stdin=file_pass)
    assert code == 0 and "from Ana" in out, err
    code, _, err = cli(
        capsys,
        monkeypatch,
        mine,
        "export",
        "--format",
        "markdown",
        "--encrypt",
        "--out",
        str(tmp_path / "md"),
    )
    assert code == 2 and "--encrypt works with --format json" in err


def test_encrypt_again_sets_the_idle_lock_and_finishes_what_is_left(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    from csa_companion.storage.encryption import LOCK_SETTING, unlock
    from csa_companion.storage.repos import SettingsRepo

    cli(capsys, monkeypatch, data_dir, "journal", "add", SECRET)
    cli(capsys, monkeypatch, data_dir, "encrypt", stdin=f"{PASS}\n{PASS}\n")
    (data_dir / "journal" / "2026-12.json.damaged-1").write_bytes(SECRET.encode())  # left plain
    code, out, _ = cli(capsys, monkeypatch, data_dir, "encrypt", "--lock-after", "3", stdin=PASS)
    assert code == 0 and "already on" in out and "encrypted 1 file" in out
    assert "locks after 3 idle minutes" in out
    assert SECRET.encode() not in everything_in(data_dir)
    stores = Stores(DataPaths(data_dir), cipher=unlock(DataPaths(data_dir), PASS))
    assert SettingsRepo(stores["settings"]).get(LOCK_SETTING) == 3
    with pytest.raises(SystemExit) as exit_:  # argparse's own usage error
        cli(capsys, monkeypatch, data_dir, "encrypt", "--lock-after", "1441")
    assert exit_.value.code == 2 and "must be 0 (never) to 1440" in capsys.readouterr().err


def test_a_save_after_another_process_turned_encryption_on_or_off_is_refused(
    tmp_path: Path,
) -> None:
    plain = journal(tmp_path / "plain", None)
    plain.add(JournalEntry.new("before", START))
    encrypt_folder(DataPaths(tmp_path / "plain"), encrypted_folder(tmp_path / "plain"))
    with pytest.raises(StoreEncryptedError, match=r"Encryption was turned on .* nothing was saved"):
        plain.add(JournalEntry.new(SECRET, START))

    cipher = encrypted_folder(tmp_path / "sealed")
    sealed = journal(tmp_path / "sealed", cipher)
    sealed.add(JournalEntry.new("before", START))
    decrypt_folder(DataPaths(tmp_path / "sealed"), cipher)
    key_path(DataPaths(tmp_path / "sealed")).unlink()  # as `decrypt` ends
    before = everything_in(tmp_path)
    with pytest.raises(StoreEncryptedError, match="Encryption was turned off"):
        sealed.add(JournalEntry.new(SECRET, START))
    assert everything_in(tmp_path) == before


def test_encrypt_on_a_read_only_data_folder_changes_nothing(
    read_only: Setting,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = Path(str(read_only.data_dir))
    before = everything_in(folder)
    [r] = run_all(ENCRYPTION_COMMANDS[:1], read_only, tmp_path)
    assert_clean([r])
    assert r.code == 1, r.describe()
    one_line(r, "key.json")
    assert everything_in(folder) == before

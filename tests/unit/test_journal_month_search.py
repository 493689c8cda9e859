"""Search month by month (`JournalRepo.search`, `journal list --search`, issue 21): the same
entries, in the same order, as filtering the whole journal, while reading only the months
whose kept words (storage/journal_words.py) can hold the query; the words are never trusted
over the month file, and are encrypted in an encrypted folder."""

from __future__ import annotations

import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import SEARCH_FORM, JournalEntry, LiveSearch, filter_entries
from csa_companion.paths import DataPaths
from csa_companion.storage import journal_store, repos
from csa_companion.storage.crypto import Cipher, is_sealed
from csa_companion.storage.encryption import encrypt_folder
from csa_companion.storage.journal_store import JournalStore
from csa_companion.storage.journal_words import ROWS, WORDS, keep, kept_path, month_key, read_kept
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Stores
from tests.conftest import START
from tests.unit.test_encryption import encrypted_folder, everything_in

TEXTS = [
    ("Café au lait", "Une journée très calme à l'école.", ("été",)),
    ("STAFF huddle", "We mapped the ICEBERG with the team.", ("mapping",)),
    ("", "Trust grows when promises are kept.\nSecond line", ("iceberg", "trust")),
    ("Straße", 'Quotes "inside" and a back\\slash, tabs\tand #hash-tags in the text.', ()),
    ("Ｆｕｌｌ width", "ﬁne ligatures and e\u0301 written apart", ("quiet",)),
    ("Quiet day", "Nothing to do with the others.", ()),
]
QUERIES = [
    "",
    "iceberg",
    "ICEBERG team",
    "trust iceberg",
    "#iceberg",
    "#trust kept",
    "#ice",
    "cafe",
    "CAFÉ ete",
    "journee",
    "strasse",
    "STRASSE",
    '"inside"',
    "back\\slash",
    "#hash-tags",
    "full",
    "fine",
    "e\u0301",
    "written",
    "quiet",
    "absent",
    "iceberg absent",
    "line\nsecond",
]


def repo(folder: Path, cipher: Cipher | None = None) -> JournalRepo:
    """The journal as a new process opens it."""
    return JournalRepo(Stores(DataPaths(folder), cipher=cipher)["journal"])


def seed(folder: Path, cipher: Cipher | None = None) -> list[JournalEntry]:
    """Each text in three months of 2026, an hour apart within a month."""
    journal = repo(folder, cipher)
    made = []
    for month in (6, 8, 11):
        for n, (title, body, tags) in enumerate(TEXTS):
            when = START.replace(month=month, day=2) + timedelta(hours=n)
            made.append(JournalEntry.new(body, when, title=title, tags=tags))
            journal.add(made[-1])
    return made


def expected(folder: Path, query: str, tag: str | None = None) -> list[str]:
    return [e.uid for e in filter_entries(repo(folder).all(), query, tag)]


def searched(
    folder: Path, query: str, tag: str | None = None, cipher: Cipher | None = None
) -> list[str]:
    return [e.uid for e in repo(folder, cipher).search(query, tag)]


def months_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The month files opened from now on."""
    opened: list[str] = []
    real = JournalStore._open

    def counting(self: JournalStore, path: Path):  # type: ignore[no-untyped-def]
        opened.append(path.stem)
        return real(self, path)

    monkeypatch.setattr(JournalStore, "_open", counting)
    return opened


def test_the_same_entries_in_the_same_order_as_filtering_everything(data_dir: Path) -> None:
    seed(data_dir)
    for query in QUERIES:
        for tag in (None, "iceberg", "ete", "été"):
            first = searched(data_dir, query, tag)  # the words are kept as the months are read
            assert first == expected(data_dir, query, tag), (query, tag)
            assert searched(data_dir, query, tag) == first, (query, tag)  # read from the words
    assert len(searched(data_dir, "iceberg")) == 6
    assert sorted(p.name for p in (data_dir / "journal").glob("*.words")) == [
        "2026-06.words",
        "2026-08.words",
        "2026-11.words",
    ]


def test_only_the_months_that_can_hold_the_words_are_read(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = seed(data_dir)
    journal = repo(data_dir)
    journal.save(made[-1].edited(START, body="A zebra in November only."))
    searched(data_dir, "anything")  # keeps every month's words
    opened = months_read(monkeypatch)
    assert searched(data_dir, "zebra") == [made[-1].uid]
    assert opened == ["2026-11"]
    opened.clear()
    assert searched(data_dir, "no such word") == []
    assert opened == []


def test_entries_added_edited_or_deleted_after_the_words_were_kept(data_dir: Path) -> None:
    made = seed(data_dir)
    assert searched(data_dir, "zebra") == []  # every month's words are kept now
    journal = repo(data_dir)  # another process
    journal.save(made[0].edited(START, body="An edited zebra."))
    added = JournalEntry.new("A new zebra, and a giraffe.", START.replace(month=8, day=20))
    journal.add(added)
    journal.delete(made[7].uid)
    for query in ("zebra", "giraffe", "mapped", "trust", "calme", ""):
        assert searched(data_dir, query) == expected(data_dir, query), query
    assert searched(data_dir, "zebra") == [added.uid, made[0].uid]
    journal.delete(added.uid)
    assert searched(data_dir, "giraffe") == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"",
        lambda raw: raw[:20] + bytes([raw[20] ^ 1]) + raw[21:],  # the checksum fails
        lambda raw: b"not a words file at all",
    ],
)
def test_a_damaged_words_file_is_made_again(data_dir: Path, damage) -> None:  # type: ignore[no-untyped-def]
    made = seed(data_dir)
    repo(data_dir).save(made[-1].edited(START, body="A zebra."))
    assert searched(data_dir, "zebra") == [made[-1].uid]
    words = data_dir / "journal" / "2026-11.words"
    words.write_bytes(damage(words.read_bytes()))
    assert searched(data_dir, "zebra") == [made[-1].uid]
    assert "zebra" in kept_words(data_dir / "journal" / "2026-11.json")  # made again


def test_the_words_of_another_version_of_the_month_are_not_trusted(data_dir: Path) -> None:
    """Words kept for an older month file (a copy put back, say) are not used."""
    made = seed(data_dir)
    searched(data_dir, "anything")
    words = data_dir / "journal" / "2026-11.words"
    older = words.read_bytes()
    repo(data_dir).save(made[-1].edited(START, body="A zebra."))
    assert searched(data_dir, "zebra") == [made[-1].uid]
    words.write_bytes(older)  # names the month file before the save
    assert searched(data_dir, "zebra") == [made[-1].uid]
    (data_dir / "journal" / "2026-08.words").replace(words)  # another month's words
    assert searched(data_dir, "zebra") == [made[-1].uid]


def test_what_an_older_search_form_kept_is_made_again(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Words and rows kept before search read curly quotes as straight ones hold "don’t":
    a search for "don't" would skip the month. A kept file names the search_form that made it;
    one made by another (or naming none: before SEARCH_FORM) is not used, but made again."""
    monkeypatch.setattr(repos, "KEEP_ROWS_FROM", 5)
    made = seed(data_dir)
    repo(data_dir).save(made[-1].edited(START, body="I don\u2019t rush."))
    assert searched(data_dir, "don't") == [made[-1].uid]
    repo(data_dir).rows()
    month = data_dir / "journal" / "2026-11.json"
    for kind in (WORDS, ROWS):
        path = kept_path(month, kind)
        kept = orjson.loads(zlib.decompress(path.read_bytes()))
        assert kept["fold"] == SEARCH_FORM
        del kept["fold"]
        kept["value"] = "i don\u2019t rush." if kind == WORDS else kept["value"]
        path.write_bytes(zlib.compress(orjson.dumps(kept)))
        assert read_kept(month, kind, month_key(month), None) is None
    opened = months_read(monkeypatch)
    assert searched(data_dir, "don't") == [made[-1].uid]
    assert opened == ["2026-11"]
    assert "don't" in kept_words(month)  # made again
    opened.clear()
    assert [r.uid for r in LiveSearch(repo(data_dir).rows())("don't")] == [made[-1].uid]
    assert opened == ["2026-11"]


def test_the_words_are_encrypted_in_an_encrypted_folder(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Xylophonist"
    plain = seed(data_dir)
    repo(data_dir).save(plain[-1].edited(START, body=f"{secret} practice"))
    assert searched(data_dir, secret) == [plain[-1].uid]  # plain words kept
    assert secret.lower() in kept_words(data_dir / "journal" / "2026-11.json")
    cipher = encrypted_folder(data_dir)
    assert encrypt_folder(DataPaths(data_dir), cipher).failed == []  # words files too
    assert all_kept_sealed(data_dir)
    assert secret.encode() not in everything_in(data_dir)
    assert searched(data_dir, secret, cipher=cipher) == [plain[-1].uid]
    repo(data_dir, cipher).save(plain[0].edited(START, body=f"{secret} again"))
    assert searched(data_dir, secret, cipher=cipher) == [plain[-1].uid, plain[0].uid]
    monkeypatch.setattr(repos, "KEEP_ROWS_FROM", 5)  # months of 6 entries keep their rows
    repo(data_dir, cipher).rows()  # the rows of the journal's list are kept too
    assert all_kept_sealed(data_dir)
    assert len(list((data_dir / "journal").glob("*.rows"))) == 3


def kept_words(month: Path) -> str:
    words = read_kept(month, WORDS, month_key(month), None)
    assert isinstance(words, str)
    return words


def all_kept_sealed(folder: Path) -> bool:
    kept = [*(folder / "journal").glob("*.words"), *(folder / "journal").glob("*.rows")]
    return bool(kept) and all(is_sealed(path.read_bytes()) for path in kept)


def test_plain_words_in_an_encrypted_folder_are_not_used(data_dir: Path) -> None:
    cipher = encrypted_folder(data_dir)
    made = seed(data_dir, cipher)
    mapped = [e.uid for e in reversed(made) if "mapped" in e.body]
    assert searched(data_dir, "mapped", cipher=cipher) == mapped
    month = data_dir / "journal" / "2026-11.json"
    keep(month, WORDS, month_key(month), "zebra", None, None)  # plain, naming the month
    assert searched(data_dir, "mapped", cipher=cipher) == mapped
    assert is_sealed(kept_path(month, WORDS).read_bytes())  # made again, encrypted


def test_journal_list_search_from_the_shell(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = seed(data_dir)
    assert main(["--data-dir", str(data_dir), "journal", "list", "--search", "ICEBERG team"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 3 and all(made[1].display_title in line for line in out.splitlines())
    assert (
        main(["--data-dir", str(data_dir), "journal", "list", "--search", "cafe", "--tag", "été"])
        == 0
    )
    assert capsys.readouterr().out.count("Café au lait") == 3
    assert main(["--data-dir", str(data_dir), "journal", "list", "--search", "absent"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no entries match" in captured.err


def test_the_rows_of_the_journals_list_are_kept_beside_each_month(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal screen's rows (no bodies; each word of the search text once) come from
    what is kept beside each month while it names the month file as it is: no month is read.
    Searching them gives what filtering the whole entries gives."""
    monkeypatch.setattr(repos, "KEEP_ROWS_FROM", 5)  # a month of 6 entries keeps its rows
    made = seed(data_dir)
    built = repo(data_dir).rows()
    opened = months_read(monkeypatch)
    rows = repo(data_dir).rows()
    assert rows == built and opened == []
    assert [r.uid for r in rows] == [e.uid for e in repo(data_dir).all()]
    for query in QUERIES:
        for tag in (None, "iceberg", "ete", "été"):
            found = [r.uid for r in LiveSearch(rows)(query, tag)]
            assert found == expected(data_dir, query, tag), (query, tag)

    repo(data_dir).save(made[7].edited(START, title="Zebra crossing"))  # another process
    opened.clear()
    rows = repo(data_dir).rows()
    assert opened == ["2026-08"]
    assert [r.display_title for r in rows if r.uid == made[7].uid] == ["Zebra crossing"]
    assert [r.uid for r in LiveSearch(rows)("zebra")] == [made[7].uid]

    opened.clear()
    kept = data_dir / "journal" / "2026-11.rows"
    kept.write_bytes(kept.read_bytes()[:-10])  # cut off
    assert repo(data_dir).rows() == rows and opened == ["2026-11"]
    opened.clear()
    assert repo(data_dir).rows() == rows and opened == []  # made again


def test_a_small_months_rows_are_not_kept(data_dir: Path) -> None:
    """A month of fewer than KEEP_ROWS_FROM entries is read fast enough: keeping its rows
    beside it would only take room."""
    seed(data_dir)
    assert len(repo(data_dir).rows()) == 18
    assert not list((data_dir / "journal").glob("*.rows"))


def test_the_list_again_reads_only_what_changed(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal screen lists the rows again after every save: only a month whose file
    changed is read again (at 50,000 entries, reading every month's kept rows took ~190 ms)."""
    monkeypatch.setattr(repos, "KEEP_ROWS_FROM", 5)
    made = seed(data_dir)
    journal = repo(data_dir)
    rows = journal.rows()
    read: list[str] = []
    real = read_kept

    def counting(month: Path, *args: Any) -> Any:
        read.append(month.stem)
        return real(month, *args)

    monkeypatch.setattr(journal_store, "read_kept", counting)
    opened = months_read(monkeypatch)
    assert journal.rows() == rows and read == [] and opened == []
    journal.save(made[0].edited(START, body="Changed in June."))
    assert [r.uid for r in LiveSearch(journal.rows())("june")] == [made[0].uid]
    assert read == ["2026-06"]


def test_a_change_to_a_month_listed_from_its_kept_rows_is_noticed(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app polls for other processes' changes: a month listed from its kept rows, never
    opened, counts too."""
    monkeypatch.setattr(repos, "KEEP_ROWS_FROM", 5)
    made = seed(data_dir)
    repo(data_dir).rows()  # keeps the rows
    journal = Stores(DataPaths(data_dir))["journal"]
    JournalRepo(journal).rows()  # from the kept rows: no month opened
    assert journal.refresh() is False
    repo(data_dir).save(made[0].edited(START, body="Changed in June."))  # another process
    assert journal.refresh() is True
    assert journal.refresh() is False
    assert "changed in june." in JournalRepo(journal).rows()[-1].search_text


def test_kept_rows_that_are_not_rows_are_not_used(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows kept for the month file as it is, but not rows (a time without its zone, which
    cannot be sorted with the others; a missing column): the month is read instead."""
    monkeypatch.setattr(repos, "KEEP_ROWS_FROM", 5)
    seed(data_dir)
    rows = repo(data_dir).rows()
    month = data_dir / "journal" / "2026-11.json"
    kept = read_kept(month, ROWS, month_key(month), None)
    naive = dict(kept, created=[c[:19] for c in kept["created"]])
    for bad in (naive, dict(kept, text=None), {**kept, "uid": kept["uid"][:-1]}, [1, 2]):
        keep(month, ROWS, month_key(month), bad, None, None)
        assert repo(data_dir).rows() == rows

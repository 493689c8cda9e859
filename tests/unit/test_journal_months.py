"""The journal kept one file per month (storage/journal_store.py, issue 21): one entry's save
writes its month only, the newest come from the newest months, and a data folder of an older
version moves to the months at its first start, its single file kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest

from csa_companion.cli import main
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.reflection import month_of, next_month, previous_month
from csa_companion.paths import DataPaths
from csa_companion.storage.fileformat import decode, encode
from csa_companion.storage.journal_store import UNDATED, JournalStore, period_of
from csa_companion.storage.program_repos import look_back_entries
from csa_companion.storage.repos import JournalRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer.records import export_bytes, import_contents, parse_export
from csa_companion.transfer.snapshots import replace_all
from tests.conftest import START
from tests.helpers import KIRIBATI, SAMOA, near_boundaries

MONTHS = ("2026-09", "2026-10", "2026-11")


def entry(body: str, when: datetime, uid: str | None = None) -> JournalEntry:
    made = JournalEntry.new(body, when, title=body)
    return made if uid is None else JournalEntry.from_doc(made.to_doc() | {"uid": uid})


def spread(data: Path) -> list[JournalEntry]:
    """Three entries in each of three months, added through the store."""
    repo = JournalRepo(Stores(DataPaths(data))["journal"])
    made = []
    for month in range(9, 12):
        for day in (3, 13, 23):
            when = START.replace(month=month, day=day)
            made.append(entry(f"{when:%m-%d}", when))
            repo.add(made[-1])
    return made


def month_files(data: Path) -> dict[str, bytes]:
    files = sorted((data / "journal").glob("*.json*"))
    return {p.name: p.read_bytes() for p in files if ".lock" not in p.name}


def entries_built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bodies of the entries built from documents from now on."""
    built: list[str] = []
    real = JournalEntry.from_doc

    def counting(doc: dict[str, Any]) -> JournalEntry:
        built.append(doc["body"])
        return real(doc)

    monkeypatch.setattr(JournalEntry, "from_doc", staticmethod(counting))
    return built


def bodies(data: Path) -> list[str]:
    return sorted(e.body for e in JournalRepo(Stores(DataPaths(data))["journal"]).all())


def test_adding_or_saving_an_entry_writes_only_its_month(data_dir: Path) -> None:
    spread(data_dir)
    before = month_files(data_dir)
    assert set(before) == {f"{m}.json" for m in MONTHS} | {f"{m}.json.bak" for m in MONTHS}
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    repo.add(entry("new in October", START.replace(month=10, day=30)))
    after = month_files(data_dir)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"2026-10.json", "2026-10.json.bak"}

    october = next(e for e in repo.all() if e.body == "10-13")
    repo.save(october.edited(START, body="edited"))
    again = month_files(data_dir)
    assert {n for n in again if again[n] != after[n]} == {"2026-10.json", "2026-10.json.bak"}
    assert "edited" in bodies(data_dir) and "10-13" not in bodies(data_dir)
    # each month's backup holds that month's previous generation, not the whole journal
    _, backup = decode((data_dir / "journal" / "2026-10.json.bak").read_bytes())
    assert sorted(d["body"] for d in backup["journal"].values()) == [
        "10-03",
        "10-13",
        "10-23",
        "new in October",
    ]
    repo.delete(october.uid)
    assert "edited" not in bodies(data_dir) and len(bodies(data_dir)) == 9


def test_the_newest_come_from_the_newest_months_only(data_dir: Path) -> None:
    spread(data_dir)
    store = Stores(DataPaths(data_dir))["journal"]
    assert isinstance(store, JournalStore)
    newest = JournalRepo(store).recent(2)
    assert [e.body for e in newest] == ["11-23", "11-13"]
    # November, and October for an entry written near the month's end in another zone
    assert set(store._periods) == {"2026-11", "2026-10"}
    assert [e.body for e in JournalRepo(store).recent(5)] == [
        "11-23",
        "11-13",
        "11-03",
        "10-23",
        "10-13",
    ]


def test_the_newest_across_a_month_boundary_in_other_time_zones(data_dir: Path) -> None:
    """An entry kept in December (its time as written) may be older than one of November."""
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    kiribati = timezone(timedelta(hours=14))
    early_december = datetime(2026, 12, 1, 0, 10, tzinfo=kiribati)  # 30 Nov 10:10 UTC
    late_november = datetime(2026, 11, 30, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
    repo.add(entry("kept in December", early_december))
    repo.add(entry("kept in November", late_november))  # 1 Dec 07:30 UTC: the newest
    assert period_of(repo.all()[0].to_doc()) == "2026-11"
    fresh = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    assert [e.body for e in fresh.recent(1)] == ["kept in November"]


def test_journal_list_limit_reads_the_newest_months(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spread(data_dir)
    (data_dir / "journal" / "2026-09.json").write_bytes(b"damaged")  # never read for this
    assert main(["--data-dir", str(data_dir), "journal", "list", "--limit", "2"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[-1] for line in out.splitlines()] == ["11-23", "11-13"]
    assert err == ""  # September was not opened, so nothing was found damaged


def test_an_older_single_file_journal_moves_to_months_and_is_kept(data_dir: Path) -> None:
    data_dir.mkdir()
    docs = [entry(f"{m} entry", START.replace(month=int(m[5:]), day=2)).to_doc() for m in MONTHS]
    unreadable = {"body": "no uid, no created"}
    tables: dict[str, Any] = {"journal": {str(n): d for n, d in enumerate([*docs, unreadable], 1)}}
    original = encode(tables, schema=1)
    older = encode({"journal": {"1": docs[0]}}, schema=1)
    (data_dir / "journal.json").write_bytes(original)
    (data_dir / "journal.json.bak").write_bytes(older)

    stores = Stores(DataPaths(data_dir))
    repo = JournalRepo(stores["journal"])
    assert sorted(e.body for e in repo.all()) == [f"{m} entry" for m in MONTHS]
    notices = " ".join(stores.take_notices())
    assert "one file per month" in notices and "journal.json.pre-split" in notices
    assert "no uid" not in notices or "journal #4" in notices
    assert not (data_dir / "journal.json").exists()
    assert (data_dir / "journal.json.pre-split").read_bytes() == original  # kept, unchanged
    assert (data_dir / "journal.json.pre-split.bak").read_bytes() == older
    assert set(month_files(data_dir)) == {f"{m}.json" for m in MONTHS} | {"undated.json"}
    _, undated = decode((data_dir / "journal" / "undated.json").read_bytes())
    assert [d["document"] for d in undated["_quarantine"].values()] == [unreadable]  # kept

    again = Stores(DataPaths(data_dir))
    assert len(JournalRepo(again["journal"]).all()) == 3
    assert again.take_notices() == []


def test_a_split_cut_short_or_an_old_file_copied_in_later_adds_without_replacing(
    data_dir: Path,
) -> None:
    """The months already hold part of the old file (a split killed half-way), and entries
    written since: the old file's entries are added once each, and nothing is replaced."""
    spread(data_dir)
    november = [e for e in JournalRepo(Stores(DataPaths(data_dir))["journal"]).all()][:1]
    old = [*november, entry("only in the old file", START.replace(month=8, day=8))]
    changed_here = november[0].edited(START + timedelta(days=1), body="changed since")
    JournalRepo(Stores(DataPaths(data_dir))["journal"]).save(changed_here)
    tables = {"journal": {str(n): e.to_doc() for n, e in enumerate(old, 1)}}
    (data_dir / "journal.json").write_bytes(encode(tables, schema=1))

    found = bodies(data_dir)
    assert len(found) == 10 and "only in the old file" in found
    assert "changed since" in found and november[0].body not in found
    assert (data_dir / "journal.json.pre-split").exists()


def test_export_import_and_a_snapshot_restore_across_months(data_dir: Path, tmp_path: Path) -> None:
    made = spread(data_dir)
    stores = Stores(DataPaths(data_dir))
    payload = export_bytes(stores, START)
    found = parse_export(payload, "export")
    assert len(found["journal"]["journal"]) == 9

    target = tmp_path / "target"
    counts = import_contents(Stores(DataPaths(target)), found)
    assert counts.added == 9
    assert set(month_files(target)) == {f"{m}.json" for m in MONTHS}
    assert sorted(bodies(target)) == sorted(e.body for e in made)

    # a restore writes only the months whose entries differ
    repo = JournalRepo(stores["journal"])
    repo.add(entry("after the snapshot", START.replace(month=11, day=28)))
    before = month_files(data_dir)
    replace_all(Stores(DataPaths(data_dir)), found)
    after = month_files(data_dir)
    assert {n for n in after if after[n] != before[n]} == {"2026-11.json", "2026-11.json.bak"}
    assert "after the snapshot" not in bodies(data_dir) and len(bodies(data_dir)) == 9


def test_a_whole_journal_write_moves_an_entry_to_its_month(data_dir: Path) -> None:
    """An import may bring an entry whose time differs from the copy here: it ends up in
    the month of its time, once."""
    spread(data_dir)
    store = Stores(DataPaths(data_dir))["journal"]
    with store.transaction():
        data = store.storage.read()
        doc = next(d for d in data["journal"].values() if d["body"] == "09-03")
        doc["created"] = START.replace(month=11, day=1).isoformat()
        store.storage.write(data)
    _, september = decode((data_dir / "journal" / "2026-09.json").read_bytes())
    _, november = decode((data_dir / "journal" / "2026-11.json").read_bytes())
    assert "09-03" not in {d["body"] for d in september["journal"].values()}
    assert "09-03" in {d["body"] for d in november["journal"].values()}
    assert len(bodies(data_dir)) == 9


def test_the_look_back_reads_only_the_months_it_shows(data_dir: Path) -> None:
    spread(data_dir)
    store = Stores(DataPaths(data_dir))["journal"]
    assert isinstance(store, JournalStore)
    now = START.replace(month=11, day=30)  # a month ago: around October 30
    look_back_entries(store, now)
    assert "2026-09" not in store._periods


def test_a_month_file_named_by_export_is_refused(data_dir: Path) -> None:
    spread(data_dir)
    paths = DataPaths(data_dir)
    assert paths.would_replace_data(data_dir / "journal" / "2026-11.json")
    assert paths.would_replace_data(data_dir / "journal" / "2026-12.json")
    assert paths.would_replace_data(data_dir / "journal.json")  # the older layout's name
    assert not paths.would_replace_data(data_dir.parent / "journal.json")


def test_documents_keep_their_exact_json(data_dir: Path) -> None:
    made = spread(data_dir)
    docs = Stores(DataPaths(data_dir))["journal"].documents("journal")
    assert sorted(orjson.dumps(d) for d in docs) == sorted(orjson.dumps(e.to_doc()) for e in made)


def test_after_a_save_only_its_month_is_read_again(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app lists every entry: after one save, the other months' entries are those built
    before (at 50,000 entries, ~240 ms of the app's thread became ~9 ms)."""
    spread(data_dir)
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    listed = repo.all()
    built = entries_built(monkeypatch)
    october = next(e for e in listed if e.body == "10-13")
    repo.save(october.edited(START, body="edited"))
    again = repo.all()
    assert built == ["edited"]  # only the changed entry was built again
    assert [e.body for e in again] == [e.body if e is not october else "edited" for e in listed]
    assert [e.uid for e in again] == [e.uid for e in listed]


def test_only_the_two_newest_months_keep_a_preview_and_the_newest_still_come_right(
    data_dir: Path, tmp_path: Path
) -> None:
    """An import of six months at once: the older months' headers hold no copy of their
    newest entries (disk), and the newest are right whichever months are read."""
    made = [entry(f"{m:02d}", START.replace(month=m, day=5)) for m in range(3, 9)]
    found = {"journal": {"journal": [e.to_doc() for e in made]}}
    import_contents(Stores(DataPaths(data_dir)), found)
    previews = {}
    for month in sorted((data_dir / "journal").glob("*.json")):
        header = orjson.loads(month.read_bytes().split(b"\n", 1)[0])
        previews[month.stem] = header.get("preview", 0) > 0
    assert previews == {f"2026-{m:02d}": m >= 7 for m in range(3, 9)}
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    assert [e.body for e in repo.recent(4)] == ["08", "07", "06", "05"]
    assert [e.body for e in repo.recent(4)] == [e.body for e in repo.all()[:4]]


def test_the_list_lets_go_of_the_months_and_nothing_is_lost(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rows` (the journal screen's list) leaves no month's documents held; a month read
    again for one entry, unchanged, does not make the list build its rows again; a save to a
    month let go of keeps its other entries; another process's change is seen."""
    made = spread(data_dir)
    journal = Stores(DataPaths(data_dir))["journal"]
    repo = JournalRepo(journal)
    rows = repo.rows()
    assert [r.uid for r in rows] == [e.uid for e in reversed(made)]
    assert all(not month.storage._data for month in journal.months())  # type: ignore[attr-defined]
    october = next(r for r in rows if r.display_title == "10-13")
    assert repo.entry(october) == made[4]
    built = entries_built(monkeypatch)
    assert repo.rows() == rows and built == []  # the month read again is the same file
    repo.save(made[4].edited(START, body="edited"))
    assert bodies(data_dir) == sorted(["edited", *(e.body for e in made if e is not made[4])])
    JournalRepo(Stores(DataPaths(data_dir))["journal"]).delete(made[3].uid)  # another process
    journal.refresh()
    assert [r.display_title for r in repo.rows()] == [
        e.title for e in reversed(made) if e is not made[3]
    ]
    assert repo.get(made[5].uid) == made[5]
    assert repo.get(made[3].uid) is None


ZONES = (None, UTC, KIRIBATI, SAMOA, START.tzinfo)


@pytest.mark.parametrize("zone", ZONES, ids=["computer", "utc", "kiribati", "samoa", "pst"])
def test_a_months_entries_are_all_filtered_by_month_reading_three_months(
    data_dir: Path, zone: timezone | None
) -> None:
    near_boundaries(data_dir)
    whole = JournalRepo(Stores(DataPaths(data_dir))["journal"]).all()
    for month in ("2026-07", "2026-08", "2026-10", "2026-12", "2027-01", "2027-02"):
        store = Stores(DataPaths(data_dir))["journal"]
        assert isinstance(store, JournalStore)
        found = JournalRepo(store).in_month(month, zone)
        assert found == [e for e in whole if month_of(e.created, zone) == month], month
        assert set(store._periods) <= {previous_month(month), month, next_month(month)}


def test_a_months_entries_include_the_undated_and_come_from_all_once_read(
    data_dir: Path,
) -> None:
    near_boundaries(data_dir)
    store = Stores(DataPaths(data_dir))["journal"]
    assert isinstance(store, JournalStore)
    undated = entry("kept undated", START.replace(month=10, day=5))
    # an older version kept this entry undated: it counts in its month all the same
    with (kept := store._period(UNDATED)).transaction():
        kept.table("journal").insert(undated.to_doc())
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    october = repo.in_month("2026-10", START.tzinfo)
    assert undated in october
    assert october == [e for e in repo.all() if month_of(e.created, START.tzinfo) == "2026-10"]
    assert repo.in_month("2026-10", START.tzinfo) == october  # now from all() as read


def test_the_earliest_entry_reads_only_the_oldest_months(data_dir: Path) -> None:
    near_boundaries(data_dir)
    repo = JournalRepo(Stores(DataPaths(data_dir))["journal"])
    # kept in September (its time as written) but older than any of August's
    repo.add(entry("oldest", datetime(2026, 9, 1, 0, 0, tzinfo=KIRIBATI)))
    august = [e for e in repo.all() if period_of(e.to_doc()) == "2026-08"]
    for gone in august:
        repo.delete(gone.uid)  # an emptied month's file stays
    assert (data_dir / "journal" / "2026-08.json").exists()
    store = Stores(DataPaths(data_dir))["journal"]
    assert isinstance(store, JournalStore)
    first = JournalRepo(store).earliest()
    assert first == min(e.created for e in repo.all())
    assert first == datetime(2026, 9, 1, 0, 0, tzinfo=KIRIBATI)
    assert set(store._periods) == {"2026-08", "2026-09", "2026-10"}
    assert JournalRepo(Stores(DataPaths(data_dir / "empty"))["journal"]).earliest() is None


def test_a_journal_in_one_store_file_gives_a_month_and_the_earliest(data_dir: Path) -> None:
    from csa_companion.storage.store_file import Store

    repo = JournalRepo(Store(data_dir / "one.json"))
    made = near_boundaries(data_dir)
    for made_entry in made:
        repo.add(made_entry)
    assert repo.in_month("2026-10", KIRIBATI) == [
        e for e in repo.all() if month_of(e.created, KIRIBATI) == "2026-10"
    ]
    assert repo.earliest() == min(e.created for e in made)


def test_an_entry_is_read_from_the_month_its_time_names(data_dir: Path) -> None:
    made = near_boundaries(data_dir)
    wanted = next(e for e in made if e.title == "9-0")  # 1 September, 00:10 in Kiribati
    store = Stores(DataPaths(data_dir))["journal"]
    assert isinstance(store, JournalStore)
    repo = JournalRepo(store)
    assert repo.get(wanted.uid, wanted.created) == wanted
    assert set(store._periods) == {"2026-09"}
    repo.delete(wanted.uid)
    assert repo.get(wanted.uid, wanted.created) is None  # gone: looked for everywhere


def test_entries_by_the_start_of_their_id_come_month_by_month(data_dir: Path) -> None:
    made = near_boundaries(data_dir)
    whole = JournalRepo(Stores(DataPaths(data_dir))["journal"]).all()
    for prefix in {e.uid[:1] for e in made} | {made[3].uid, "zz"}:
        store = Stores(DataPaths(data_dir))["journal"]
        assert isinstance(store, JournalStore)
        found = JournalRepo(store).starting_with(prefix)
        assert found == [e for e in whole if e.uid.startswith(prefix)], prefix
        assert all(month.storage._released for month in store._periods.values())  # let go

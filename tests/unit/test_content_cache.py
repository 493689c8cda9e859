"""The parsed bundled content is kept between starts (content/cache.py): read back when
nothing changed, parsed again when anything did, never kept with the user's own content, and
a damaged or foreign cache file only means parsing again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from csa_companion.content import cache, loader
from csa_companion.content.library import Library
from csa_companion.paths import bundled_content_dir


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled content, standing in for it, and an empty cache folder."""
    folder = tmp_path / "bundled"
    shutil.copytree(bundled_content_dir(), folder)
    monkeypatch.setattr(cache, "bundled_content_dir", lambda: folder)
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the loader's parses."""
    counted: list[int] = []
    real = loader.load_library

    def counting(dirs: list[Path]) -> Library:
        counted.append(1)
        return real(dirs)

    monkeypatch.setattr(loader, "load_library", counting)
    return counted


def test_a_second_start_reads_the_kept_library(
    bundled: Path, parses: list[int], tmp_path: Path
) -> None:
    user = tmp_path / "data" / "content"  # no user content yet (the folder need not exist)
    first = cache.load_library([bundled, user])
    second = cache.load_library([bundled, user])
    assert parses == [1]
    assert second.items == first.items and second.items  # every item, as parsed
    assert second is not first  # each start gets its own (the app changes `skipped`)
    kept = cache.cache_dir() / cache.CACHE_FILE
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_changed_file_is_parsed_again(bundled: Path, parses: list[int]) -> None:
    cache.load_library([bundled])
    iceberg = bundled / "tools" / "iceberg.md"
    text = iceberg.read_text(encoding="utf-8")
    iceberg.write_text(text.replace("title = ", "title = 'Changed' #", 1), encoding="utf-8")
    changed = cache.load_library([bundled])
    assert parses == [1, 1]
    assert changed.get("iceberg") is not None
    assert changed.get("iceberg").title == "Changed"  # type: ignore[union-attr]
    (bundled / "tools" / "new-tool.md").write_text("no front matter", encoding="utf-8")
    with_new = cache.load_library([bundled])
    assert parses == [1, 1, 1]
    assert any(path.name == "new-tool.md" for path in with_new.skipped)


def test_user_content_is_never_kept(bundled: Path, parses: list[int], tmp_path: Path) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "note.md").write_text("my own words, not for any cache", encoding="utf-8")
    for _ in range(2):
        library = cache.load_library([bundled, user])
        assert any(path.name == "note.md" for path in library.skipped)
    assert parses == [1, 1]
    assert not (cache.cache_dir() / cache.CACHE_FILE).exists()


@pytest.mark.parametrize("damage", ["garbage", "group-writable", "empty"])
def test_a_damaged_or_foreign_cache_file_is_parsed_again(
    bundled: Path, parses: list[int], damage: str
) -> None:
    expected = cache.load_library([bundled]).items
    kept = cache.cache_dir() / cache.CACHE_FILE
    if damage == "garbage":
        kept.write_bytes(b"\x80\x05not a pickle at all")
    elif damage == "empty":
        kept.write_bytes(b"")
    else:
        os.chmod(kept, 0o664)
    assert cache.load_library([bundled]).items == expected
    assert parses == [1, 1]


def test_an_unwritable_cache_folder_only_means_parsing(
    bundled: Path, parses: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker / "cache"))
    for _ in range(2):
        assert cache.load_library([bundled]).items
    assert parses == [1, 1]


def test_the_kept_items_open_when_first_asked_for(bundled: Path, parses: list[int]) -> None:
    """A kept library's items are read when first used (Home uses none); bytes of them that
    changed on disk are seen when the file is read, so the content is parsed again then."""
    expected = cache.load_library([bundled]).items
    kept = cache.cache_dir() / cache.CACHE_FILE
    library = cache.load_library([bundled])
    assert library._kept is not None and library.skipped == []  # not opened yet
    assert library.items == expected and library.problems == [] and parses == [1]
    raw = bytearray(kept.read_bytes())
    at = raw.index(b"Iceberg")
    raw[at : at + 7] = b"Icebarg"  # the same length: the file still unpickles
    kept.write_bytes(bytes(raw))
    assert cache.load_library([bundled]).items == expected
    assert parses == [1, 1]

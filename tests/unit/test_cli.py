"""The command line: where, content check/list, journal add/list, and clear errors."""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from csa_companion.cli import main, make_app
from csa_companion.cli.parser import AREAS, _parse, _parser
from csa_companion.domain.worksheet import Worksheet
from csa_companion.errors import CompanionError
from csa_companion.paths import DataPaths, bundled_content_dir
from csa_companion.storage.fileformat import encode
from csa_companion.storage.repos import WorksheetRepo
from csa_companion.storage.store import Stores
from tests.conftest import START
from tests.helpers import journal_at

BROKEN = Path(__file__).parent.parent / "data" / "content-broken"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_journal_add_then_list(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = str(data_dir)
    code, out, _ = run(
        capsys,
        "--data-dir",
        d,
        "journal",
        "add",
        "Check-in went well",
        "--tag",
        "#Team",
        "--title",
        "Monday",
    )
    assert code == 0 and out.startswith("added ")
    run(capsys, "--data-dir", d, "journal", "add", "Pickup was chaotic", "--tag", "pickup")
    [entry] = [e for e in journal_at(data_dir).all() if e.title == "Monday"]
    assert entry.tags == ("team",) and entry.created.tzinfo is not None

    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--tag", "team")
    assert code == 0 and "Monday" in out and "Pickup" not in out
    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--search", "chaotic", "--json")
    [doc] = json.loads(out)
    assert doc["body"] == "Pickup was chaotic"
    assert datetime.fromisoformat(doc["created"]).tzinfo is not None
    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--limit", "1")
    assert len(out.strip().splitlines()) == 1


def test_journal_add_reads_stdin(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("From a pipe\n"))
    code, _, _ = run(capsys, "--data-dir", str(data_dir), "journal", "add")
    assert code == 0
    assert [e.body for e in journal_at(data_dir).all()] == ["From a pipe"]


def test_empty_entry_is_refused(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, _, err = run(capsys, "--data-dir", str(data_dir), "journal", "add", "   ")
    assert code == 2 and "empty" in err


def test_bad_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["journal", "list", "--limit", "zero"])
    assert exit_info.value.code == 2
    assert "is not a whole number" in capsys.readouterr().err


def test_newer_store_is_a_clear_error(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "journal.json").write_bytes(encode({"journal": {}}, schema=7))
    code, _, err = run(capsys, "--data-dir", str(data_dir), "journal", "list")
    assert code == 1 and "newer csa-companion" in err and "Traceback" not in err


def test_where_lists_every_file(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "where")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["data", "dir:", str(data_dir)]
    assert ["worksheets", "file:", str(data_dir / "worksheets.json")] in [x.split() for x in lines]
    # every path starts in the same column, after its label and at least one space
    with_paths = [line for line in lines if str(data_dir) in line]
    [column] = {line.index(str(data_dir)) for line in with_paths}
    assert all(line[column - 1] == " " for line in with_paths)
    assert f"{data_dir / 'journal'}/YYYY-MM.json (.bak)" in out  # one file per month
    assert str(data_dir / "content") in out
    assert f"{data_dir / 'key.json'}  (encryption off)" in out


def test_data_dir_from_environment(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, out, _ = run(capsys, "where")
    assert str(tmp_path / "default-data") in out


def test_content_check_broken_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "content", "check", str(BROKEN))
    assert code == 1
    assert f"{BROKEN / 'tools' / 'step-problems.md'}:10: step #1 has no prompt" in out
    assert " problems; " in err and "(s)" not in err


def test_content_check_and_list_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "content", "check")
    assert code == 0 and re.fullmatch(r"ok: \d+ items, no problems", out.splitlines()[-1])
    code, out, _ = run(capsys, "content", "list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["iceberg"]["kind"] == "tool" and rows["iceberg"]["steps"] == 7
    assert rows["settling-arrive"]["phases"] >= 3


def test_missing_content_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "content", "check", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err


@pytest.mark.parametrize(
    "argv", [("import", "/dev/zero"), ("program", "import", "/dev/zero")], ids=["import", "program"]
)
def test_a_file_that_never_ends_is_refused(data_dir: Path, argv: tuple[str, ...]) -> None:
    """Importing /dev/zero (a device, or a pipe, that never ends) read until memory ran out.
    The command runs with 2 GB of address space, so that it fails fast if it reads on."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run(
        [sys.executable, "-m", "csa_companion", "--data-dir", str(data_dir), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    assert done.returncode == 1, done.stderr[-500:]
    assert done.stderr.startswith("csa-companion: /dev/zero is not a regular file")
    assert done.stderr.count("\n") == 1


def test_a_data_folder_under_an_unknown_users_home_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """CSA_COMPANION_DATA_DIR=~nosuch/x ended in RuntimeError from pathlib."""
    monkeypatch.setenv("CSA_COMPANION_DATA_DIR", "~no-such-user-here/data")
    code, out, err = run(capsys, "journal", "list")
    assert (code, out) == (2, "")
    assert err == (
        "csa-companion: ~no-such-user-here/data: there is no home folder for ~no-such-user-here\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("export", "--out", "{d}/journal.json"),
        ("export", "--format", "markdown", "--out", "{d}"),
        ("reflection", "export", "2026-11", "--out", "{d}/journal.json"),
        ("survey", "export", "--out", "{d}/journal.json.bak"),
        ("share", "--entry", "one", "--name", "S", "--out", "{d}/journal.json"),
    ],
    ids=["export", "markdown", "reflection", "survey", "share"],
)
def test_an_out_file_in_the_data_folder_is_refused(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: tuple[str, ...]
) -> None:
    """`export --out DATA/journal.json` replaced the journal with the export: the store then
    took it for damage and restored the backup, without the newest entry."""
    d = str(data_dir)
    run(capsys, "--data-dir", d, "journal", "add", "first")
    run(capsys, "--data-dir", d, "journal", "add", "newest")
    months = sorted((data_dir / "journal").glob("*.json*"))
    before = [p.read_bytes() for p in months]
    code, out, err = run(capsys, "--data-dir", d, *(a.replace("{d}", d) for a in argv))
    assert (code, out) == (2, "")
    assert "is in the data folder, where it could replace your data" in err
    assert not (data_dir / "journal.json").exists()  # the older layout's name is refused too
    assert [p.read_bytes() for p in months] == before
    assert [e.body for e in journal_at(data_dir).all()] == ["newest", "first"]


def test_python_dash_m_works(data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "csa_companion", "--data-dir", str(data_dir), "journal", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "the journal is empty" in done.stderr


# -- a data dir that cannot be a folder (issue 7, item 7) ------------------------------------

COMMANDS = [
    [],  # the app
    ["run"],
    ["where"],
    ["journal", "add", "words"],
    ["journal", "list"],
    ["worksheet", "list"],
    ["worksheet", "export", "abc"],
    ["content", "check"],
    ["content", "list"],
]


@pytest.mark.parametrize("below", [False, True], ids=["file", "below-a-file"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "app")
def test_data_dir_that_is_a_file_is_refused_by_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str], below: bool
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    data_dir = a_file / "data" if below else a_file
    code, out, err = run(capsys, "--data-dir", str(data_dir), *command)
    assert code == 2
    [line] = err.splitlines()
    assert line.startswith(f"csa-companion: the data folder {data_dir} ")
    assert f"{a_file}, which is a file" in line if below else "is a file, not a folder" in line
    assert "--data-dir" in line
    if command == ["where"]:
        assert f"{data_dir}  (not usable: " in out.splitlines()[0]
    else:
        assert out == ""
    assert a_file.read_text() == "mine"


def test_app_built_on_a_file_says_so(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(CompanionError, match="is a file, not a folder"):
        make_app(data_dir=a_file, content_dirs=[bundled_content_dir()])


# -- global options anywhere (item 11) -------------------------------------------------------


def test_data_dir_and_content_are_accepted_after_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    code, _, _ = run(capsys, "journal", "add", "one", "--data-dir", str(first))
    assert code == 0
    code, _, _ = run(capsys, "journal", "--data-dir", str(second), "add", "two")
    assert code == 0
    assert [e.body for e in journal_at(first).all()] == ["one"]
    assert [e.body for e in journal_at(second).all()] == ["two"]
    # the last --data-dir given wins, wherever it is
    code, out, _ = run(
        capsys, "--data-dir", str(second), "journal", "list", "--data-dir", str(first)
    )
    assert code == 0 and "one" in out and "two" not in out
    # every --content counts, wherever it is
    extra = tmp_path / "extra"
    (extra / "learn").mkdir(parents=True)
    (extra / "learn" / "mine.md").write_text(
        '+++\nid = "mine"\nkind = "learn"\ntitle = "Mine"\nsummary = "S"\n+++\nBody\n'
    )
    code, out, _ = run(
        capsys, "--content", str(BROKEN), "content", "--content", str(extra), "list", "--json"
    )
    assert code == 0
    assert "mine" in {row["id"] for row in json.loads(out)}
    code, out, _ = run(capsys, "content", "check", "--content", str(BROKEN))
    assert code == 1 and "step-problems.md" in out


# -- text that is not UTF-8 (item 9) ---------------------------------------------------------

# How Python hands over bytes that are not UTF-8 in arguments: as lone surrogates.
LATIN_1 = b"caf\xe9".decode("utf-8", "surrogateescape")
CESU = b"\xed\xa0\xbd\xed\xb8\x80 smile".decode("utf-8", "surrogateescape")
TRUNCATED = b"cut \xe2\x82".decode("utf-8", "surrogateescape")
LONE = "lone \ud800 surrogate"  # not from bytes at all


@pytest.mark.parametrize(
    "bad", [LATIN_1, CESU, TRUNCATED, LONE], ids=["latin1", "cesu", "cut", "lone"]
)
def test_arguments_that_are_not_utf8_are_saved_with_replacement_characters(
    capsys: pytest.CaptureFixture[str], data_dir: Path, bad: str
) -> None:
    code, out, err = run(
        capsys, "--data-dir", str(data_dir), "journal", "add", bad, "--title", bad, "--tag", bad
    )
    assert code == 0 and out.startswith("added ")
    [line] = err.splitlines()
    assert line == (
        "csa-companion: the text and the title and a tag had bytes that are not UTF-8: "
        "each was saved as \ufffd"
    )
    [entry] = journal_at(data_dir).all()
    assert "\ufffd" in entry.body and "\ufffd" in entry.title
    [tag] = entry.tags  # it was said to be saved with U+FFFD, yet the tag lost it (or all)
    assert "\ufffd" in tag
    assert entry.body.encode("utf-8")  # no surrogate reached the store
    good = bad.encode("utf-8", "surrogatepass").decode("utf-8", "ignore")
    assert entry.body.replace("\ufffd", "") == good.replace("\ud800", "")
    [month] = (data_dir / "journal").glob("*.json")
    orjson.loads(month.read_bytes().splitlines()[-1])


def test_a_tag_with_no_letter_or_digit_is_named_not_dropped_silently(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, err = run(
        capsys, "--data-dir", str(data_dir), "journal", "add", "x", "--tag", "!!!", "--tag", "ok"
    )
    assert code == 0 and out.startswith("added ")
    assert err == "csa-companion: left out the tag '!!!': a tag needs a letter or a digit\n"
    assert [e.tags for e in journal_at(data_dir).all()] == [("ok",)]


def test_control_characters_are_kept_but_never_sent_to_the_terminal(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry holding an escape sequence (piped in, or imported) was printed as is by
    `journal list`, which colored the terminal; in the app it broke the rows' layout."""
    import io

    body = "a\x00b\x1b[31mred\x07"
    monkeypatch.setattr(sys, "stdin", io.StringIO(body))
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "journal", "add", "-")
    assert code == 0 and "\x1b" not in out and "\x00" not in out
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "journal", "list")
    assert code == 0 and out.rstrip().endswith("a\ufffdb\ufffd[31mred\ufffd")
    assert [e.body for e in journal_at(data_dir).all()] == [body]  # kept as written


def test_listing_by_a_tag_with_no_letter_or_digit_says_so(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """`--tag '#'` matched nothing and said "the journal is empty" over a full journal."""
    d = str(data_dir)
    run(capsys, "--data-dir", d, "journal", "add", "x", "--tag", "team")
    code, out, err = run(capsys, "--data-dir", d, "journal", "list", "--tag", "#")
    assert (code, out) == (2, "")
    assert err == "csa-companion: '#' is no tag: a tag needs a letter or a digit\n"


def test_a_title_of_several_lines_is_listed_on_one(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """`--title $'a\\nb'` broke `journal list` (and the app's rows) over two lines."""
    d = str(data_dir)
    code, out, _ = run(capsys, "--data-dir", d, "journal", "add", "x", "--title", "one\ntwo\tthree")
    assert code == 0 and out.endswith(": one two three\n")
    code, out, _ = run(capsys, "--data-dir", d, "journal", "list")
    assert len(out.splitlines()) == 1 and out.rstrip().endswith("one two three")
    assert journal_at(data_dir).all()[0].title == "one\ntwo\tthree"  # kept as given


def test_stdin_that_is_not_utf8_is_saved_with_replacement_characters(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    piped = io.TextIOWrapper(io.BytesIO(b"bad \xff byte, caf\xe9, cut \xe2\x82"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", piped)
    code, _, err = run(capsys, "--data-dir", str(data_dir), "journal", "add", "-")
    assert code == 0
    assert err == "csa-companion: the text had bytes that are not UTF-8: each was saved as \ufffd\n"
    assert [e.body for e in journal_at(data_dir).all()] == [
        "bad \ufffd byte, caf\ufffd, cut \ufffd"
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["journal", "list", "--search", LATIN_1],
        ["journal", "list", "--tag", CESU],
        ["worksheet", "list", "--tool", TRUNCATED],
        ["worksheet", "export", LONE],
    ],
    ids=["search", "tag", "tool", "id"],
)
def test_lookups_that_are_not_utf8_are_refused(
    capsys: pytest.CaptureFixture[str], data_dir: Path, command: list[str]
) -> None:
    code, out, err = run(capsys, "--data-dir", str(data_dir), *command)
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith("csa-companion: ") and "is not valid UTF-8 text" in line


# -- worksheet list --tool (item 12) ---------------------------------------------------------


def test_worksheet_list_of_an_unknown_tool_names_the_tools(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, err = run(capsys, "--data-dir", str(data_dir), "worksheet", "list", "--tool", "nope")
    assert code == 2 and out == ""
    assert err.startswith("csa-companion: there is no tool 'nope'; the tools are: iceberg, ")
    assert "four-player-model" in err and len(err.splitlines()) == 1
    code, _, err = run(
        capsys, "--data-dir", str(data_dir), "worksheet", "list", "--tool", "iceberg"
    )
    assert code == 0 and err == "csa-companion: no worksheets for iceberg\n"


def test_worksheets_of_a_tool_no_longer_in_the_content_are_still_listed(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    sheet = Worksheet("retired-tool", "Old situation", START, START)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(sheet)
    code, out, _ = run(
        capsys, "--data-dir", str(data_dir), "worksheet", "list", "--tool", "retired-tool"
    )
    assert code == 0 and "Old situation" in out and "(not in your content)" in out


def test_worksheet_list_json_takes_choice_answers_apart_and_keeps_the_stored_answers(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    from csa_companion.content.loader import load_library
    from csa_companion.content.model import Tool

    tool = load_library([bundled_content_dir()]).get("ladder-of-social-connectedness")
    assert isinstance(tool, Tool)
    want, now_step = tool.step("want"), tool.step("now")
    assert want is not None and now_step is not None and now_step.choices
    sheet = (
        Worksheet.new(tool, "Teachers", START)
        .with_choice(want, "Acting together", "So the children see\n\none program.", START)
        .with_choice(now_step, "Aware", "", START)
    )
    repo = WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"])
    repo.save(sheet)
    retired = Worksheet("retired-tool", "Old", START, START, answers={"want": "Aware\n\nwhy"})
    repo.save(retired)

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "worksheet", "list", "--json")
    assert code == 0
    listed = {doc["uid"]: doc for doc in json.loads(out)}
    doc = listed[sheet.uid]
    assert doc["choices"] == {
        "want": {"choice": "Acting together", "words": "So the children see\n\none program."},
        "now": {"choice": "Aware", "words": ""},
    }
    # The stored answers are there unchanged: the JSON is the stored document plus `choices`.
    assert {k: v for k, v in doc.items() if k != "choices"} == sheet.to_doc()
    assert "choices" not in listed[retired.uid]  # without its tool, nothing can be split


def test_a_worksheet_title_with_an_escape_sequence_is_listed_without_it(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """A title from an imported file went to the terminal as it was, escapes included."""
    sheet = Worksheet("iceberg", "Pickup\x1b[2J", START, START)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(sheet)
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "worksheet", "list")
    assert code == 0 and "\x1b" not in out and "Pickup\ufffd[2J  [The Iceberg]" in out


# -- content check and list say what they checked (item 13) ----------------------------------


def test_content_check_names_the_folders_it_checks(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    (data_dir / "content").mkdir(parents=True)
    code, out, err = run(
        capsys, "--data-dir", str(data_dir), "--content", str(BROKEN), "content", "check"
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[:3] == [
        f"checking the bundled content: {bundled_content_dir()}",
        f"checking your content folder: {data_dir / 'content'}",
        f"checking --content {BROKEN}",
    ]
    assert f"{BROKEN / 'tools' / 'step-problems.md'}:10: step #1 has no prompt" in lines
    assert re.fullmatch(r"csa-companion: 7 problems; \d+ items loaded\n", err)
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "content", "check", str(BROKEN))
    assert code == 1 and out.splitlines()[0] == f"checking {BROKEN}"  # only that folder


def test_content_check_finds_problems_in_the_user_content_folder(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    (data_dir / "content").mkdir(parents=True)
    (data_dir / "content" / "mine.md").write_text("no front matter\n")
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "content", "check")
    assert code == 1 and f"{data_dir / 'content' / 'mine.md'}:1: no front matter" in out


def test_content_list_warns_about_skipped_files(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, err = run(
        capsys, "--data-dir", str(data_dir), "--content", str(BROKEN), "content", "list"
    )
    assert code == 0 and "iceberg" in out
    [line] = err.splitlines()
    assert line.startswith("csa-companion: skipped 5 broken files: ")
    assert str(BROKEN / "tools" / "missing-id.md") in line
    command = f"csa-companion --data-dir {data_dir} --content {BROKEN} content check"
    assert line.endswith(f"run `{command}`")


# -- export (item 14) ------------------------------------------------------------------------


def test_export_creates_missing_folders_and_a_private_file(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    sheet = Worksheet("iceberg", "Pickup", START, START)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(sheet)
    out_file = tmp_path / "exports" / "2026" / "pickup.md"
    old = tmp_path / "old.md"
    old.write_text("older export")
    old.chmod(0o644)
    umask = os.umask(0)
    try:
        for target in (out_file, old):
            code, out, _ = run(
                capsys,
                *("--data-dir", str(data_dir), "worksheet", "export", sheet.uid[:6]),
                *("--out", str(target)),
            )
            assert code == 0 and out == f"exported to {target}\n"
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
            assert "# Pickup" in target.read_text()
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out_file.parent.stat().st_mode) == 0o700


def test_export_to_a_folder_below_a_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    sheet = Worksheet("iceberg", "Pickup", START, START)
    WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"]).save(sheet)
    (tmp_path / "a-file").write_text("x")
    target = tmp_path / "a-file" / "pickup.md"
    code, _, err = run(
        capsys, "--data-dir", str(data_dir), "worksheet", "export", sheet.uid, "--out", str(target)
    )
    assert code == 1 and err == f"csa-companion: cannot write {target}: Not a directory\n"


def test_journal_search_ignores_accents(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = str(data_dir)
    run(capsys, "--data-dir", d, "journal", "add", "Coffee chat", "--title", "Café")
    run(capsys, "--data-dir", d, "journal", "add", "Tagged", "--tag", "coaching")
    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--search", "cafe")
    assert code == 0 and "Café" in out and "Tagged" not in out
    code, out, _ = run(capsys, "--data-dir", d, "journal", "list", "--search", "#coaching")
    assert code == 0 and "Tagged" in out and "Café" not in out


def test_reflection_and_survey_exports_are_private_too(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    umask = os.umask(0)
    try:
        for command in (["reflection", "export", "2026-11"], ["survey", "export"]):
            target = tmp_path / "new" / command[0] / "out"
            code, _, _ = run(capsys, "--data-dir", str(data_dir), *command, "--out", str(target))
            assert code == 0 and stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(umask)


def test_a_saved_code_that_is_not_utf8_is_repaired(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, err = run(capsys, "--data-dir", str(data_dir), "survey", "code", LATIN_1)
    assert code == 0 and "caf\ufffd" in out
    assert err == "csa-companion: the code had bytes that are not UTF-8: each was saved as \ufffd\n"


def test_an_empty_worksheet_id_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """`worksheet export ''` said "2 worksheets have an id starting with ''"."""
    repo = WorksheetRepo(Stores(DataPaths(data_dir))["worksheets"])
    repo.save(Worksheet("iceberg", "Pickup", START, START))
    repo.save(Worksheet("iceberg", "Lunch", START, START))
    code, out, err = run(capsys, "--data-dir", str(data_dir), "worksheet", "export", "")
    assert code == 2 and out == ""
    assert err == "csa-companion: give a worksheet id; `worksheet list` shows them\n"


def test_each_area_owns_the_commands_it_adds() -> None:
    """parser.AREAS names each area's commands (so that a command imports its area alone):
    they are the ones the area's add_parsers adds, and --help lists them in its order."""

    def commands(parser: argparse.ArgumentParser) -> list[str]:
        [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return list(action.choices)

    for area, owned in AREAS.items():
        assert commands(_parser([area])) == ["run", "where", *owned], area
    assert commands(_parser()) == ["run", "where", *(c for cs in AREAS.values() for c in cs)]


def _printed(
    parse: Callable[[list[str]], object], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[object, ...]:
    """What parsing `argv` returned, or the exit it asked for, and what it printed."""
    try:
        result: object = parse(argv)
    except SystemExit as done:
        result = ("exit", done.code)
    out, err = capsys.readouterr()
    return result, out, err


def test_help_and_errors_are_the_whole_parsers(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """Only the parsers of the command's area are built to run it; the help, the version and
    every error still read as the whole parser's (which lists every command), and a line
    read is read the same."""

    def paths(parser: argparse.ArgumentParser, words: list[str]) -> Iterator[list[str]]:
        yield words
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from paths(sub, [*words, name])

    lines = [["--version"], ["-h", "journal"], ["nope"], ["--data-dir"], ["--ver"]]
    for words in paths(_parser(), []):
        lines += [[*words, "--help"], [*words, "--he"], [*words, "--bogus"], [*words, "x", "y"]]
    lines += [["journal", "add", "-5 minutes"], ["--data-dir", "journal", "export"]]
    lines += [  # lines that are read: the command's arguments and the global options anywhere
        [],
        ["run"],
        ["where", "--content", "c"],
        ["journal", "add", "a note", "--tag", "a", "--data-dir", "d", "--title=t"],
        ["journal", "add", "--", "-h"],
        ["journal", "list", "--limit", "3", "--json"],
        ["--content", "c", "export", "--out", "f"],
        ["encrypt", "--lock-after", "5"],
        ["serve", "--port", "9000"],
        ["worksheet", "list"],
    ]
    assert len(lines) > 100  # every command was walked
    read = 0
    for argv in lines:
        argv = ["--data-dir", str(data_dir), *argv]
        whole = _printed(_parser().parse_args, argv, capsys)
        assert _printed(_parse, argv, capsys) == whole, argv
        read += isinstance(whole[0], argparse.Namespace)
    assert read >= 10  # those above, at least

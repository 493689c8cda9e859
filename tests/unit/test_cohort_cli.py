"""`csa-companion cohort report` end to end: a folder of survey exports in, a report out in each
format, the chart beside it, clear one-line messages for what goes wrong."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csa_companion.cli import main
from csa_companion.domain.survey import POST, PRE, SUBMITTED, Answer, SurveyResponse
from csa_companion.domain.team import TeamItem
from csa_companion.transfer.cohort import gather
from csa_companion.transfer.team import join, publish
from tests.conftest import START
from tests.rhythm_data import at, seed_month, seed_surveys
from tests.unit.test_cohort import HEADER
from tests.unit.test_team import cache_at


def cohort(tmp_path: Path, n: int = 4) -> Path:
    """`n` participants' `survey export` files: own-vision rises by one for each; the retired
    'aspiration' statement is answered by all, and a statement of an unknown survey by two."""
    folder = tmp_path / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    for p in range(1, n + 1):
        rows = [
            f"P{p},1,pre,own-vision,2,,2027-01-19",
            f"P{p},1,post,own-vision,3,noted {p},2027-01-19",
            f"P{p},1,pre,aspiration,3,,2027-01-19",
            f"P{p},1,post,aspiration,{3 + p % 2},,2027-01-19",
        ]
        if p <= 2:
            rows += [f"P{p},1,pre,mystery,1,,2027-01-19", f"P{p},1,post,mystery,5,,2027-01-19"]
        (folder / f"P{p}.csv").write_text(HEADER + "\n".join(rows) + "\n")
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_report_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cohort", "report", str(cohort(tmp_path)))
    assert code == 0 and err == ""
    assert out.startswith("# Cohort report\n")
    assert "4 participants, 20 answers counted, from 4 files." in out
    assert (
        "| I can describe the future I want to help create through my work. (own-vision) | 4 | "
        "2.00 | 3.00 | +1.00 | 4 | 0 | 0 | — |" in out
    )
    assert "(aspiration, earlier edition) | 4 | 3.00 | 3.50 | +0.50 | 2 | 2 | 0 | +0.87 |" in out
    assert "| mystery (not in the current survey) | fewer than 3 |" in out
    assert "noted 1" not in out  # comments only with --comments
    assert "P1" not in out  # codes never appear


def test_out_writes_the_report_and_the_chart_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "reports" / "cohort.md"
    code, out, err = run(
        capsys, "cohort", "report", str(cohort(tmp_path)), "--out", str(out_file), "--comments"
    )
    chart = tmp_path / "reports" / "cohort-growth.svg"
    assert code == 0 and err == ""
    assert out == (
        f"cohort report written to {out_file} (chart: {chart})\n"
        "4 participants, 20 answers from 4 files\n"
    )
    text = out_file.read_text()
    assert "![Growth per statement](cohort-growth.svg)" in text
    assert "- noted 1" in text
    assert chart.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert out_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(
        capsys, "cohort", "report", str(cohort(tmp_path)), "--format", fmt, "--min-n", "2"
    )
    assert code == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        mystery = next(r for r in rows if r["item"] == "mystery" and r["session"] == "all")
        assert (mystery["paired_n"], mystery["mean_change"], mystery["survey"]) == (
            "2",
            "4.0000",
            "unknown",
        )
    else:
        data = json.loads(out)
        assert data["min_n"] == 2 and data["participants"] == 4
        assert data["statements"][0]["all_sessions"]["mean_change"] == 1.0


def test_a_csv_report_written_to_a_file_starts_with_the_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel on Windows showed accents wrongly in a CSV without the mark."""
    folder = cohort(tmp_path)
    (folder / "P1.csv").write_text(
        (folder / "P1.csv").read_text().replace("mystery", "présence"), encoding="utf-8"
    )
    out_file = tmp_path / "cohort.csv"
    args = ("cohort", "report", str(folder), "--format", "csv", "--min-n", "1")
    assert run(capsys, *args, "--out", str(out_file))[0] == 0
    written = out_file.read_bytes()
    assert written.startswith(codecs.BOM_UTF8)
    _, stdout, _ = run(capsys, *args)  # to stdout (a pipe): no mark
    assert written.decode("utf-8-sig") == stdout and not stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert any(r["item"] == "présence" for r in rows)


def test_duplicates_and_malformed_rows_are_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = cohort(tmp_path)
    (folder / "P1 (conflicted copy).csv").write_text(
        HEADER + "P1,1,post,own-vision,4,,2027-01-20\nP1,1,post,own-vision,seven,,2027-01-20\n"
    )
    out_file = tmp_path / "r.md"
    code, _, err = run(capsys, "cohort", "report", str(folder), "--out", str(out_file))
    assert code == 0
    assert err == ("csa-companion: 1 malformed row left out; the report's Notes name them\n")
    text = out_file.read_text()
    assert "P1 (conflicted copy).csv line 3: rating 'seven' is not a whole number" in text
    assert "1 answer given again differently" in text
    assert "| 4 | 2.00 | 3.25 | +1.25 |" in text  # P1's later answer (4) counted


def test_what_goes_wrong_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cohort", "report", str(tmp_path / "nosuch"))
    assert (code, out) == (1, "")
    assert (
        err == f"csa-companion: {tmp_path / 'nosuch'}: no such file or folder; nothing was read\n"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.csv").write_text("hello\n")
    code, _, err = run(capsys, "cohort", "report", str(empty))
    assert code == 1
    assert err == (
        f"csa-companion: no survey answers found in {empty} ({empty / 'notes.csv'}: not survey "
        "answers (its first line does not name the columns participant, session, when, item, "
        "rating); left out)\n"
    )
    with pytest.raises(SystemExit) as exit_:
        main(["cohort", "report", str(cohort(tmp_path)), "--min-n", "0"])
    assert exit_.value.code == 2 and "--min-n: must be 1 or more" in capsys.readouterr().err
    data = tmp_path / "data"
    data.mkdir()
    (data / "journal.json").write_text("the journal")
    code, _, err = run(
        capsys,
        "--data-dir",
        str(data),
        "cohort",
        "report",
        str(cohort(tmp_path)),
        "--chart",
        str(data / "journal.json"),
    )
    assert code == 2 and "is in the data folder, where it could replace your data" in err
    assert (data / "journal.json").read_text() == "the journal"


def test_the_command_in_a_real_process_reads_hostile_files(tmp_path: Path) -> None:
    folder = cohort(tmp_path)
    (folder / "binary.csv").write_bytes(b"\x00\x01\x02" * 1000)
    (folder / "formula.csv").write_text(HEADER + '=1+2,1,pre,"=HYPERLINK(""x"")",3,,2027-01-19\n')
    done = subprocess.run(
        [sys.executable, "-m", "csa_companion", "cohort", "report", str(folder), "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert '\n"\'=HYPERLINK(""x"")",,unknown,all,fewer than 3,' in done.stdout
    assert done.stderr == (
        f"csa-companion: 1 file or folder left out; first: {folder / 'binary.csv'}: not text "
        "(binary data); left out; --format markdown names them all\n"
    )


def test_survey_export_is_safe_in_a_spreadsheet_and_the_report_reads_it_as_written(
    data_dir: Path, tmp_path: Path
) -> None:
    rhythm = seed_month(data_dir)
    formula = '=HYPERLINK("http://example.org","open me")'
    for when, hour, rating, comment in ((PRE, 8, 2, formula), (POST, 14, 4, "-better")):
        moment = at(f"2027-01-19T{hour:02d}:00")
        given = {"own-vision": Answer(rating, comment)}
        rhythm.surveys.save(SurveyResponse(1, when, moment, given, SUBMITTED))
    d = str(data_dir)
    assert main(["--data-dir", d, "survey", "code", "@west-7"]) == 0
    out = tmp_path / "answers" / "west.csv"
    assert main(["--data-dir", d, "survey", "export", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(codecs.BOM_UTF8)  # for Excel; the report skips it
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "participant"
    assert rows[1][0] == "'@west-7" and rows[1][5] == "'" + formula
    assert rows[2][5] == "'-better"
    answers = gather([out.parent])
    assert answers.ratings[("@west-7", 1, POST, "own-vision")][4] == "-better"
    assert answers.ratings[("@west-7", 1, PRE, "own-vision")][4] == formula


def survey_item(when: str, rating: int, n: int) -> TeamItem:
    """A submitted survey published to the team, as `team publish --surveys` does."""
    doc = {
        "key": f"1-{when}",
        "session": 1,
        "when": when,
        "status": "submitted",
        "updated": START.isoformat(),
        "answers": {"trust": {"rating": rating, "comment": ""}},
        "participant": f"T-{n}",
    }
    return TeamItem(f"survey:1-{when}", "survey", 1, "", "Survey", "", doc)


def test_an_encrypted_team_folder_asks_its_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    passphrase = "a team passphrase of words"
    for n in range(3):
        cache = cache_at(tmp_path / "data" / str(n))
        member = join(
            cache, team, START, name=f"Name {n}", encrypt=True, passphrase=lambda _: passphrase
        )
        publish(cache, member, START, add=[survey_item(PRE, 2, n), survey_item(POST, 4, n)])
    assert gather([team]).rows == 0  # no key: left out, with the team reader's notice
    monkeypatch.setattr("sys.stdin", io.StringIO(passphrase + "\n"))
    code, out, _ = run(capsys, "cohort", "report", str(team), "--format", "json")
    assert code == 0
    assert json.loads(out)["statements"][0]["all_sessions"]["mean_change"] == 2.0
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong words entirely\n"))
    code, out, err = run(capsys, "cohort", "report", str(team))
    assert (code, out) == (1, "")
    assert err == "csa-companion: wrong team passphrase; nothing was changed\n"
    # a member's own data folder keeps the team's key: nothing is asked
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    own = str(tmp_path / "data" / "1")
    code, out, err = run(capsys, "--data-dir", own, "cohort", "report", str(team))
    assert code == 0 and "3 participants, 6 answers counted" in out


def test_members_publish_their_surveys_and_the_report_reads_the_team_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole way, as people would: each member sets a code, submits surveys, joins the
    team and publishes them; the facilitator reports on the team folder."""
    team = tmp_path / "Dropbox" / "team"
    team.mkdir(parents=True)
    for n in range(3):
        d = str(tmp_path / "members" / str(n))
        seed_surveys(seed_month(Path(d)))
        assert main(["--data-dir", d, "survey", "code", f"WEST-{n}"]) == 0
        assert main(["--data-dir", d, "team", "join", str(team), "--name", f"Real Name {n}"]) == 0
        assert main(["--data-dir", d, "team", "publish", "--surveys"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "cohort", "report", str(team), "--comments")
    assert code == 0 and err == ""
    assert "3 participants, 30 answers counted, from 3 files." in out
    # seed_surveys: systems 1 -> 3 in session 1, 2 -> 4 in session 2, for each of the three
    assert "| I can see how the parts of my program interact" in out
    assert "(systems, earlier edition) | 3 | 1.50 | 3.50 | +2.00 | 3 | 0 | 0 | — |" in out
    assert "- felt unsure, still" in out
    assert "Real Name" not in out and "WEST-" not in out


def test_a_file_name_that_is_not_utf8_is_named_with_a_replacement_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = cohort(tmp_path)
    odd = os.path.join(os.fsencode(folder), b"caf\xe9.csv")  # Latin-1, not UTF-8
    with open(odd, "w") as handle:
        handle.write(HEADER + "P9,1,pre,own-vision,9,,2027-01-19\n")
    out_file = tmp_path / "r.md"
    code, _, err = run(capsys, "cohort", "report", str(folder), "--out", str(out_file))
    assert code == 0 and "1 malformed row left out" in err  # it ended in a UnicodeEncodeError
    assert "caf\ufffd.csv line 2: rating '9' is not a whole number" in out_file.read_text()


def test_the_markdown_links_a_chart_written_elsewhere_as_it_finds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file, chart = tmp_path / "reports" / "r.md", tmp_path / "charts" / "growth.svg"
    args = ("--out", str(out_file), "--chart", str(chart))
    code, _, _ = run(capsys, "cohort", "report", str(cohort(tmp_path)), *args)
    assert code == 0 and chart.exists()
    assert "![Growth per statement](../charts/growth.svg)" in out_file.read_text()


def test_a_chart_named_as_another_kind_of_picture_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The chart is SVG: written into "growth.png" it would be a picture no program opens."""
    png = tmp_path / "growth.png"
    code, out, err = run(capsys, "cohort", "report", str(cohort(tmp_path)), "--chart", str(png))
    assert (code, out) == (2, "")
    assert err == (
        f"csa-companion: --chart {png}: the chart is an SVG image; give a file name ending "
        "in .svg (nothing was written)\n"
    )
    assert not png.exists()
    upper = tmp_path / "GROWTH.SVG"
    code, _, _ = run(capsys, "cohort", "report", str(cohort(tmp_path)), "--chart", str(upper))
    assert code == 0 and upper.read_text().startswith("<?xml")


def test_a_team_folder_where_no_one_published_surveys_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first reason given was whatever the team reader noticed first (a half-synced file),
    or none at all."""
    team = tmp_path / "team"
    team.mkdir()
    join(cache_at(tmp_path / "ana"), team, START, name="Ana")
    (team / "member-0123456789ab.json").write_bytes(b'{"half')
    code, out, err = run(capsys, "cohort", "report", str(team))
    assert (code, out) == (1, "")
    assert err == (
        f"csa-companion: no survey answers found in {team} ({team}: no member of this team has "
        "published survey answers yet (each publishes theirs with `team publish --surveys`))\n"
    )

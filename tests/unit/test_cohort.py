"""The cohort report's domain: reading answers, duplicates, malformed rows, the statistics
against values worked out by hand, min-n suppression, and the four ways it is written out."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from csa_companion.domain import cohort as cohort_module
from csa_companion.domain.cohort import Answers, cohort_report, paired, statement_texts
from csa_companion.domain.cohort_render import csv_text, json_data, markdown, svg, text_bars
from csa_companion.domain.survey import safe_cell

HEADER = "participant,session,when,item,rating,comment,date\n"

# Hand-worked example (see test_statistics_match_hand_computed_values):
#   statement A, session 1: P1 2->4, P2 3->3, P3 4->3, P4 1->4  (changes +2, 0, -1, +3)
#   statement A, session 2: P1 3->5, P2 3->4, P3 3->(none)      (changes +2, +1; P3 unpaired)
#   statement B, session 1: P1 1->2, P2 2->3, P3 3->4           (every change +1: sd 0)
ROWS = """\
P1,1,pre,A,2,,2027-01-19
P1,1,post,A,4,,2027-01-19
P2,1,pre,A,3,,2027-01-19
P2,1,post,A,3,,2027-01-19
P3,1,pre,A,4,,2027-01-19
P3,1,post,A,3,,2027-01-19
P4,1,pre,A,1,,2027-01-19
P4,1,post,A,4,,2027-01-19
P1,2,pre,A,3,,2027-02-09
P1,2,post,A,5,,2027-02-09
P2,2,pre,A,3,,2027-02-09
P2,2,post,A,4,,2027-02-09
P3,2,pre,A,3,,2027-02-09
P1,1,pre,B,1,,2027-01-19
P1,1,post,B,2,,2027-01-19
P2,1,pre,B,2,,2027-01-19
P2,1,post,B,3,,2027-01-19
P3,1,pre,B,3,,2027-01-19
P3,1,post,B,4,,2027-01-19
"""


def read(*files: tuple[str, str | bytes]) -> Answers:
    answers = Answers()
    for name, text in files:
        answers.read(text.encode() if isinstance(text, str) else text, name)
    return answers


def test_statistics_match_hand_computed_values() -> None:
    report = cohort_report(read(("a.csv", HEADER + ROWS)), {"A": "Statement A"})
    a, b = report.statements
    assert (a.item, a.text, a.current, b.current) == ("A", "Statement A", True, False)
    one, two = a.sessions
    # session 1: before (2+3+4+1)/4, after (4+3+3+4)/4; changes 2,0,-1,3 -> mean 1,
    # squared deviations 1+1+4+4 = 10, sd = sqrt(10/3), d_z = 1/sd
    assert (one.session, one.n, one.rose, one.stayed, one.fell) == (1, 4, 2, 1, 1)
    assert one.before == 2.5 and one.after == 3.5 and one.change == 1.0
    assert one.sd == pytest.approx((10 / 3) ** 0.5)
    assert one.d_z == pytest.approx(0.5477, abs=1e-4)
    assert one.shown
    # session 2: only two pairs (P3 has no after): below the default min-n of 3
    assert (two.session, two.n, two.shown, two.before, two.d_z) == (2, 2, False, None, None)
    # over all sessions, each participant once, averaged over their paired sessions:
    # P1 (2+3)/2 -> (4+5)/2 = +2; P2 3 -> 3.5 = +0.5; P3 4 -> 3 = -1; P4 1 -> 4 = +3
    overall = a.overall
    assert (overall.session, overall.n, overall.rose, overall.stayed, overall.fell) == (
        None,
        4,
        3,
        0,
        1,
    )
    assert overall.before == pytest.approx(2.625) and overall.after == pytest.approx(3.75)
    assert overall.change == pytest.approx(1.125)
    # deviations .875, -.625, -2.125, 1.875: squares sum 9.1875, / 3 = 3.0625, sd 1.75
    assert overall.sd == pytest.approx(1.75)
    assert overall.d_z == pytest.approx(1.125 / 1.75)
    # B: every participant rose by exactly 1: the mean change is 1, d_z is not defined
    (b1,) = b.sessions
    assert (b1.n, b1.change, b1.sd, b1.d_z, b1.rose) == (3, 1.0, 0.0, None, 3)


def test_min_n_two_shows_the_small_cell_with_its_own_hand_values() -> None:
    report = cohort_report(read(("a.csv", HEADER + ROWS)), min_n=2)
    two = report.statements[0].sessions[1]
    # P1 3->5, P2 3->4: mean change 1.5, sd of (2, 1) = sqrt(0.5)
    assert two.shown and (two.before, two.after, two.change) == (3.0, 4.5, 1.5)
    assert two.d_z == pytest.approx(1.5 / 0.5**0.5)


def test_min_n_one_words_a_cell_nobody_paired_as_none_in_every_format() -> None:
    """--min-n 1 printed 'fewer than 1' (and 'fewer than 1 participants')."""
    only_before = "P9,3,pre,A,4,,2027-03-09\n"  # session 3: a rating before, none after
    report = cohort_report(
        read(("a.csv", HEADER + ROWS + only_before)), {"A": "Statement A"}, min_n=1
    )
    text = markdown(report)
    assert "A cell with no participants shows “none” instead of numbers." in text
    assert "| Statement A (A) | none | | | | | | | |" in text  # session 3
    assert "no participants" in "\n".join(text_bars(report))
    rows = list(csv.DictReader(io.StringIO(csv_text(report))))
    assert next(r for r in rows if r["session"] == "3")["paired_n"] == "none"
    assert json_data(report)["statements"][0]["sessions"][2]["paired_n"] == "none"
    drawn = svg(report)
    assert "cells with no participants are not drawn" in drawn
    everything = text + csv_text(report) + json.dumps(json_data(report)) + drawn
    assert "fewer than 1" not in everything


def test_paired_edge_cases() -> None:
    assert paired([], [], []).n == 0
    one = paired([2.0], [1.0], [3.0])
    assert (one.n, one.sd, one.d_z, one.change) == (1, None, None, 2.0)
    none_moved = paired([0.0, 0.0, 0.0], [3.0] * 3, [3.0] * 3)
    assert (none_moved.sd, none_moved.d_z, none_moved.stayed) == (0.0, None, 3)
    fell = paired([-1.0, -2.0, -3.0], [4.0] * 3, [3.0, 2.0, 1.0])
    assert fell.d_z == pytest.approx(-2.0) and fell.fell == 3


def test_suppressed_cells_show_no_numbers_in_any_format() -> None:
    report = cohort_report(read(("a.csv", HEADER + ROWS)), {"A": "Statement A"})
    text = markdown(report)
    assert "| Statement A (A) | fewer than 3 | | | | | | | |" in text  # session 2
    assert "fewer than 3 participants" in "\n".join(text_bars(report))
    rows = list(csv.DictReader(io.StringIO(csv_text(report))))
    small = next(r for r in rows if r["item"] == "A" and r["session"] == "2")
    assert small["paired_n"] == "fewer than 3"
    assert all(small[k] == "" for k in ("mean_before", "mean_after", "mean_change", "rose"))
    data = json_data(report)
    cell = data["statements"][0]["sessions"][1]
    assert cell == {"session": 2, "suppressed": True, "paired_n": "fewer than 3"}
    assert "fewer than 3 participants" in svg(report)
    # --min-n 5: even session 1 (4 pairs) is held back
    strict = cohort_report(read(("a.csv", HEADER + ROWS)), min_n=5)
    assert not any(c.shown for s in strict.statements for c in (s.overall, *s.sessions))
    assert "fewer than 5" in markdown(strict)


def test_the_latest_duplicate_counts_and_the_report_says_so() -> None:
    answers = read(
        (
            "a.csv",
            HEADER
            + "P1,1,pre,A,2,,2027-01-19\n"
            + "P1,1,pre,A,5,,2027-01-18\n"  # an earlier date read later: not the latest
            + "P1,1,post,A,3,,2027-01-19\n"
            + "P1,1,post,A,4,,2027-01-19\n",  # same day: the one read last counts
        ),
        ("b.csv", HEADER + "P1,1,post,A,4,,2027-01-19\n"),  # the same answer again
    )
    assert answers.ratings[("P1", 1, "pre", "A")][0] == 2
    assert answers.ratings[("P1", 1, "post", "A")][0] == 4
    assert (answers.duplicates, answers.copies, answers.rows) == (2, 1, 5)
    report = cohort_report(answers, min_n=1)
    assert report.statements[0].sessions[0].change == 2
    text = markdown(report)
    assert "2 answers given again differently and 1 identical copy" in text
    assert "The latest counted" in text
    assert json_data(report)["duplicates"] == {"differing": 2, "identical": 1}


def test_a_malformed_row_is_named_with_file_and_line_and_the_rest_counted() -> None:
    bad = (
        HEADER
        + "P1,1,pre,A,2,,2027-01-19\n"
        + "P1,1,post,A,7,,2027-01-19\n"  # line 3
        + ",1,post,A,3,,2027-01-19\n"  # line 4
        + "P1,x,post,A,3,,2027-01-19\n"  # line 5
        + "P1,1,during,A,3,,2027-01-19\n"  # line 6
        + "P1,1,post,A,3,,next week\n"  # line 7
        + "P1,1,post\n"  # line 8
        + '"P1,1,post,A,3,,2027-01-19\n'  # line 9: an open quote swallows the rest
    )
    answers = read(("team/maria.csv", bad))
    assert answers.rows == 1 and answers.malformed == 7
    assert answers.problems == [
        "team/maria.csv line 3: rating '7' is not a whole number from 1 to 5",
        "team/maria.csv line 4: has no participant code",
        "team/maria.csv line 5: session 'x' is not a session number (0 to 99)",
        "team/maria.csv line 6: 'during' is neither pre nor post",
        "team/maria.csv line 7: date 'next week' is not a date (YYYY-MM-DD)",
        "team/maria.csv line 8: has 3 cells where 7 are needed",
        "team/maria.csv line 9: has 1 cell where 7 are needed",
    ]
    text = markdown(cohort_report(answers))
    assert "7 malformed rows left out; the rest counted:" in text
    assert "team/maria.csv line 3: rating '7'" in text


def test_whole_files_that_are_not_answers_are_left_out_with_a_reason() -> None:
    answers = read(
        ("empty.csv", ""),
        ("other.csv", "name,score\nx,1\n"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
        ("cut.json", '{"format": "csa-companion-export", "stores": {'),
        ("notes.json", '{"hello": 1}'),
        ("good.csv", HEADER + "P1,1,pre,A,2,,2027-01-19\n"),
    )
    assert answers.skipped == [
        "empty.csv is empty; left out",
        "other.csv: not survey answers (its first line does not name the columns "
        "participant, session, when, item, rating); left out",
        "binary.csv: not text (binary data); left out",
        "cut.json is damaged or cut off (not valid JSON); left out",
        "notes.json: not a csa-companion export or survey CSV; left out",
    ]
    assert answers.files == 1 and answers.rows == 1


def test_encodings_spreadsheets_write_are_read() -> None:
    text = HEADER + "P1,1,pre,A,2,café,2027-01-19\n"
    answers = read(
        ("bom.csv", b"\xef\xbb\xbf" + text.encode()),
        ("utf16.csv", text.replace("P1", "P2").encode("utf-16")),
        ("latin1.csv", text.replace("P1", "P3").encode("latin-1")),
        ("crlf.csv", text.replace("P1", "P4").replace("\n", "\r\n").encode()),
    )
    assert answers.participants == 4 and answers.rows == 4
    assert answers.notices == ["latin1.csv: not UTF-8 (saved in another encoding?); 1 character "
                               "shown as \ufffd"]  # fmt: skip
    assert answers.ratings[("P1", 1, "pre", "A")][4] == "café"


def test_semicolons_and_tabs_between_cells_as_some_spreadsheets_save_csv() -> None:
    semicolons = HEADER.replace(",", ";") + 'P1;1;pre;A;2;"a; b";2027-01-19\n'
    tabs = HEADER.replace(",", "\t") + "P2\t1\tpre\tA\t3\t\t2027-01-19\n"
    answers = read(("de.csv", semicolons), ("tabs.tsv", tabs))
    assert answers.rows == 2 and not answers.skipped
    assert answers.ratings[("P1", 1, "pre", "A")][4] == "a; b"


def test_dates_as_a_spreadsheet_saves_them_are_read() -> None:
    """A survey export opened in Excel and saved again has its dates as the spreadsheet shows
    them (1/19/2027 in the US); each row was left out as malformed, so the whole file was."""
    saved = (
        HEADER
        + "P1,1,pre,A,2,,1/19/2027\n"
        + "P1,1,pre,A,5,,1/18/2027 9:30\n"  # an earlier date read later: not the latest
        + "P1,1,post,A,4,,19/01/2027\n"  # the day first, where the day tells
        + "P2,1,pre,A,3,,19.01.2027\n"
        + "P2,1,post,A,3,,2/30/2027\n"  # no such day
    )
    answers = read(("excel.csv", saved))
    assert answers.problems == ["excel.csv line 6: date '2/30/2027' is not a date (YYYY-MM-DD)"]
    assert answers.ratings[("P1", 1, "pre", "A")][0] == 2
    assert answers.ratings[("P1", 1, "post", "A")][0] == 4
    assert ("P2", 1, "pre", "A") in answers.ratings


def test_columns_in_another_order_and_before_after_words() -> None:
    answers = read(
        ("a.csv", "Item,Rating,When,Session,Participant\nA,3,Before,1,P1\nA,4,after,1,P1\n")
    )
    assert answers.rows == 2 and answers.ratings[("P1", 1, "post", "A")][0] == 4


def test_a_blank_rating_is_not_counted_nor_malformed() -> None:
    answers = read(("a.csv", HEADER + "P1,1,pre,A,,just a comment,2027-01-19\n"))
    assert (answers.rows, answers.blank, answers.malformed) == (0, 1, 0)


def export(code: str | None, surveys: list[dict[str, Any]], **extra: Any) -> bytes:
    stores: dict[str, Any] = {"surveys": {"surveys": surveys}}
    if code is not None:
        stores["settings"] = {"settings": [{"key": "participant_code", "value": code}]}
    stores["journal"] = {"journal": [{"uid": "x", "title": "private thoughts"}]}
    head = {"format": "csa-companion-export", "version": 1, "schema": 3}
    digest = __import__("hashlib").sha256(orjson.dumps(stores, option=orjson.OPT_SORT_KEYS))
    return orjson.dumps(head | {"sha256": digest.hexdigest(), "stores": stores} | extra)


def response(
    session: int, when: str, ratings: dict[str, int], status: str = "submitted"
) -> dict[str, Any]:
    return {
        "key": f"{session}-{when}",
        "session": session,
        "when": when,
        "status": status,
        "updated": f"2027-01-19T{10 if when == 'pre' else 14}:00:00-08:00",
        "answers": {k: {"rating": v, "comment": ""} for k, v in ratings.items()},
    }


def test_whole_exports_give_their_submitted_answers_under_the_participant_code() -> None:
    answers = read(
        (
            "p7.json",
            export(
                "P7",
                [
                    response(1, "pre", {"A": 2, "B": 3}),
                    response(1, "post", {"A": 4, "B": 3}),
                    response(2, "pre", {"A": 1}, status="draft"),
                ],
            ),
        ),
        ("nocode.json", export(None, [response(1, "pre", {"A": 2})])),
        ("sealed.json", b'{"format": "csa-companion-encrypted", "version": 1}\nxxxx'),
    )
    assert answers.rows == 4 and answers.drafts == 1
    rating, day, stamp = answers.ratings[("P7", 1, "post", "A")][:3]
    assert (rating, day) == (4, "2027-01-19")
    assert stamp == datetime(2027, 1, 19, 22, tzinfo=UTC).timestamp()
    assert answers.skipped[0].startswith("nocode.json has no participant code")
    assert "encrypted with a passphrase of its own" in answers.skipped[1]
    # nothing of the journal reaches the report
    assert "private thoughts" not in markdown(cohort_report(answers, min_n=1))


def test_a_damaged_export_is_left_out() -> None:
    raw = export("P7", [response(1, "pre", {"A": 2})]).replace(b'"rating":2', b'"rating":5')
    answers = read(("p7.json", raw))
    assert answers.rows == 0
    assert answers.skipped == [
        "p7.json is damaged: its contents do not match its checksum; left out"
    ]


def test_exports_and_csv_of_the_same_person_are_duplicates_not_two_people() -> None:
    csv_rows = HEADER + "P7,1,pre,A,2,,2027-01-19\nP7,1,post,A,4,,2027-01-19\n"
    answers = read(
        ("p7.csv", csv_rows),
        ("p7.json", export("P7", [response(1, "pre", {"A": 2}), response(1, "post", {"A": 4})])),
    )
    assert answers.participants == 1 and answers.copies == 2


def test_statements_of_another_survey_edition_are_each_reported_on_their_own() -> None:
    rows = HEADER + "".join(
        f"P{p},1,{w},{item},{r},,2027-01-19\n"
        for p in (1, 2, 3)
        for item, r in (
            ("mystery", 5),
            ("aspiration", 3),
            ("self-awareness", 4),
            ("tool-iceberg", 2),
        )
        for w in ("pre", "post")
    )
    texts = statement_texts(
        [("self-awareness", "I notice what I feel.")],
        "I feel confident using {tool}.",
        {"iceberg": "The Iceberg"},
    )
    earlier = {"aspiration": "I can help my team name a shared future."}
    report = cohort_report(read(("a.csv", rows)), texts, earlier=earlier)
    assert [(s.item, s.current, s.known) for s in report.statements] == [
        ("self-awareness", True, True),
        ("tool-iceberg", True, True),
        ("aspiration", False, True),
        ("mystery", False, False),
    ]
    assert report.statements[1].text == "I feel confident using The Iceberg."
    text = markdown(report)
    assert "| I can help my team name a shared future. (aspiration, earlier edition) | 3 |" in text
    assert "| mystery (not in the current survey) | 3 |" in text
    assert "2 statements not in the current survey" in text
    rows_out = list(csv.DictReader(io.StringIO(csv_text(report))))
    assert [r["survey"] for r in rows_out if r["session"] == "all"] == [
        "current",
        "current",
        "earlier",
        "unknown",
    ]
    assert [s["survey"] for s in json_data(report)["statements"]] == [
        "current",
        "current",
        "earlier",
        "unknown",
    ]


def test_comments_only_when_asked_without_codes_and_not_in_small_cells() -> None:
    rows = HEADER + (
        "P1,1,post,A,4,it clicked,2027-01-19\n"
        "P2,1,post,A,4,,2027-01-19\n"
        'P3,1,post,A,4,=HYPERLINK("http://x"),2027-01-19\n'
        "P1,1,pre,B,4,only one rated this,2027-01-19\n"
    )
    answers = read(("a.csv", rows))
    assert "it clicked" not in markdown(cohort_report(answers))
    report = cohort_report(answers, comments=True)
    text = markdown(report)
    assert "- it clicked" in text and "P1" not in text
    assert "only one rated this" not in text
    assert "1 comment not shown: fewer than 3 participants rated" in text
    assert [c["comment"] for c in json_data(report)["comments"]] == [
        '=HYPERLINK("http://x")',
        "it clicked",
    ]
    # in the report's order of statements (the survey's), not by id
    both = rows + rows.replace(",A,", ",0-first,").split("\n", 1)[1]
    texts = {"A": "a", "0-first": "b"}
    ordered = cohort_report(read(("a.csv", both)), texts, comments=True)
    assert [c.item for c in ordered.comments] == ["A", "A", "0-first", "0-first"]


def test_csv_out_is_safe_in_a_spreadsheet() -> None:
    assert [safe_cell(t) for t in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "ok", "")] == [
        "'=1+2",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "ok",
        "",
    ]
    rows = HEADER + "".join(
        f"P{p},1,{w},=cmd|' /C calc'!A0,{r},,2027-01-19\n"
        for p in (1, 2, 3)
        for w, r in (("pre", 4), ("post", 2))
    )
    out = list(csv.reader(io.StringIO(csv_text(cohort_report(read(("a.csv", rows)))))))
    assert out[1][0] == "'=cmd|' /C calc'!A0"
    assert out[1][out[0].index("mean_change")] == "-2.0000"  # our own numbers stay numbers


def test_markdown_escapes_what_came_from_the_files() -> None:
    rows = HEADER + "".join(
        f"P{p},1,{w},a|b\x1b[2J,3,,2027-01-19\n" for p in (1, 2, 3) for w in ("pre", "post")
    )
    text = markdown(cohort_report(read(("a.csv", rows))))
    assert "| a\\|b\ufffd\\[2J (not in the current survey) |" in text
    assert "\x1b" not in text


def test_svg_is_well_formed_and_holds_each_statement() -> None:
    report = cohort_report(read(("a.csv", HEADER + ROWS)), {"A": "Statement <A> & co"})
    image = svg(report)
    root = ET.fromstring(image.split("\n", 1)[1])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Statement <A> & co" in words and "2.50 → 3.50 (+1.00), n=4" in words
    assert "B (not in the current survey)" in words


def test_text_bars_draw_the_scale() -> None:
    report = cohort_report(read(("a.csv", HEADER + ROWS)), {"A": "Statement A"})
    lines = text_bars(report)
    assert lines[0] == "Statement A [A]"
    assert lines[3] == "  session 1    before " + "█" * 8 + "·" * 12 + " 2.50"  # (2.5-1)/4*20
    assert lines[4].endswith("3.50  +1.00  n=4")


def test_json_report_is_plain_data() -> None:
    data = json.loads(json.dumps(json_data(cohort_report(read(("a.csv", HEADER + ROWS))))))
    first = data["statements"][0]["sessions"][0]
    assert first["paired_n"] == 4 and first["effect_size_dz"] == pytest.approx(0.5477, abs=1e-4)
    assert data["min_n"] == 3 and "d_z" in data["effect_size"]


def test_a_file_of_endless_different_statements_is_cut_off_with_a_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cohort_module, "MAX_STATEMENTS", 3)
    rows = HEADER + "".join(f"P1,1,pre,s{n},3,,2027-01-19\n" for n in range(5))
    answers = read(("a.csv", rows))
    assert answers.rows == 3 and answers.malformed == 2
    assert answers.problems[0] == (
        "a.csv line 5: statement 's3' is one more than the 3 a report can hold"
    )

"""Surveys: items from content, rating validation, drafts, pre/post pairing, trend, CSV."""

from __future__ import annotations

import codecs
from datetime import timedelta
from pathlib import Path

import pytest

from csa_companion.cli import main
from csa_companion.content.loader import load_library, parse_file
from csa_companion.content.model import Survey
from csa_companion.domain.survey import (
    POST,
    PRE,
    Answer,
    SurveyError,
    SurveyResponse,
    items_for,
    parse_rating,
    trends,
)
from csa_companion.paths import bundled_content_dir
from tests.rhythm_data import at, seed_month, seed_surveys

GOLDEN = Path(__file__).parent.parent / "data" / "golden"


def _survey() -> Survey:
    survey = load_library([bundled_content_dir()]).survey
    assert survey is not None
    return survey


def test_items_come_from_content_plus_one_per_tool() -> None:
    items = items_for(_survey(), ("iceberg", "four-player-model"), {"iceberg": "The Iceberg"})
    fixed = [i.id for i in _survey().items]
    assert [i.id for i in items] == [*fixed, "tool-iceberg", "tool-four-player-model"]
    assert "using The Iceberg with a real situation" in items[-2].text


def test_ratings_out_of_range_get_a_clear_message() -> None:
    assert parse_rating(" 4 ") == 4 and parse_rating("") is None
    for bad in ("0", "6", "3.5", "x", "-1"):
        with pytest.raises(SurveyError, match="use a whole number from 1 to 5"):
            parse_rating(bad)
    response = SurveyResponse(1, PRE, at("2027-01-18T10:00"))
    with pytest.raises(SurveyError, match="from 1 to 5, not 9"):
        response.with_answer("systems", Answer(9), at("2027-01-18T10:01"))


def test_a_missing_answer_keeps_it_a_draft() -> None:
    items = items_for(_survey(), ("iceberg",), {})
    response = SurveyResponse(1, PRE, at("2027-01-18T10:00"))
    for item in items[:-1]:
        response = response.with_answer(item.id, Answer(3), at("2027-01-18T10:01"))
    with pytest.raises(SurveyError, match="has no rating") as raised:
        response.submitted(items, at("2027-01-18T10:02"))
    assert "confident using iceberg" in str(raised.value)
    assert response.status == "draft"
    response = response.with_answer(items[-1].id, Answer(2, "new to me"), at("2027-01-18T10:03"))
    assert response.submitted(items, at("2027-01-18T10:04")).status == "submitted"


def test_survey_content_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "survey.md"
    bad.write_text(
        '+++\nid = "s"\nkind = "survey"\ntitle = "S"\nsummary = "S"\n'
        'scale = ["a", "b"]\ntool_item = "No placeholder"\n[[items]]\nid = "x"\n+++\n'
    )
    item, problems = parse_file(bad)
    assert item is None
    found = {(p.line, p.message) for p in problems}
    assert (6, "'scale' must name the 5 ratings from 1 to 5, it has 2") in found
    assert (7, "'tool_item' must contain {tool}") in found
    assert (8, "missing 'text' in items #1") in found


def test_pre_post_pairing_and_trend(data_dir: Path) -> None:
    rhythm = seed_month(data_dir)
    seed_surveys(rhythm)
    by_item = {t.item: t for t in trends(rhythm.surveys.all(), ["aspiration", "systems"])}
    assert list(by_item) == ["aspiration", "systems", "tool-iceberg"]
    aspiration = by_item["aspiration"]
    assert [(p.session, p.pre, p.post, p.change) for p in aspiration.points] == [
        (1, 2, 3, 1),
        (2, 3, 4, 1),
    ]  # the session 3 draft is not counted
    assert aspiration.overall == 2
    assert by_item["systems"].overall == 3
    assert [(p.session, p.change) for p in by_item["tool-iceberg"].points] == [(1, 3)]


def test_csv_export_matches_golden_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rhythm = seed_month(data_dir)
    seed_surveys(rhythm)
    d = str(data_dir)
    assert main(["--data-dir", d, "survey", "export"]) == 0
    assert "no participant code set" in capsys.readouterr().err
    assert main(["--data-dir", d, "survey", "code", "WEST-07"]) == 0
    out = tmp_path / "answers.csv"
    assert main(["--data-dir", d, "survey", "export", "--out", str(out)]) == 0
    # UTF-8 after a byte-order mark, as Excel on Windows needs to show accents rightly.
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    assert out.read_text(encoding="utf-8-sig") == (GOLDEN / "survey-answers.csv").read_text()


def test_draft_is_kept_between_saves(data_dir: Path) -> None:
    rhythm = seed_month(data_dir)
    draft = SurveyResponse(2, POST, at("2027-02-09T14:00")).with_answer(
        "systems", Answer(4, "clearer"), at("2027-02-09T14:00") + timedelta(minutes=1)
    )
    rhythm.surveys.save(draft)
    again = rhythm.surveys.get(2, POST)
    assert again is not None and again.status == "draft"
    assert again.answer("systems") == Answer(4, "clearer")

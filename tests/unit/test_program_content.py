"""Third edition program content: the survey measures the program's aims (old answers still
read), the monthly reflection's prompts, and a question bank matched to the calendar's tools."""

from __future__ import annotations

import re
from pathlib import Path

from csa_companion.content.library import Library
from csa_companion.content.loader import check_links, load_library
from csa_companion.domain.growth import growth_lines
from csa_companion.domain.program import DEFAULT_TOOLS
from csa_companion.domain.survey import trends
from csa_companion.paths import bundled_content_dir


def library() -> Library:
    found = load_library([bundled_content_dir()])
    assert found.problems == [] and check_links(found) == []
    return found


def test_the_survey_has_ten_or_more_statements_of_one_idea_each() -> None:
    survey = library().survey
    assert survey is not None
    assert len(survey.items) >= 10
    for item in survey.items:
        # One idea: no "and"/"or" joining two things to rate, one sentence, first person.
        assert not re.search(r"\b(and|or)\b", item.text), item.text
        assert item.text.count(".") == 1 and re.search(r"\b(I|My)\b", item.text), item.text
    assert "{tool}" in survey.tool_item and " and " not in survey.tool_item
    aims = {
        "own-vision",
        "own-assumptions",
        "structures",
        "self-awareness",
        "trust",
        "self-compassion",
        "compassion-others",
        "use-at-work",
        "team-practice",
        "peer-network",
    }
    assert aims <= {i.id for i in survey.items}


def test_answers_to_retired_items_still_read_with_their_words() -> None:
    survey = library().survey
    assert survey is not None
    texts = survey.texts()
    for old in ("aspiration", "conversation", "systems"):
        assert old not in {i.id for i in survey.items}
        assert texts[old].endswith("(asked in an earlier edition)")
    assert texts["trust"] == next(i.text for i in survey.items if i.id == "trust")


def test_the_monthly_reflection_asks_about_aspiration_team_climate_and_self_care() -> None:
    reflection = library().reflection
    assert reflection is not None
    ids = [q.id for q in reflection.questions]
    assert {"aspiration", "team-climate", "self-care"} <= set(ids)
    assert reflection.coach_question is not None and ids[-1] == "coach-question"


def test_each_session_has_eight_questions_and_five_journal_prompts_for_its_tools() -> None:
    sets = {s.id: s for s in library().question_sets}
    assert list(sets) == ["orientation", "session-1", "session-2", "session-3", "session-4"]
    for number, tools in enumerate(DEFAULT_TOOLS, start=1):
        assert sets[f"session-{number}"].tools == tools
    assert "quick fix" in " ".join(sets["session-3"].questions)
    assert "quick fix" not in " ".join(sets["session-2"].questions)
    for question_set in sets.values():
        assert len(question_set.questions) >= 8, question_set.id
        assert len(question_set.journal) >= 5, question_set.id
        for question in question_set.questions:
            # Nobody is asked to name a colleague (a supervisor may be listening).
            asks_for_someone = r"^who\b|\bname (a|the|one)\b|\bwhich (colleague|person|people)\b"
            assert not re.search(asks_for_someone, question, re.I), question
    toward = re.compile(r"\b(create|love|want|hope|build|grow)\b")
    assert all(any(toward.search(q) for q in s.questions) for s in sets.values())


def test_a_question_set_naming_an_unknown_tool_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "q.md").write_text(
        '+++\nid = "q"\nkind = "questions"\ntitle = "Q"\nsummary = "s"\n\n[[sets]]\n'
        'id = "s1"\ntitle = "S"\nquestions = ["How?"]\ntools = ["nope"]\n+++\n'
    )
    found = load_library([tmp_path])
    assert found.problems == []
    assert [(p.line, p.message) for p in check_links(found)] == [
        (11, "set 's1': tools names unknown tool 'nope'")
    ]


def test_growth_shows_an_old_answer_with_its_old_words() -> None:
    from datetime import UTC, datetime

    from csa_companion.domain.survey import POST, PRE, SUBMITTED, Answer, SurveyResponse

    survey = library().survey
    assert survey is not None
    when = datetime(2026, 3, 1, tzinfo=UTC)
    old = [
        SurveyResponse(1, PRE, when, {"aspiration": Answer(2)}, SUBMITTED),
        SurveyResponse(1, POST, when, {"aspiration": Answer(4), "trust": Answer(3)}, SUBMITTED),
    ]
    lines = growth_lines(trends(old, [i.id for i in survey.items]), survey.texts(), 200)
    text = "\n".join(lines)
    assert "grow a shared picture of the future we want. (asked in an earlier edition)" in text
    assert "I can raise a concern with my team" in text


def test_the_markdown_export_shows_old_answers_under_their_words(tmp_path: Path) -> None:
    from csa_companion.paths import DataPaths
    from csa_companion.storage.store import Stores
    from csa_companion.transfer.folder import markdown_files
    from tests.rhythm_data import seed_month, seed_surveys

    data = tmp_path / "data"
    seed_surveys(seed_month(data))  # answered under the second edition's item ids
    text = markdown_files(Stores(DataPaths(data)), library())["surveys/surveys.md"]
    assert (
        "- I can help my team name and grow a shared picture of the future we want. "
        "(asked in an earlier edition) (aspiration): 2" in text
    )
    assert "using The Iceberg with a real situation from my work. (tool-iceberg): 1" in text

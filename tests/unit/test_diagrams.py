"""Diagrams drawn from worksheets: never wider than asked, answers fitted, current step shown."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache

import pytest
from rich.cells import cell_len
from rich.text import Text

from csa_companion.content.loader import load_library
from csa_companion.content.model import Step, Tool
from csa_companion.domain.diagrams import FOUR_PLAYER_MARKS, HIGHLIGHT, fit, render_diagram
from csa_companion.domain.worksheet import Observation, Worksheet
from csa_companion.paths import bundled_content_dir

NOW = datetime(2026, 3, 2, 15, 20)
TOOL_IDS = (
    "iceberg",
    "ladder-of-inference",
    "shifting-the-burden",
    "four-player-model",
    "ladder-of-social-connectedness",
)
WIDTHS = (40, 60, 80, 100, 120)
LONG = " ".join(f"word{n:03}" for n in range(60))[:500]
ANSWERS = {
    "empty": "",
    "short": "Kids shoved",
    "long": LONG,
    "one long word": "x" * 500,
    "multi-line": "First line\n\n   second\tline\r\nthird line",
    "japanese": "午後のチェックインで押し合いが起きた",
    "russian": "Ни один ребёнок не опоздал",
    "emoji": "Snack went well 🍎🧃👩‍🏫🎉 really",
    "long japanese": "午後のチェックインで押し合いが起きた。" * 20,
}
SHORT = {
    "japanese": "押し合いが起きた",
    "russian": "Ни один ребёнок",
    "emoji": "Snack 🍎🧃 ok",
}


@cache
def tool(tool_id: str) -> Tool:
    item = load_library([bundled_content_dir()]).get(tool_id)
    assert isinstance(item, Tool)
    return item


def sheet(the_tool: Tool, answers: dict[str, str]) -> Worksheet:
    worksheet = Worksheet.new(the_tool, "Tuesday check-in", NOW)
    for step_id, text in answers.items():
        worksheet = worksheet.with_answer(step_id, text, NOW)
    return worksheet


def all_answered(the_tool: Tool, text: str) -> Worksheet:
    return sheet(the_tool, {s.id: text for s in the_tool.steps})


def numbered(the_tool: Tool) -> dict[str, str]:
    """A short, distinct answer per step; rungs for the connectedness ladder's choices."""
    answers = {s.id: f"Answer {n:02}" for n, s in enumerate(the_tool.steps)}
    if the_tool.rungs:
        answers.update(now="Aware", want="Understanding")
    return answers


def drawn(the_tool: Tool) -> list[Step]:
    """The steps a diagram pictures: all but the closing reflection."""
    return [s for s in the_tool.steps if not s.closing]


def draw(tool_id: str, answers: dict[str, str], width: int, current: str | None = None) -> Text:
    return render_diagram(tool(tool_id), sheet(tool(tool_id), answers), width, current)


def lines(text: Text) -> list[str]:
    return text.plain.split("\n")


def highlighted(text: Text) -> str:
    return " ".join(text.plain[s.start : s.end] for s in text.spans if str(s.style) == HIGHLIGHT)


def line_with(text: Text, needle: str) -> int:
    return next(n for n, line in enumerate(lines(text)) if needle in line)


def assert_fits(text: Text, width: int) -> None:
    for line in lines(text):
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"


# -- every diagram --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ANSWERS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_no_line_is_wider_than_asked(tool_id: str, width: int, kind: str) -> None:
    the_tool = tool(tool_id)
    worksheet = all_answered(the_tool, ANSWERS[kind])
    for step in (None, *the_tool.steps):
        text = render_diagram(the_tool, worksheet, width, step.id if step else None)
        assert_fits(text, width)


@pytest.mark.parametrize("width", [1, 5, 12, 20, 27, 33, 39])
@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_narrow_widths_degrade_without_overflowing(tool_id: str, width: int) -> None:
    the_tool = tool(tool_id)
    text = render_diagram(the_tool, all_answered(the_tool, ANSWERS["long japanese"]), width)
    assert_fits(text, width)
    assert text.plain.strip()


def test_zero_width_draws_nothing() -> None:
    assert render_diagram(tool("iceberg"), all_answered(tool("iceberg"), "x"), 0).plain == ""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_short_answers_appear_verbatim(tool_id: str, width: int) -> None:
    answers = numbered(tool(tool_id))
    text = draw(tool_id, answers, width, current=drawn(tool(tool_id))[-1].id)
    shown = [s.id for s in drawn(tool(tool_id))]
    if tool_id == "four-player-model":
        shown = list(FOUR_PLAYER_MARKS)
    for step_id in shown:
        assert answers[step_id] in text.plain, step_id


@pytest.mark.parametrize("kind", SHORT)
@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_short_non_latin_answers_appear_verbatim(tool_id: str, kind: str) -> None:
    first = tool(tool_id).steps[0].id
    text = draw(tool_id, {first: f"  {SHORT[kind]}\n"}, 40)
    assert SHORT[kind] in text.plain


# How many answers each diagram shows when every step is answered.
SHOWN = {
    "iceberg": 6,
    "ladder-of-inference": 11,
    "shifting-the-burden": 6,
    "four-player-model": 3,
    "ladder-of-social-connectedness": 6,
}


@pytest.mark.parametrize("kind", ["long", "one long word", "long japanese"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_long_answers_are_cut_with_an_ellipsis(tool_id: str, width: int, kind: str) -> None:
    text = render_diagram(tool(tool_id), all_answered(tool(tool_id), ANSWERS[kind]), width)
    assert text.plain.count("…") >= SHOWN[tool_id]
    assert ANSWERS[kind] not in text.plain
    assert len(lines(text)) < 60


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_multi_line_answers_are_collapsed(tool_id: str) -> None:
    first = tool(tool_id).steps[0].id
    text = draw(tool_id, {first: ANSWERS["multi-line"]}, 120)
    assert "First line second line third line" in text.plain
    assert "\t" not in text.plain and "\r" not in text.plain


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_empty_answers_show_a_dim_placeholder(tool_id: str) -> None:
    text = draw(tool_id, {}, 60, current=tool(tool_id).steps[0].id)
    assert "…" in text.plain
    dim = [s for s in text.spans if str(s.style) == "dim"]
    assert any("…" in text.plain[s.start : s.end] for s in dim)


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_current_step_is_highlighted_and_no_other(tool_id: str) -> None:
    the_tool = tool(tool_id)
    answers = numbered(the_tool)
    for step in drawn(the_tool):
        text = draw(tool_id, answers, 80, current=step.id)
        marked = highlighted(text)
        assert answers[step.id] in marked, step.id
        others = [a for s, a in answers.items() if s != step.id and a not in answers[step.id]]
        assert not any(other in marked for other in others), step.id


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_nothing_is_highlighted_without_a_current_step(tool_id: str) -> None:
    assert highlighted(draw(tool_id, numbered(tool(tool_id)), 80)) == ""


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_elements_are_labelled_with_their_step_titles(tool_id: str) -> None:
    the_tool = tool(tool_id)
    text = draw(tool_id, numbered(the_tool), 120)
    for step in drawn(the_tool):
        if tool_id == "four-player-model" and step.id not in FOUR_PLAYER_MARKS:
            continue  # its diagram shows the steps that name an act
        if step.id not in ("now", "want"):  # those are marks on the rungs
            assert step.title.split(":")[0] in text.plain, step.id


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_the_closing_reflection_is_not_drawn(tool_id: str) -> None:
    the_tool = tool(tool_id)
    closing = the_tool.steps[-1]
    assert closing.closing
    text = draw(tool_id, {closing.id: "I felt defensive"}, 80, current=closing.id)
    assert "I felt defensive" not in text.plain
    assert closing.title not in text.plain
    assert highlighted(text) == ""


# -- the iceberg ----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_iceberg_layers_widen_going_down_with_the_waterline_under_the_event(width: int) -> None:
    answers = numbered(tool("iceberg"))
    text = draw("iceberg", answers, width)
    tops = [line.strip() for line in lines(text) if line.strip().startswith("┌")]
    assert len(tops) == 5  # event, patterns, structures, mental models, vision
    widths = [cell_len(top) for top in tops]
    assert widths == sorted(set(widths))
    assert widths[-1] == width
    waterline = line_with(text, "~~~ waterline ~~~")
    order = [line_with(text, answers[s]) for s in ("event", "patterns", "structures")]
    assert order[0] < waterline < order[1] < order[2]
    assert lines(text)[line_with(text, "Leverage")].startswith(f"Leverage: {answers['leverage']}")
    assert line_with(text, "Leverage") > line_with(text, answers["vision"])


def test_iceberg_shows_vision_only_once_answered_or_current() -> None:
    answers = {"event": "Kids shoved"}
    assert "Vision" not in draw("iceberg", answers, 60).plain
    assert "Vision" in draw("iceberg", answers, 60, current="vision").plain
    assert "Vision" in draw("iceberg", {**answers, "vision": "Calm"}, 60).plain


def test_iceberg_layer_shows_at_most_two_lines() -> None:
    text = draw("iceberg", {"event": LONG}, 60)
    rows = [line for line in lines(text) if "word0" in line]
    assert len(rows) == 2
    assert rows[1].rstrip(" │").endswith("…")


# -- the ladder of inference ----------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_ladder_of_inference_goes_from_actions_down_to_data(width: int) -> None:
    the_tool = tool("ladder-of-inference")
    answers = numbered(the_tool)
    text = draw("ladder-of-inference", answers, width)
    rungs = ["actions", "beliefs", "conclusions", "assumptions", "meanings", "selected", "data"]
    rows = [line_with(text, answers[s]) for s in rungs]
    assert rows == sorted(rows)
    for step_id, row in zip(rungs, rows, strict=True):
        line = lines(text)[row]
        assert line.startswith("│") and the_tool.step(step_id) is not None
        assert the_tool.step(step_id).title.split(":")[0][:8] in line  # type: ignore[union-attr]
    for step_id in ("loop", "walk-down", "advocacy-inquiry", "leverage"):
        assert line_with(text, answers[step_id]) > rows[-1]


@pytest.mark.parametrize("width", WIDTHS)
def test_ladder_of_inference_draws_the_reflexive_loop(width: int) -> None:
    answers = numbered(tool("ladder-of-inference"))
    text = draw("ladder-of-inference", answers, width)
    beliefs, selected = line_with(text, answers["beliefs"]), line_with(text, answers["selected"])
    assert lines(text)[beliefs].rstrip().endswith("┐")
    assert "◄─┘" in lines(text)[selected]
    assert all("│" in line[-16:] for line in lines(text)[beliefs + 1 : selected])
    flat = " ".join(line.split("│")[-1].strip() for line in lines(text))
    assert "reflexive loop" in flat


def test_ladder_rung_shows_one_line() -> None:
    text = draw("ladder-of-inference", {"beliefs": LONG}, 80)
    rows = [line for line in lines(text) if "word0" in line]
    assert len(rows) == 1
    assert "…" in rows[0]


# -- shifting the burden --------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_shifting_the_burden_draws_the_three_loops(width: int) -> None:
    answers = numbered(tool("shifting-the-burden"))
    text = draw("shifting-the-burden", answers, width)
    quick, symptom = line_with(text, answers["quick-fix"]), line_with(text, answers["symptom"])
    fundamental = line_with(text, answers["fundamental"])
    assert quick < line_with(text, "B1") < symptom < line_with(text, "B2") < fundamental
    assert "‖ delay" in lines(text)[line_with(text, "B2")]
    assert re.search(r"\bR\b", text.plain)
    for sign in ("▲ +", "│ −", "│ +", "▲ −", "+", "−"):
        assert sign in text.plain
    assert "The quick fix" in text.plain and "The side effect" in text.plain


def test_shifting_the_burden_puts_the_side_effect_on_the_right_when_wide() -> None:
    answers = numbered(tool("shifting-the-burden"))
    wide = draw("shifting-the-burden", answers, 100)
    row = lines(wide)[line_with(wide, answers["quick-fix"])]
    assert row.index(answers["quick-fix"]) < row.index("+") < row.index(answers["side-effect"])
    narrow = draw("shifting-the-burden", answers, 40)
    assert line_with(narrow, answers["side-effect"]) > line_with(narrow, answers["fundamental"])
    assert "◄─┘" in lines(narrow)[line_with(narrow, answers["side-effect"])]


# -- the four player model ------------------------------------------------------------------------


def observed(*acts: str) -> Worksheet:
    worksheet = sheet(tool("four-player-model"), {"default-act": "I move"})
    for n, act in enumerate(acts):
        worksheet = worksheet.observed(Observation(act, NOW + timedelta(seconds=n), "Ana"))
    return worksheet


@pytest.mark.parametrize("width", WIDTHS)
def test_four_player_grid_counts_each_act(width: int) -> None:
    acts = ("move",) * 3 + ("oppose",) * 12 + ("bystand",)
    text = render_diagram(tool("four-player-model"), observed(*acts), width)
    advocacy = lines(text)[line_with(text, "Advocacy")]
    inquiry = lines(text)[line_with(text, "Inquiry")]
    assert re.search(r"Move\s+(● )?3 │ Oppose\s+12 │", advocacy)  # ● my default (I move)
    assert re.search(r"Follow\s+0 │ Bystand\s+1 │", inquiry)
    assert "16" in text.plain
    assert "My default act: I move" in text.plain
    assert "The act I avoid" not in text.plain  # not answered, not current


@pytest.mark.parametrize("width", WIDTHS)
def test_four_player_marks_the_acts_the_answers_name(width: int) -> None:
    the_tool = tool("four-player-model")
    text = draw("four-player-model", {s.id: s.example for s in the_tool.steps}, width)
    advocacy = lines(text)[line_with(text, "Move")]
    inquiry = lines(text)[line_with(text, "Follow")]
    # the examples: "Under pressure I move", "I rarely oppose", "I will bystand"
    assert re.search(r"Move\s+● │ Oppose\s+○ │", advocacy)
    assert re.search(r"Follow\s+│ Bystand\s+→ │", inquiry)
    assert "No acts observed yet" not in text.plain and "Acts observed" not in text.plain
    for step_id, mark in FOUR_PLAYER_MARKS.items():
        title = the_tool.step(step_id).title  # type: ignore[union-attr]
        assert f"{mark} {title}" in text.plain  # the act I will bring too, with no step current


def test_four_player_shows_the_current_step_beneath_the_grid() -> None:
    text = render_diagram(tool("four-player-model"), observed(), 60, current_step="stuck-pattern")
    assert "Which stuck pattern?" in highlighted(text)


# -- the ladder of social connectedness -----------------------------------------------------------


def rung_line(text: Text, rung: str) -> str:
    return next(line for line in lines(text) if line.startswith(f"│ {rung} "))


@pytest.mark.parametrize("width", WIDTHS)
def test_connectedness_ladder_marks_now_and_want(width: int) -> None:
    rungs = tool("ladder-of-social-connectedness").rungs
    text = draw(
        "ladder-of-social-connectedness", {"now": " aware\n", "want": "Understanding"}, width
    )
    assert line_with(text, rungs[-1]) < line_with(text, rungs[0])  # top rung at the top
    assert rung_line(text, "Aware").endswith("◀ now")
    assert rung_line(text, "Understanding").endswith("◀ want")
    assert text.plain.count("◀") == 2
    assert "Where am I now?" not in text.plain  # shown on the ladder, not beneath


def test_connectedness_ladder_marks_the_same_rung_once() -> None:
    text = draw("ladder-of-social-connectedness", {"now": "Curious", "want": "Curious"}, 60)
    assert rung_line(text, "Curious").endswith("◀ now & want")
    assert text.plain.count("◀") == 1


def test_connectedness_ladder_shows_the_words_beside_a_rung() -> None:
    want = "Acting together\n\nSo the children see one program"
    text = draw("ladder-of-social-connectedness", {"want": want}, 60)
    assert rung_line(text, "Acting together").endswith("◀ want")
    words = " ".join(text.plain.split())
    assert "Where do I want to be?: Acting together: So the children see one program" in words


def test_connectedness_ladder_lists_answers_that_are_not_rungs() -> None:
    text = draw("ladder-of-social-connectedness", {"now": "somewhere", "who": "Teachers"}, 60)
    assert "◀" not in text.plain
    assert "Where am I now?: somewhere" in text.plain
    assert "Who is it?: Teachers" in text.plain


# -- other tools, and the helpers -----------------------------------------------------------------


@pytest.mark.parametrize("diagram", [None, "no-such-diagram"])
def test_other_tools_list_their_steps(diagram: str | None) -> None:
    plain = replace(tool("iceberg"), diagram=diagram)
    text = render_diagram(plain, sheet(plain, {"event": "Kids shoved"}), 40, "patterns")
    assert "Event: what happened?" in text.plain and "Kids shoved" in text.plain
    assert "Patterns: what keeps happening?" in highlighted(text)
    assert_fits(text, 40)


def test_fit_collapses_whitespace_and_wraps_by_cells() -> None:
    assert fit(" a\n\nb\t c ", 10, 1) == ["a b c"]
    assert fit("one two three", 7, 3) == ["one two", "three"]
    assert fit("午後のチェック", 6, 3) == ["午後の", "チェッ", "ク"]
    assert fit("", 10, 2) == [] and fit("x", 0, 2) == [] and fit("x", 3, 0) == []


def test_fit_ends_with_an_ellipsis_when_cut() -> None:
    assert fit("one two three four", 7, 2) == ["one two", "three…"]
    assert fit("abcdefghij", 4, 1) == ["abc…"]
    assert fit("午後のチェック", 6, 1) == ["午後…"]


# -- the room a diagram has -----------------------------------------------------------------------


def words_shown(text: Text) -> int:
    return len(set(re.findall(r"word\d{3}", text.plain)))


@pytest.mark.parametrize("width", (40, 56, 80))
@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_long_answers_use_the_height_they_are_given(tool_id: str, width: int) -> None:
    the_tool = tool(tool_id)
    worksheet = all_answered(the_tool, LONG)
    base = render_diagram(the_tool, worksheet, width)
    roomy = render_diagram(the_tool, worksheet, width, height=len(lines(base)) + 30)
    assert words_shown(roomy) > words_shown(base)  # more of each answer than two lines
    assert len(lines(roomy)) <= len(lines(base)) + 30
    assert_fits(roomy, width)


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_no_room_to_spare_draws_the_compact_diagram(tool_id: str) -> None:
    the_tool = tool(tool_id)
    worksheet = all_answered(the_tool, LONG)
    base = render_diagram(the_tool, worksheet, 40)
    assert render_diagram(the_tool, worksheet, 40, height=len(lines(base))) == base
    assert render_diagram(the_tool, worksheet, 40, height=5) == base  # too small: scrolls


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_short_answers_draw_the_same_whatever_the_room(tool_id: str) -> None:
    the_tool = tool(tool_id)
    worksheet = sheet(the_tool, numbered(the_tool))
    base = render_diagram(the_tool, worksheet, 80)
    assert render_diagram(the_tool, worksheet, 80, height=200).plain == base.plain

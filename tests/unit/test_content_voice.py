"""Third edition content: a team's voice (team_title, team_hint, team_example), examples by
role, facilitator notes per tool; checked by the loader (`content check`) and on the shipped
files."""

from __future__ import annotations

import re
from pathlib import Path

from csa_companion.content.loader import load_library
from csa_companion.content.model import Tool
from csa_companion.content.roles import ROLES
from csa_companion.content.voice import first_person_singular
from csa_companion.paths import bundled_content_dir


def problems_in(folder: Path) -> set[tuple[int, str]]:
    return {(p.line, p.message) for p in load_library([folder]).problems}


def tool_file(folder: Path, front: str) -> Path:
    path = folder / "t.md"
    path.write_text('+++\nid = "t"\nkind = "tool"\ntitle = "T"\nsummary = "s"\n' + front + "+++\n")
    return path


def step(title: str = "S", hint: str = "h", example: str = "e", more: str = "") -> str:
    return (
        f'[[steps]]\nid = "a"\ntitle = "{title}"\nprompts = ["p?"]\nteam_prompts = ["we?"]\n'
        f"hint = \"{hint}\"\nexample = '''{example}'''\n{more}"
    )


def shipped_tools() -> list[Tool]:
    library = load_library([bundled_content_dir()])
    assert library.problems == []
    return library.tools


def test_first_person_is_found_outside_quotations_only() -> None:
    assert first_person_singular("What did I notice? My site, and me.") == ["I", "My", "me"]
    assert first_person_singular("I'm sure; I’ll see. Mine is myself.") == [
        "I'm",
        "I’ll",
        "Mine",
        "myself",
    ]
    assert first_person_singular('We asked: "What did I miss?" and “my turn”.') == []
    assert first_person_singular("Imagine it; mystery; items; enemy.") == []


def test_a_step_that_says_i_needs_its_team_text(tmp_path: Path) -> None:
    tool_file(tmp_path, step(title="What I saw", example="I moved her."))
    assert problems_in(tmp_path) == {
        (8, "step #1: 'title' speaks as 'I' (I): add 'team_title' for a team's worksheet"),
        (12, "step #1: 'example' speaks as 'I' (I): add 'team_example' for a team's worksheet"),
    }
    fixed = 'team_title = "What we saw"\nteam_example = "We moved her."\n'
    tool_file(tmp_path, step(title="What I saw", example="I moved her.", more=fixed))
    assert problems_in(tmp_path) == set()
    quoted = step(example='"I saw you," she said.')  # a quotation may say I
    tool_file(tmp_path, quoted)
    assert problems_in(tmp_path) == set()


def test_team_text_that_says_i_is_wrong(tmp_path: Path) -> None:
    wrong = 'team_hint = "Ask what my team thinks."\nteam_title = ""\n'
    tool_file(tmp_path, step(more=wrong))
    assert problems_in(tmp_path) == {
        (
            13,
            "step #1: 'team_hint' speaks as 'I' (my): a team's worksheet says 'we' "
            "(quote a person's own words in double quotes)",
        ),
        (14, "'team_title' must be non-empty text in steps #1"),
    }


def test_team_text_without_team_prompts_is_a_problem(tmp_path: Path) -> None:
    lone = (
        '[[steps]]\nid = "a"\ntitle = "S"\nprompts = ["p?"]\nhint = "h"\nexample = "e"\n'
        'team_title = "We"\n'
    )
    tool_file(tmp_path, lone)
    assert problems_in(tmp_path) == {
        (12, "step #1 has 'team_title' but no team_prompts: a team's worksheet would not ask it")
    }


def test_examples_by_role_are_checked(tmp_path: Path) -> None:
    roles = '[steps.examples]\ndirector = "As director, I saw."\nnurse = "x"\nteacher = ""\n'
    tool_file(tmp_path, step(more=roles))
    assert problems_in(tmp_path) == {
        (
            15,
            "unknown role 'nurse' in step #1's examples: use " + ", ".join(ROLES),
        ),
        (16, "the teacher example in step #1 must be non-empty text"),
    }
    tool_file(tmp_path, step(more="examples = 3\n"))
    assert problems_in(tmp_path) == {
        (13, "'examples' in step #1 must be a [steps.examples] table of role = text")
    }
    tool_file(tmp_path, step(more='[steps.examples]\ndirector = "As director, I saw."\n'))
    [tool] = load_library([tmp_path]).tools
    [only] = tool.steps
    assert only.example_for(team=False, role="director") == "As director, I saw."
    assert only.example_for(team=False, role="teacher") == "e"  # falls back to the default
    assert only.example_for(team=False) == "e"


def test_facilitator_notes_are_checked(tmp_path: Path) -> None:
    notes = (
        '[facilitator]\nminutes = 2\nintroduce = "i"\nactivity = ""\ndebrief = "d"\nsafty = "s"\n'
    )
    tool_file(tmp_path, notes + step())
    assert problems_in(tmp_path) == {
        (7, "'minutes' in facilitator must be 5-240, not 2"),
        (9, "'activity' in facilitator must be non-empty text"),
        (6, "missing 'safety' in facilitator"),
        (11, "unknown field 'safty' in facilitator"),
    }
    good = '[facilitator]\nminutes = 45\nintroduce = "i"\nactivity = "a"\ndebrief = "d"\n'
    tool_file(tmp_path, good + 'safety = "s"\n' + step())
    [tool] = load_library([tmp_path]).tools
    assert tool.facilitator is not None
    assert (tool.facilitator.minutes, tool.facilitator.safety) == (45, "s")


def test_every_shipped_tool_has_facilitator_notes() -> None:
    for tool in shipped_tools():
        notes = tool.facilitator
        assert notes is not None, tool.id
        assert 30 <= notes.minutes <= 120, tool.id
        assert "director" in notes.safety, tool.id
        for text in (notes.introduce, notes.activity, notes.debrief, notes.safety):
            assert len(text.split()) >= 40, tool.id


def test_no_team_view_of_a_shipped_tool_says_i_outside_a_quotation() -> None:
    for tool in shipped_tools():
        for s in tool.steps:
            team_view = [
                s.title_for(team=True),
                *s.prompts_for(team=True),
                s.hint_for(team=True),
                s.example_for(team=True),
            ]
            for text in team_view:
                assert first_person_singular(text) == [], (tool.id, s.id, text)


def test_team_export_and_diagrams_use_the_team_titles() -> None:
    from datetime import UTC, datetime

    from csa_companion.domain.diagrams import render_diagram
    from csa_companion.domain.export import answers_markdown
    from csa_companion.domain.worksheet import Worksheet

    now = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for tool in shipped_tools():
        sheet = Worksheet.new(tool, "Ours", now, team=True)
        for s in tool.steps:
            sheet = sheet.with_answer(s.id, "Answered together.", now)
        text = answers_markdown(tool, sheet)
        drawn = render_diagram(tool, sheet, 200, height=200).plain
        for s in tool.steps:
            assert f". {s.title_for(team=True)}\n" in text, (tool.id, s.id)
            if s.team_title:
                assert f". {s.title}\n" not in text, (tool.id, s.id)
        for line in (*text.splitlines(), *drawn.splitlines()):
            if not line.startswith(("# ", "Answered")):
                assert first_person_singular(line) == [], (tool.id, line)
        alone = Worksheet.new(tool, "Mine", now)
        assert all(s.title in answers_markdown(tool, alone) for s in tool.steps if s.team_title)


def test_every_shipped_tool_has_examples_for_three_roles_in_school_day_and_after_school() -> None:
    uneven = re.compile(
        r"English|language|IEP|disabilit|income|neighborhood|fee|bus route|racial|\brace\b"
    )
    for tool in shipped_tools():
        roles = {role for s in tool.steps for role, _ in s.examples}
        # Every role but the site coordinator, whose examples are the default ones.
        assert roles == set(ROLES) - {"coordinator"}, tool.id
        for s in tool.steps:  # every step speaks to each of those roles
            assert {role for role, _ in s.examples} == roles, (tool.id, s.id)
            for role in roles:
                assert s.example_for(team=False, role=role) != s.example, (tool.id, s.id)
        every_example = [t for s in tool.steps for _, t in s.examples] + [tool.body]
        assert any(uneven.search(t) for t in every_example), tool.id

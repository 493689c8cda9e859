"""The content library: loading, validation with file and line, overrides by id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csa_companion.content.loader import (
    body_links,
    check_links,
    internal_link_target,
    load_library,
    parse_file,
    tool_links,
)
from csa_companion.content.model import LearnPage, Practice, Tool
from csa_companion.paths import bundled_content_dir

BROKEN = Path(__file__).parent.parent / "data" / "content-broken"


def problems_in(folder: Path) -> set[tuple[str, int, str]]:
    return {(p.path.name, p.line, p.message) for p in load_library([folder]).problems}


def test_bundled_content_has_no_problems() -> None:
    library = load_library([bundled_content_dir()])
    assert library.problems == []
    assert {t.id for t in library.tools} == {
        "iceberg",
        "ladder-of-inference",
        "shifting-the-burden",
        "ladder-of-social-connectedness",
        "four-player-model",
    }
    assert [p.id for p in library.learn_pages] == [
        "about-program",
        "framework",
        "three-capacities",
        "generative-social-fields",
        "showing-up",
        "equity",
        "glossary",
    ]
    assert library.practices


def test_learn_pages_are_between_300_and_700_words() -> None:
    for page in load_library([bundled_content_dir()]).learn_pages:
        most = 1200 if page.id == "glossary" else 700  # a reference list, not a lesson
        assert 300 <= len(page.body.split()) <= most, page.id


def test_every_problem_names_file_line_and_what_is_wrong() -> None:
    found = problems_in(BROKEN)
    expected = {
        ("missing-id.md", 1, "missing 'id'"),
        ("step-problems.md", 10, "step #1 has no prompt"),
        ("step-problems.md", 15, "duplicate steps id 'first'"),
        ("step-problems.md", 20, "unknown field 'promts' in steps #2"),
        ("bad-duration.md", 10, "bad duration in phase #1: 2 s is outside 5-3600 s"),
        (
            "unknown-kind.md",
            3,
            "unknown kind 'poster': use one of tool, practice, learn, questions, reflection, "
            "survey, session",
        ),
    }
    assert expected <= found
    toml = [p for p in found if p[0] == "bad-toml.md"]
    assert len(toml) == 1 and toml[0][1] == 4 and "not valid TOML" in toml[0][2]


def test_duplicate_id_in_one_folder_is_a_problem(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(
            f'+++\nid = "same"\nkind = "learn"\ntitle = "{name}"\nsummary = "s"\n+++\nText\n'
        )
    [problem] = load_library([tmp_path]).problems
    assert problem.path.name == "b.md" and problem.line == 2
    assert "duplicate id 'same'" in problem.message


def test_later_folder_overrides_by_id(tmp_path: Path) -> None:
    original = (bundled_content_dir() / "learn" / "framework.md").read_text()
    (tmp_path / "framework.md").write_text(original.replace("title = ", 'title = "Ours" #', 1))
    library = load_library([bundled_content_dir(), tmp_path])
    page = library.get("framework")
    assert isinstance(page, LearnPage) and page.title == "Ours"
    assert page.source == tmp_path / "framework.md"


def test_tool_and_practice_are_typed() -> None:
    tool, problems = parse_file(bundled_content_dir() / "tools" / "iceberg.md")
    assert problems == [] and isinstance(tool, Tool)
    assert [s.id for s in tool.steps][:4] == ["event", "patterns", "structures", "mental-models"]
    assert all(1 <= len(s.prompts) <= 3 and s.hint and s.example for s in tool.steps)
    assert "+++" not in tool.body and "id =" not in tool.body
    ladder, _ = parse_file(bundled_content_dir() / "tools" / "ladder-of-social-connectedness.md")
    assert isinstance(ladder, Tool) and ladder.step("now") is not None
    assert ladder.step("now").choices == ladder.rungs  # type: ignore[union-attr]
    settling, _ = parse_file(bundled_content_dir() / "practices" / "settling-arrive.md")
    assert isinstance(settling, Practice) and settling.total_seconds > 0


def test_broken_link_between_pages_is_reported(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(
        '+++\nid = "page"\nkind = "learn"\ntitle = "P"\nsummary = "s"\n+++\n\n'
        "Intro.\n\nSee [the other page](nowhere.md).\n"
    )
    library = load_library([tmp_path])
    assert library.problems == []  # links are checked by `content check`, not at start-up
    [problem] = check_links(library)
    assert (problem.line, problem.message) == (10, "link to unknown page 'nowhere.md'")


PRACTICE_HEAD = '+++\nid = "p"\nkind = "practice"\ntitle = "P"\nsummary = "s"\n'


@pytest.mark.parametrize(
    ("phase", "line", "message"),
    [
        ("seconds = 0", 11, "bad duration in phase #1: 0 s is outside 5-3600 s"),
        ("seconds = -30", 11, "bad duration in phase #1: -30 s is outside 5-3600 s"),
        ('seconds = "a minute"', 11, "bad duration in phase #1: 'seconds' must be a whole number"),
        ("seconds = 60\nwait = 1", 12, "'wait' must be true or false"),
        (
            "seconds = 60\nbells = [30, 60]",
            12,
            "bell at 60 s is outside phase #1 (0 to under 60 s)",
        ),
        ("seconds = 60\nbells = [-1]", 12, "bell at -1 s is outside phase #1 (0 to under 60 s)"),
        ('seconds = 60\nbells = "start"', 12, "'bells' must be a list of seconds in phase #1"),
        (
            "seconds = 60\nrhythm = 4",
            12,
            "'rhythm' must be a table like { in = 4, out = 6 } in phase #1",
        ),
        ("seconds = 60\nrhythm = { in = 4 }", 12, "rhythm needs 'out' in phase #1"),
        (
            "seconds = 60\nrhythm = { in = 0, out = 6 }",
            12,
            "rhythm 'in' must be 1-20 seconds in phase #1, not 0",
        ),
        (
            "seconds = 60\nrhythm = { in = 4, out = 6, hold = 30 }",
            12,
            "rhythm 'hold' must be 0-20 seconds in phase #1, not 30",
        ),
        (
            "seconds = 60\nrhythm = { in = 4, out = 6, pause = 2 }",
            12,
            "unknown rhythm part 'pause' in phase #1: use in, hold, out, rest",
        ),
        (
            "seconds = 10\nrhythm = { in = 5, out = 8 }",
            12,
            "one breath (13 s) is longer than the phase (10 s) in phase #1",
        ),
    ],
)
def test_content_check_reports_each_bad_phase_field(
    tmp_path: Path, phase: str, line: int, message: str
) -> None:
    (tmp_path / "p.md").write_text(
        PRACTICE_HEAD + f'\n[[phases]]\nid = "a"\ntitle = "A"\ncue = "C"\n{phase}\n+++\nBody\n'
    )
    assert problems_in(tmp_path) == {("p.md", line, message)}


@pytest.mark.parametrize(
    ("top", "line", "message"),
    [
        ("", 1, "missing 'phases': add at least one [[phases]] table"),
        ("phases = []", 6, "'phases' is empty: add at least one [[phases]] table"),
        ('opening = ""', 6, "'opening' must be non-empty text"),
        ("closing = 3", 6, "'closing' must be non-empty text"),
        ('question = "yes"', 6, "'question' must be true or false"),
    ],
)
def test_content_check_reports_each_bad_practice_field(
    tmp_path: Path, top: str, line: int, message: str
) -> None:
    phase = '[[phases]]\nid = "a"\ntitle = "A"\ncue = "C"\nseconds = 60\n'
    if "phases" in top or not top:
        phase = ""
    (tmp_path / "p.md").write_text(PRACTICE_HEAD + f"{top}\n{phase}+++\nBody\n")
    assert problems_in(tmp_path) == {("p.md", line, message)}


def test_practice_fields_are_read() -> None:
    library = load_library([bundled_content_dir()])
    assert [p.id for p in library.practices] == [
        "arrival",
        "settling-arrive",
        "settling-body-sound",
        "paced-breathing",
        "check-in",
    ]
    for practice in library.practices:
        assert practice.opening and practice.closing, practice.id
    breathing = library.get("paced-breathing")
    assert isinstance(breathing, Practice)
    paced = breathing.phases[1]
    assert paced.rhythm is not None and (paced.rhythm.inhale, paced.rhythm.exhale) == (4, 6)
    check_in = library.get("check-in")
    assert isinstance(check_in, Practice) and check_in.question
    assert [p.id for p in check_in.phases if p.wait] == ["groups"]
    assert check_in.phases[-1].bells == (120, 240, 360, 480)
    assert [s.id for s in library.question_sets] == [
        "orientation",
        *(f"session-{n}" for n in range(1, 5)),
    ]


def test_question_bank_problems(tmp_path: Path) -> None:
    (tmp_path / "q.md").write_text(
        '+++\nid = "q"\nkind = "questions"\ntitle = "Q"\nsummary = "s"\n\n'
        '[[sets]]\nid = "one"\ntitle = "One"\nquestions = []\n+++\n'
    )
    assert problems_in(tmp_path) == {("q.md", 10, "set #1 has no question")}


# -- the second edition: closing reflection, links, team prompts ------------------------------

CLOSING = (
    "What did I notice about my own thinking and feelings while doing this?",
    "What will I bring to my team or my coach?",
)


def test_every_tool_closes_with_a_reflection_and_links_on() -> None:
    library = load_library([bundled_content_dir()])
    assert check_links(library) == []
    for tool in library.tools:
        last = tool.steps[-1]
        assert last.closing and last.prompts == CLOSING, tool.id
        assert [s.id for s in tool.steps if s.closing] == [last.id], tool.id
        links = tool_links(tool)
        assert len(links) >= 2 and links <= set(library.items), tool.id


def test_the_links_the_facilitator_asked_for() -> None:
    library = load_library([bundled_content_dir()])

    def tool(tool_id: str) -> Tool:
        item = library.get(tool_id)
        assert isinstance(item, Tool)
        return item

    assert "ladder-of-inference" in tool("iceberg").step("mental-models").see_also  # type: ignore[union-attr]
    assert "iceberg" in tool("shifting-the-burden").step("fundamental").see_also  # type: ignore[union-attr]
    assert "ladder-of-inference" in tool("ladder-of-social-connectedness").step("evidence").see_also  # type: ignore[union-attr]
    assert "showing-up" in tool_links(tool("four-player-model"))
    for page in library.learn_pages:  # a Learn page links every tool it names
        linked = {internal_link_target(href) for href, _ in body_links(page)}
        for named in library.tools:
            name = named.title.removeprefix("The ")
            if name in page.body:
                assert named.id in linked, (page.id, named.id)


def test_every_step_of_every_tool_has_team_prompts_that_say_we() -> None:
    for tool in load_library([bundled_content_dir()]).tools:
        for step in tool.steps:
            assert 1 <= len(step.team_prompts) <= 3, (tool.id, step.id)
            assert step.prompts_for(team=True) == step.team_prompts
            assert step.prompts_for(team=False) == step.prompts
            said = " ".join(step.team_prompts).lower()
            assert re.search(r"\b(we|us|our|ours)\b", said), (tool.id, step.id)


def tool_file(folder: Path, steps: str) -> Path:
    path = folder / "t.md"
    path.write_text(
        '+++\nid = "t"\nkind = "tool"\ntitle = "T"\nsummary = "s"\n' + steps + "+++\nBody.\n"
    )
    return path


STEP = '[[steps]]\nid = "{id}"\ntitle = "S"\nprompts = ["p?"]\nhint = "h"\nexample = "e"\n'


def test_closing_reflection_must_be_the_last_step(tmp_path: Path) -> None:
    steps = STEP.format(id="a") + "closing = true\n" + STEP.format(id="b")
    tool_file(tmp_path, steps)
    assert problems_in(tmp_path) == {
        ("t.md", 12, "step #1 is a closing reflection: only the last step can be")
    }
    tool_file(tmp_path, STEP.format(id="a") + STEP.format(id="b") + 'closing = "yes"\n')
    assert problems_in(tmp_path) == {("t.md", 18, "'closing' must be true or false")}


def test_team_prompts_are_all_or_nothing_and_three_at_most(tmp_path: Path) -> None:
    team = 'team_prompts = ["we?"]\n'
    tool_file(tmp_path, STEP.format(id="a") + team + STEP.format(id="b"))
    assert problems_in(tmp_path) == {
        (
            "t.md",
            13,
            "step #2 has no team_prompts, though other steps do: "
            "a team's worksheet would switch between 'we' and 'I'",
        )
    }
    four = 'team_prompts = ["a?", "b?", "c?", "d?"]\n'
    tool_file(tmp_path, STEP.format(id="a") + four)
    assert problems_in(tmp_path) == {
        ("t.md", 12, "step #1 has 4 team_prompts: keep it to three at most")
    }


def test_see_also_must_name_a_loaded_item(tmp_path: Path) -> None:
    tool_file(tmp_path, STEP.format(id="a") + 'see_also = ["nowhere", "t"]\n')
    library = load_library([tmp_path])
    assert library.problems == []
    [problem] = check_links(library)
    assert (problem.line, problem.message) == (
        12,
        "step 'a': see_also names unknown item 'nowhere'",
    )
    tool_file(tmp_path, STEP.format(id="a") + 'see_also = ["Not An Id"]\n')
    assert problems_in(tmp_path) == {
        ("t.md", 12, "'see_also' lists ids of tools or pages, not 'Not An Id'")
    }


def test_a_pipe_or_device_in_a_content_folder_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    """A FIFO (or a link to /dev/zero) named *.md was opened and read: `content check`, and
    the app at start, waited for good (or read until memory ran out)."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "mine"
    (folder / "learn").mkdir(parents=True)
    os.mkfifo(folder / "learn" / "pipe.md")
    (folder / "learn" / "zero.md").symlink_to("/dev/zero")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "csa_companion",
            "--data-dir",
            str(tmp_path / "d"),
            "content",
            "check",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"{folder / 'learn' / 'pipe.md'}:1: not a regular file" in done.stdout
    assert f"{folder / 'learn' / 'zero.md'}:1: not a regular file" in done.stdout

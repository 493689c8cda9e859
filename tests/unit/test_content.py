"""The content library: loading, validation with file and line, overrides by id."""

from __future__ import annotations

from pathlib import Path

from csa_companion.content.loader import check_links, load_library, parse_file
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
        "framework",
        "three-capacities",
        "generative-social-fields",
        "showing-up",
    ]
    assert library.practices


def test_learn_pages_are_between_300_and_700_words() -> None:
    for page in load_library([bundled_content_dir()]).learn_pages:
        assert 300 <= len(page.body.split()) <= 700, page.id


def test_every_problem_names_file_line_and_what_is_wrong() -> None:
    found = problems_in(BROKEN)
    expected = {
        ("missing-id.md", 1, "missing 'id'"),
        ("step-problems.md", 10, "step #1 has no prompt"),
        ("step-problems.md", 15, "duplicate steps id 'first'"),
        ("step-problems.md", 20, "unknown field 'promts' in steps #2"),
        ("bad-duration.md", 10, "bad duration in phase #1: 2 s is outside 5-3600 s"),
        ("unknown-kind.md", 3, "unknown kind 'poster': use one of tool, practice, learn"),
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

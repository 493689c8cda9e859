"""Session plans as content: the shipped plans, their checks with lines, overriding by id."""

from __future__ import annotations

from pathlib import Path

from csa_companion.content.loader import check_links, load_library
from csa_companion.content.model import SessionPlan, Tool
from csa_companion.domain.program import DEFAULT_TOOLS
from csa_companion.domain.session import resolve
from csa_companion.paths import bundled_content_dir

PARTS = {
    "a settling practice": {"practice"},
    "journaling": {"journal"},
    "content": {"content"},
    "a team exercise with coaches": {"exercise"},
    "whole-group reflection": {"reflection"},
}


def bundled() -> list[SessionPlan]:
    library = load_library([bundled_content_dir()])
    assert library.problems == [] and check_links(library) == []
    return library.sessions


def test_the_orientation_and_four_learning_sessions_ship_and_add_up() -> None:
    plans = bundled()
    assert [(p.id, p.session, p.minutes) for p in plans] == [
        ("session-orientation", "orientation", 90),
        *((f"session-{n}", str(n), 240) for n in range(1, 5)),
    ]
    for plan in plans:
        assert plan.block_minutes == plan.minutes


def test_every_learning_session_holds_every_part_the_program_names() -> None:
    for plan in bundled()[1:]:
        kinds = {b.kind for b in plan.blocks}
        for part, wanted in PARTS.items():
            assert kinds & wanted, f"{plan.id} has no {part}"
        assert any(b.safety for b in plan.blocks if b.kind == "exercise"), plan.id
        assert all(b.say for b in plan.blocks), plan.id


def test_each_plan_follows_the_calendar_tools_of_its_session() -> None:
    library = load_library([bundled_content_dir()])
    titles = {t.id: t.title for t in library.tools}
    for number, tools in enumerate(DEFAULT_TOOLS, start=1):
        plan = next(p for p in library.sessions if p.session == str(number))
        shown = [p.block.tool for p in resolve(plan, tools, titles).blocks if p.block.tool]
        # A lesson for each tool, in the calendar's order, then a team exercise for each.
        assert shown == [*tools, *tools]
        assert all(isinstance(library.get(t), Tool) for t in shown)
    # A cohort that moves the Four Player Model to session 1 gets it there, same length.
    first = library.sessions[1]
    moved = resolve(first, ["four-player-model"], titles)
    assert {p.block.tool for p in moved.blocks if p.block.tool} == {"four-player-model"}
    assert moved.total == 240 * 60
    assert "The Four Player Model" in moved.blocks[3].block.title


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = """+++
id = "session-1"
kind = "session"
title = "Short session"
summary = "A plan with mistakes."
session = 1
minutes = 60

[[blocks]]
id = "settle"
title = "Settle"
minutes = 10
kind = "practise"

[[blocks]]
id = "talk"
title = "Talk"
minutes = 20
kind = "content"
learn = "no-such-page"

[[blocks]]
id = "circle"
title = "Circle"
minutes = 5
kind = "reflection"
question = "What now?"
speakers = 4
turn_minutes = 2
+++
"""


def test_content_check_names_bad_kinds_unknown_ids_and_minutes_with_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "short.md", BROKEN)
    library = load_library([tmp_path])
    found = {(p.line, p.message) for p in library.problems}
    kinds = "practice, check-in, journal, content, exercise, breakout, reflection, break, closing"
    assert (13, f"unknown block kind 'practise' in blocks #1: use one of {kinds}") in found
    assert (7, "the blocks add up to 35 minutes, not the plan's 60 (add 25)") in found
    assert (28, "4 speakers of 2 minutes take longer than the block's 5 minutes in blocks #3") in (
        found
    )
    assert all(p.path == path for p in library.problems) and len(found) == 3
    # With the kind and the talking piece fixed, the unknown page is reported with its line.
    fixed = BROKEN.replace('"practise"', '"break"').replace("speakers = 4", "speakers = 2")
    write(tmp_path, "short.md", fixed.replace("minutes = 60", "minutes = 35"))
    library = load_library([bundled_content_dir(), tmp_path])
    assert library.problems == []
    assert [(p.line, p.message) for p in check_links(library)] == [
        (20, "block 'talk': 'learn' names unknown page 'no-such-page'")
    ]


def test_a_plan_with_the_same_id_replaces_the_bundled_one(tmp_path: Path) -> None:
    fixed = BROKEN.replace('"practise"', '"break"').replace("speakers = 4", "speakers = 2")
    fixed = fixed.replace("minutes = 60", "minutes = 35").replace("no-such-page", "framework")
    write(tmp_path, "mine.md", fixed)
    library = load_library([bundled_content_dir(), tmp_path])
    assert library.problems == []
    plan = library.get("session-1")
    assert isinstance(plan, SessionPlan) and plan.title == "Short session"
    assert [p.id for p in library.sessions].count("session-1") == 1


def test_a_block_missing_what_the_group_sees_is_reported(tmp_path: Path) -> None:
    text = BROKEN.replace('kind = "practise"', 'kind = "journal"')
    write(tmp_path, "p.md", text.replace("session = 1", 'session = "fifth"'))
    messages = {p.message for p in load_library([tmp_path]).problems}
    assert "a journal block needs 'prompt' (a journaling prompt) in blocks #1" in messages
    assert "'session' must be \"orientation\" or a learning session number, 1 to 4" in messages

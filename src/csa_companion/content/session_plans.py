"""Session plans (`kind = "session"`): blocks checked field by field, minutes that add up to the
plan's length, and ids that must name a loaded practice, tool or learn page (with the line)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csa_companion.content.library import Library
from csa_companion.content.model import (
    BLOCK_KINDS,
    OCCASIONS,
    SLUG,
    Block,
    LearnPage,
    Practice,
    Problem,
    SessionPlan,
    Tool,
)

if TYPE_CHECKING:
    from csa_companion.content.loader import _FileReader

TEXTS = ("prompt", "question", "instructions", "say", "watch", "debrief", "safety")
IDS = ("practice", "tool", "learn")
NEEDS = {
    "practice": ("practice", "a practice id"),
    "check-in": ("question", "a guiding question"),
    "journal": ("prompt", "a journaling prompt"),
    "exercise": ("instructions", "instructions for the groups"),
    "breakout": ("instructions", "instructions for the groups"),
    "reflection": ("question", "a guiding question"),
}
"""Block kind -> (the field the group sees, in words)."""
MAX_PLAN_MINUTES = 8 * 60


def parse_plan(reader: _FileReader, data: dict[str, Any], common: dict[str, Any]) -> SessionPlan:
    """A session plan from its front matter; problems go to `reader` with their lines."""
    session = data.get("session")
    if isinstance(session, int) and not isinstance(session, bool):
        session = str(session)
    if session not in OCCASIONS:
        where = reader.line_of("session") if "session" in data else 1
        reader.problem(
            where,
            "'session' must be \"orientation\" or a learning session number, 1 to 4"
            if "session" in data
            else "missing 'session': \"orientation\" or a learning session number, 1 to 4",
        )
        session = "1"
    minutes = _int(data.get("minutes"))
    if not 1 <= minutes <= MAX_PLAN_MINUTES:
        reader.problem(
            reader.line_of("minutes") if "minutes" in data else 1,
            f"'minutes' must be the plan's length, a whole number from 1 to {MAX_PLAN_MINUTES}",
        )
        minutes = 0
    blocks = tuple(
        _block(reader, raw, index) for index, raw in enumerate(reader.tables(data, "blocks"))
    )
    reader.unique_ids([b.id for b in blocks], "blocks")
    total = sum(b.minutes for b in blocks)
    if minutes and blocks and total != minutes:
        reader.problem(
            reader.line_of("minutes"),
            f"the blocks add up to {total:g} minutes, not the plan's {minutes} "
            f"({'remove' if total > minutes else 'add'} {abs(total - minutes):g})",
        )
    return SessionPlan(
        **common,
        session=session,
        minutes=minutes,
        blocks=blocks,
        tools=reader.text_list(data, "tools"),
    )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: object) -> int:
    """A whole number, or -1 for anything else (never valid where this is used)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _block(reader: _FileReader, raw: dict[str, Any], index: int) -> Block:
    where = f"in blocks #{index + 1}"
    kind = raw.get("kind")
    if kind not in BLOCK_KINDS:
        reader.problem(
            reader.line_of("kind" if "kind" in raw else None, "blocks", index),
            f"unknown block kind {kind!r} {where}: use one of {', '.join(BLOCK_KINDS)}"
            if kind is not None
            else f"missing 'kind' {where}",
        )
        kind = "break"  # asks for nothing more: one problem per mistake
    minutes = _int(raw.get("minutes"))
    if minutes < 1:
        reader.problem(
            reader.line_of("minutes" if "minutes" in raw else None, "blocks", index),
            f"'minutes' must be a whole number of minutes, 1 or more, {where}",
        )
        minutes = 0
    texts = {key: _optional(reader, raw, key, index) for key in (*TEXTS, *IDS)}
    for key in IDS:
        if texts[key] and not _slug(texts[key]):
            reader.problem(
                reader.line_of(key, "blocks", index),
                f"'{key}' must be an id (lowercase letters, digits and hyphens) {where}",
            )
    flags = {key: _flag(reader, raw, key, index) for key in ("each_tool", "worksheet")}
    need = NEEDS.get(kind)
    if need and not texts[need[0]]:
        reader.problem(
            reader.line_of(None, "blocks", index),
            f"a {kind} block needs '{need[0]}' ({need[1]}) {where}",
        )
    if kind == "content" and not (texts["learn"] or texts["tool"] or flags["each_tool"]):
        reader.problem(
            reader.line_of(None, "blocks", index),
            f"a content block needs 'learn' (a page id), 'tool' or each_tool = true {where}",
        )
    if flags["worksheet"] and not (texts["tool"] or flags["each_tool"]):
        reader.problem(
            reader.line_of("worksheet", "blocks", index),
            f"'worksheet = true' needs a 'tool' (or each_tool = true) {where}",
        )
    speakers, turn = raw.get("speakers", 0), raw.get("turn_minutes", 0)
    if ("speakers" in raw) != ("turn_minutes" in raw):
        reader.problem(
            reader.line_of("speakers" if "speakers" in raw else "turn_minutes", "blocks", index),
            f"a talking-piece round needs both 'speakers' and 'turn_minutes' {where}",
        )
    if not _whole(speakers) or not 0 <= speakers <= 50:
        reader.problem(
            reader.line_of("speakers", "blocks", index),
            f"'speakers' must be a whole number from 1 to 50 {where}",
        )
        speakers = 0
    if (
        not isinstance(turn, int | float)
        or isinstance(turn, bool)
        or not 0 <= turn <= 30
        or ("turn_minutes" in raw and turn == 0)
    ):
        reader.problem(
            reader.line_of("turn_minutes", "blocks", index),
            f"'turn_minutes' must be minutes from 0.5 to 30 {where}",
        )
        turn = 0
    if speakers and turn and minutes and speakers * turn > minutes:
        reader.problem(
            reader.line_of("speakers", "blocks", index),
            f"{speakers} speakers of {turn:g} minutes take longer than the block's "
            f"{minutes} minutes {where}",
        )
    return Block(
        id=reader.slug(raw, "id", "blocks", index),
        title=reader.text(raw, "title", "blocks", index),
        minutes=minutes,
        kind=kind,
        speakers=speakers,
        turn_minutes=float(turn),
        line=reader.line_of(None, "blocks", index),
        each_tool=flags["each_tool"],
        worksheet=flags["worksheet"],
        **texts,
    )


def _slug(text: str) -> bool:
    return bool(SLUG.match(text))


def _optional(reader: _FileReader, raw: dict[str, Any], key: str, index: int) -> str:
    return reader.text(raw, key, "blocks", index) if key in raw else ""


def _flag(reader: _FileReader, raw: dict[str, Any], key: str, index: int) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        reader.problem(reader.line_of(key, "blocks", index), f"'{key}' must be true or false")
    return value is True


def check_plan_ids(library: Library, file_reader: type[_FileReader]) -> list[Problem]:
    """Every practice, tool and learn page a plan names must be loaded, of the right kind
    (`file_reader`: the loader's, which finds a key's line; passed in, so that this module
    and the loader do not import each other)."""
    wanted: dict[str, tuple[type, ...]] = {
        "practice": (Practice,),
        "tool": (Tool,),
        "learn": (LearnPage, Tool),
    }
    problems = []
    for plan in library.sessions:
        reader: _FileReader | None = None

        def line(key: str, index: int | None, plan: SessionPlan = plan) -> int:
            nonlocal reader
            if reader is None:
                lines = plan.source.read_text(encoding="utf-8").splitlines()[1:]
                reader = file_reader(plan.source, lines)
            if index is None:
                return reader.line_of(key)
            return reader.line_of(key, "blocks", index)

        for tool in plan.tools:
            if not isinstance(library.get(tool), Tool):
                problems.append(
                    Problem(
                        plan.source, line("tools", None), f"'tools' names unknown tool {tool!r}"
                    )
                )
        for index, block in enumerate(plan.blocks):
            for key, kinds in wanted.items():
                target = getattr(block, key)
                if target and not isinstance(library.get(target), kinds):
                    what = {"practice": "practice", "tool": "tool", "learn": "page"}[key]
                    problems.append(
                        Problem(
                            plan.source,
                            line(key, index),
                            f"block '{block.id}': '{key}' names unknown {what} {target!r}",
                        )
                    )
    return problems

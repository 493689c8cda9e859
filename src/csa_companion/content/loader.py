"""Reads content folders into a Library, listing every problem with its file and line.

A file is Markdown with a TOML front-matter block between two `+++` lines (TOML because
Python reads it with the standard library's tomllib: no extra parser to depend on).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from csa_companion.content.library import Library
from csa_companion.content.model import (
    DIAGRAMS,
    KINDS,
    SLUG,
    Act,
    FacilitatorNotes,
    Item,
    LearnPage,
    Phase,
    Practice,
    Problem,
    Question,
    QuestionBank,
    QuestionSet,
    ReflectionPrompts,
    Rhythm,
    Step,
    Survey,
    SurveyItem,
    Tool,
)
from csa_companion.content.roles import ROLES
from csa_companion.content.voice import first_person_singular

FENCE = "+++"
MIN_SECONDS, MAX_SECONDS = 5, 3600
# A breath part longer than this is no longer a breathing rhythm anyone can follow.
MAX_BREATH = 20
FIELDS = {
    "tool": {
        *("id", "kind", "title", "summary", "order", "diagram", "steps", "rungs", "acts"),
        "facilitator",
    },
    "practice": {
        *("id", "kind", "title", "summary", "order", "phases", "opening", "closing", "question")
    },
    "learn": {"id", "kind", "title", "summary", "order"},
    "questions": {"id", "kind", "title", "summary", "order", "sets"},
    "reflection": {"id", "kind", "title", "summary", "order", "prompts"},
    "survey": {
        *("id", "kind", "title", "summary", "order", "items", "tool_item", "scale"),
        "retired",
    },
    "session": {"id", "kind", "title", "summary", "order", "session", "minutes", "blocks", "tools"},
}
SCALE = 5  # survey ratings are 1-5
TABLE_FIELDS = {
    "steps": {
        *("id", "title", "prompts", "hint", "example", "optional", "choices"),
        *("team_prompts", "closing", "see_also"),
        *("team_title", "team_hint", "team_example", "examples"),
    },
    "phases": {"id", "title", "seconds", "cue", "rhythm", "wait", "bells"},
    "acts": {"id", "key", "name", "does", "helps"},
    "sets": {"id", "title", "questions", "journal", "tools"},
    "prompts": {"id", "text", "coach"},
    "items": {"id", "text"},
    "retired": {"id", "text"},
    "blocks": {
        *("id", "title", "minutes", "kind", "practice", "tool", "learn", "prompt", "question"),
        *("instructions", "say", "watch", "debrief", "safety", "speakers", "turn_minutes"),
        *("each_tool", "worksheet"),
    },
}
FACILITATOR_FIELDS = ("minutes", "introduce", "activity", "debrief", "safety")
MIN_MINUTES, MAX_MINUTES = 5, 240
TEAM_FIELDS = (("title", "team_title"), ("hint", "team_hint"), ("example", "team_example"))
RHYTHM_PARTS = {"in": (1, True), "out": (1, True), "hold": (0, False), "rest": (0, False)}
"""Rhythm key -> (smallest value, required)."""
_TOML_LINE = re.compile(r"at line (\d+)")


class _FileReader:
    """Checks one file's front matter, remembering problems at the right lines."""

    def __init__(self, path: Path, front_matter: list[str]) -> None:
        self.path = path
        self.lines = front_matter
        self.problems: list[Problem] = []
        self._table_lines: dict[str, list[int]] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    @cached_property
    def _headers(self) -> list[int]:
        """The front-matter lines that open a table (asked for each item's line: found once)."""
        return [n for n, line in enumerate(self.lines) if line.lstrip().startswith("[")]

    def _tables(self, table: str) -> list[int]:
        """The lines of each `[[table]]` header, in order."""
        if table not in self._table_lines:
            pattern = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
            self._table_lines[table] = [n for n in self._headers if pattern.match(self.lines[n])]
        return self._table_lines[table]

    def line_of(self, key: str | None = None, table: str | None = None, index: int = 0) -> int:
        """The file line (1-based) of `key` in the top level or in `[[table]]` number `index`."""
        headers = self._headers
        if table is None:
            start, end = 0, headers[0] if headers else len(self.lines)
        else:
            mine = self._tables(table)
            if index >= len(mine):
                return 1
            start = mine[index]
            end = next((n for n in headers if n > start), len(self.lines))
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for n in range(start, end):
                if pattern.match(self.lines[n]):
                    return n + 2  # +1 for 1-based, +1 for the opening fence
        return start + 2 if table is not None else 1

    def line_in(self, name: str, key: str | None = None, after: int = 0) -> int:
        """The file line of `key` in the single table `[name]` (the first one after front-matter
        line `after`), or of its header when `key` is None or absent; 1 when there is none."""
        header = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
        start = next(
            (n for n in range(after, len(self.lines)) if header.match(self.lines[n])), None
        )
        if start is None:
            return 1
        end = next(
            (n for n in range(start + 1, len(self.lines)) if self.lines[n].lstrip()[:1] == "["),
            len(self.lines),
        )
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for n in range(start, end):
                if pattern.match(self.lines[n]):
                    return n + 2
        return start + 2

    def step_examples_line(self, index: int, key: str | None = None) -> int:
        """The file line of `key` in step number `index`'s `[steps.examples]` table."""
        step_line = self.line_of(None, "steps", index)  # 1-based, counting the fence
        return self.line_in("steps.examples", key, after=max(step_line - 2, 0))

    def text(self, data: dict[str, Any], key: str, table: str | None = None, index: int = 0) -> str:
        value = data.get(key)
        if value is None:
            self.problem(self.line_of(None, table, index), f"missing '{key}'{_where(table, index)}")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(
                self.line_of(key, table, index),
                f"'{key}' must be non-empty text{_where(table, index)}",
            )
            return ""
        return value.strip()

    def slug(self, data: dict[str, Any], key: str, table: str | None = None, index: int = 0) -> str:
        value = self.text(data, key, table, index)
        if value and not SLUG.match(value):
            self.problem(
                self.line_of(key, table, index),
                f"'{key}' must be lowercase letters, digits and hyphens, not {value!r}",
            )
        return value

    def text_list(
        self, data: dict[str, Any], key: str, table: str | None = None, index: int = 0
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(self.line_of(key, table, index), f"'{key}' must be a list of texts")
            return ()
        return tuple(v.strip() for v in value)

    def unknown_fields(
        self, data: dict[str, Any], allowed: set[str], table: str | None = None, index: int = 0
    ) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(
                self.line_of(key, table, index), f"unknown field '{key}'{_where(table, index)}"
            )

    def tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if value is None:
            self.problem(1, f"missing '{key}': add at least one [[{key}]] table")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(self.line_of(key), f"'{key}' must be [[{key}]] tables")
            return []
        if not value:
            self.problem(self.line_of(key), f"'{key}' is empty: add at least one [[{key}]] table")
        for index, table in enumerate(value):
            self.unknown_fields(table, TABLE_FIELDS[key], key, index)
        return value

    def unique_ids(self, ids: list[str], table: str) -> None:
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if item_id and item_id in seen:
                self.problem(self.line_of("id", table, index), f"duplicate {table} id '{item_id}'")
            seen.add(item_id)


def _where(table: str | None, index: int) -> str:
    return f" in {table} #{index + 1}" if table else ""


def parse_file(path: Path) -> tuple[Item | None, list[Problem]]:
    """Parse one content file; the item is None when any problem was found."""
    if path.exists() and not path.is_file():  # a pipe or a device: reading it may never end
        return None, [Problem(path, 1, "not a regular file: a content file must be a text file")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(path, 1, "the file is not UTF-8 text")]
    except OSError as error:
        return None, [Problem(path, 1, f"cannot read the file: {error.strerror}")]
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None, [Problem(path, 1, "no front matter: the file must start with a line '+++'")]
    close = next((n for n in range(1, len(lines)) if lines[n].strip() == FENCE), None)
    if close is None:
        return None, [Problem(path, 1, "the front matter is not closed: add a line '+++' after it")]
    reader = _FileReader(path, lines[1:close])
    try:
        data = tomllib.loads("\n".join(reader.lines))
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        line = int(found.group(1)) + 1 if found else close  # "at end of document"
        return None, [Problem(path, line, f"front matter is not valid TOML: {error}")]
    body = "\n".join(lines[close + 1 :]).strip("\n")
    body_first_line = close + 2 + _leading_blank_lines(lines[close + 1 :])
    item = _build(reader, data, body, body_first_line)
    return (None if reader.problems else item), reader.problems


def _leading_blank_lines(lines: list[str]) -> int:
    return next((n for n, line in enumerate(lines) if line.strip()), 0)


def _build(reader: _FileReader, data: dict[str, Any], body: str, body_line: int) -> Item | None:
    kind = data.get("kind")
    if kind not in KINDS:
        reader.problem(
            reader.line_of("kind"),
            f"unknown kind {kind!r}: use one of {', '.join(KINDS)}" if kind else "missing 'kind'",
        )
        return None
    reader.unknown_fields(data, FIELDS[kind])
    order = data.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        reader.problem(reader.line_of("order"), "'order' must be a whole number")
        order = 0
    common: dict[str, Any] = {
        "id": reader.slug(data, "id"),
        "kind": kind,
        "title": reader.text(data, "title"),
        "summary": reader.text(data, "summary"),
        "body": body,
        "source": reader.path,
        "order": order,
        "body_line": body_line,
    }
    if kind == "tool":
        return _tool(reader, data, common)
    if kind == "practice":
        question = data.get("question", False)
        if not isinstance(question, bool):
            reader.problem(reader.line_of("question"), "'question' must be true or false")
        return Practice(
            **common,
            phases=_phases(reader, data),
            opening=_optional_text(reader, data, "opening"),
            closing=_optional_text(reader, data, "closing"),
            question=question is True,
        )
    if kind == "questions":
        return QuestionBank(**common, sets=_question_sets(reader, data))
    if kind == "reflection":
        return _reflection(reader, data, common)
    if kind == "survey":
        return _survey(reader, data, common)
    if kind == "session":
        from csa_companion.content.session_plans import parse_plan

        return parse_plan(reader, data, common)
    return LearnPage(**common)


def _optional_text(reader: _FileReader, data: dict[str, Any], key: str) -> str:
    return reader.text(data, key) if key in data else ""


def _question_sets(reader: _FileReader, data: dict[str, Any]) -> tuple[QuestionSet, ...]:
    sets = []
    for index, raw in enumerate(reader.tables(data, "sets")):
        questions = reader.text_list(raw, "questions", "sets", index)
        if not questions:
            reader.problem(
                reader.line_of("questions", "sets", index), f"set #{index + 1} has no question"
            )
        sets.append(
            QuestionSet(
                id=reader.slug(raw, "id", "sets", index),
                title=reader.text(raw, "title", "sets", index),
                questions=questions,
                journal=reader.text_list(raw, "journal", "sets", index),
                tools=reader.text_list(raw, "tools", "sets", index),
            )
        )
    reader.unique_ids([s.id for s in sets], "sets")
    return tuple(sets)


def _reflection(
    reader: _FileReader, data: dict[str, Any], common: dict[str, Any]
) -> ReflectionPrompts:
    questions = []
    for index, raw in enumerate(reader.tables(data, "prompts")):
        coach = raw.get("coach", False)
        if not isinstance(coach, bool):
            reader.problem(
                reader.line_of("coach", "prompts", index), "'coach' must be true or false"
            )
        questions.append(
            Question(
                id=reader.slug(raw, "id", "prompts", index),
                text=reader.text(raw, "text", "prompts", index),
                for_coach=coach is True,
            )
        )
    reader.unique_ids([q.id for q in questions], "prompts")
    if sum(q.for_coach for q in questions) > 1:
        reader.problem(reader.line_of("prompts"), "only one question can have coach = true")
    return ReflectionPrompts(**common, questions=tuple(questions))


def _survey(reader: _FileReader, data: dict[str, Any], common: dict[str, Any]) -> Survey:
    items = [
        SurveyItem(
            id=reader.slug(raw, "id", "items", index),
            text=reader.text(raw, "text", "items", index),
        )
        for index, raw in enumerate(reader.tables(data, "items"))
    ]
    reader.unique_ids([i.id for i in items], "items")
    retired = [
        SurveyItem(
            id=reader.slug(raw, "id", "retired", index),
            text=reader.text(raw, "text", "retired", index),
        )
        for index, raw in enumerate(reader.tables(data, "retired") if "retired" in data else [])
    ]
    reader.unique_ids([i.id for i in retired], "retired")
    asked = {i.id for i in items}
    for index, item in enumerate(retired):
        if item.id in asked:
            reader.problem(
                reader.line_of("id", "retired", index),
                f"retired item '{item.id}' is still asked: give the new item a new id",
            )
    tool_item = reader.text(data, "tool_item")
    if tool_item and "{tool}" not in tool_item:
        reader.problem(reader.line_of("tool_item"), "'tool_item' must contain {tool}")
    scale = reader.text_list(data, "scale")
    if len(scale) != SCALE:
        reader.problem(
            reader.line_of("scale"),
            f"'scale' must name the {SCALE} ratings from 1 to {SCALE}, it has {len(scale)}",
        )
    return Survey(
        **common, items=tuple(items), tool_item=tool_item, scale=scale, retired=tuple(retired)
    )


def _tool(reader: _FileReader, data: dict[str, Any], common: dict[str, Any]) -> Tool:
    diagram = data.get("diagram")
    if diagram is not None and diagram not in DIAGRAMS:
        reader.problem(
            reader.line_of("diagram"),
            f"unknown diagram {diagram!r}: use one of {', '.join(DIAGRAMS)}",
        )
    lists = {"rungs": reader.text_list(data, "rungs")}
    steps = []
    raws = reader.tables(data, "steps")
    for index, raw in enumerate(raws):
        prompts = reader.text_list(raw, "prompts", "steps", index)
        if not prompts:
            reader.problem(
                reader.line_of("prompts", "steps", index), f"step #{index + 1} has no prompt"
            )
        team_prompts = reader.text_list(raw, "team_prompts", "steps", index)
        for key, found in (("prompts", prompts), ("team_prompts", team_prompts)):
            if len(found) > 3:
                reader.problem(
                    reader.line_of(key, "steps", index),
                    f"step #{index + 1} has {len(found)} {key}: keep it to three at most",
                )
        if any("team_prompts" in other for other in raws) and "team_prompts" not in raw:
            reader.problem(
                reader.line_of(None, "steps", index),
                f"step #{index + 1} has no team_prompts, though other steps do: "
                "a team's worksheet would switch between 'we' and 'I'",
            )
        optional = _flag(reader, raw, "optional", index)
        closing = _flag(reader, raw, "closing", index)
        if closing and index != len(raws) - 1:
            reader.problem(
                reader.line_of("closing", "steps", index),
                f"step #{index + 1} is a closing reflection: only the last step can be",
            )
        see_also = reader.text_list(raw, "see_also", "steps", index)
        for target in see_also:
            if not SLUG.match(target):
                reader.problem(
                    reader.line_of("see_also", "steps", index),
                    f"'see_also' lists ids of tools or pages, not {target!r}",
                )
        plain = {key: reader.text(raw, key, "steps", index) for key in ("title", "hint", "example")}
        team = _team_texts(reader, raw, index, plain, has_team=bool(team_prompts))
        steps.append(
            Step(
                id=reader.slug(raw, "id", "steps", index),
                title=plain["title"],
                prompts=prompts,
                hint=plain["hint"],
                example=plain["example"],
                optional=optional,
                choices=_choices(reader, raw, index, lists),
                team_prompts=team_prompts,
                closing=closing,
                see_also=see_also,
                team_title=team["team_title"],
                team_hint=team["team_hint"],
                team_example=team["team_example"],
                examples=_role_examples(reader, raw, index),
            )
        )
    reader.unique_ids([s.id for s in steps], "steps")
    acts = []
    for index, raw in enumerate(reader.tables(data, "acts") if "acts" in data else []):
        key = reader.text(raw, "key", "acts", index)
        if key and len(key) != 1:
            reader.problem(reader.line_of("key", "acts", index), "'key' must be a single character")
        acts.append(
            Act(
                id=reader.slug(raw, "id", "acts", index),
                key=key,
                name=reader.text(raw, "name", "acts", index),
                does=reader.text(raw, "does", "acts", index),
                helps=reader.text(raw, "helps", "acts", index),
            )
        )
    reader.unique_ids([a.id for a in acts], "acts")
    return Tool(
        **common,
        steps=tuple(steps),
        diagram=diagram if isinstance(diagram, str) else None,
        rungs=lists["rungs"],
        acts=tuple(acts),
        facilitator=_facilitator(reader, data),
    )


def _team_texts(
    reader: _FileReader, raw: dict[str, Any], index: int, plain: dict[str, str], *, has_team: bool
) -> dict[str, str]:
    """A step's team_title, team_hint and team_example, checked as team_prompts are: a step
    that asks a team (team_prompts) needs a team version of each text that says "I" outside a
    quotation, and no team text may say "I" outside one."""
    found: dict[str, str] = {}
    where = f"step #{index + 1}"
    for key in ("team_prompts", *(team for _, team in TEAM_FIELDS)):
        texts = raw.get(key, [])
        texts = [texts] if isinstance(texts, str) else texts
        words = [w for t in texts if isinstance(t, str) for w in first_person_singular(t)]
        if words:
            reader.problem(
                reader.line_of(key, "steps", index),
                f"{where}: '{key}' speaks as 'I' ({', '.join(dict.fromkeys(words))}): "
                "a team's worksheet says 'we' (quote a person's own words in double quotes)",
            )
    for field, team in TEAM_FIELDS:
        found[team] = reader.text(raw, team, "steps", index) if team in raw else ""
        if team in raw and not has_team:
            reader.problem(
                reader.line_of(team, "steps", index),
                f"{where} has '{team}' but no team_prompts: a team's worksheet would not ask it",
            )
        words = first_person_singular(plain[field])
        if has_team and words and team not in raw:
            reader.problem(
                reader.line_of(field, "steps", index),
                f"{where}: '{field}' speaks as 'I' ({', '.join(dict.fromkeys(words))}): "
                f"add '{team}' for a team's worksheet",
            )
    return found


def _role_examples(
    reader: _FileReader, raw: dict[str, Any], index: int
) -> tuple[tuple[str, str], ...]:
    """`[steps.examples]`: one example per role key (see ROLES), each non-empty text."""
    value = raw.get("examples")
    if value is None:
        return ()
    if not isinstance(value, dict):
        reader.problem(
            reader.line_of("examples", "steps", index),
            f"'examples' in step #{index + 1} must be a [steps.examples] table of role = text",
        )
        return ()
    found = []
    for role, text in value.items():
        line = reader.step_examples_line(index, role)
        if role not in ROLES:
            reader.problem(
                line,
                f"unknown role '{role}' in step #{index + 1}'s examples: use {', '.join(ROLES)}",
            )
        elif not isinstance(text, str) or not text.strip():
            reader.problem(line, f"the {role} example in step #{index + 1} must be non-empty text")
        else:
            found.append((role, text.strip()))
    return tuple(found)


def _facilitator(reader: _FileReader, data: dict[str, Any]) -> FacilitatorNotes | None:
    """`[facilitator]`: minutes (a whole number) and four texts, all required when present."""
    value = data.get("facilitator")
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.problem(reader.line_of("facilitator"), "'facilitator' must be a [facilitator] table")
        return None
    ok = True
    for key in sorted(set(value) - set(FACILITATOR_FIELDS)):
        reader.problem(reader.line_in("facilitator", key), f"unknown field '{key}' in facilitator")
        ok = False
    minutes = value.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        reader.problem(
            reader.line_in("facilitator", "minutes" if "minutes" in value else None),
            "'minutes' in facilitator must be a whole number",
        )
        ok = False
    elif not MIN_MINUTES <= minutes <= MAX_MINUTES:
        reader.problem(
            reader.line_in("facilitator", "minutes"),
            f"'minutes' in facilitator must be {MIN_MINUTES}-{MAX_MINUTES}, not {minutes}",
        )
        ok = False
    texts: dict[str, str] = {}
    for key in FACILITATOR_FIELDS[1:]:
        text = value.get(key)
        if not isinstance(text, str) or not text.strip():
            reader.problem(
                reader.line_in("facilitator", key if key in value else None),
                f"missing '{key}' in facilitator"
                if text is None
                else f"'{key}' in facilitator must be non-empty text",
            )
            ok = False
            continue
        texts[key] = text.strip()
    if not ok:
        return None
    assert isinstance(minutes, int)
    return FacilitatorNotes(minutes=minutes, **texts)


def _flag(reader: _FileReader, raw: dict[str, Any], key: str, index: int) -> bool:
    """A step's true/false field (false when absent)."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        reader.problem(reader.line_of(key, "steps", index), f"'{key}' must be true or false")
    return value is True


def _choices(
    reader: _FileReader, raw: dict[str, Any], index: int, lists: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """A step's choices: a list, or the name of a list given at the top (e.g. "rungs")."""
    value = raw.get("choices")
    if value is None:
        return ()
    if isinstance(value, str):
        if not lists.get(value):
            reader.problem(
                reader.line_of("choices", "steps", index),
                f"'choices' names {value!r}, but the file has no non-empty '{value}' list",
            )
        return lists.get(value, ())
    return reader.text_list(raw, "choices", "steps", index)


def _phases(reader: _FileReader, data: dict[str, Any]) -> tuple[Phase, ...]:
    phases = []
    for index, raw in enumerate(reader.tables(data, "phases")):
        seconds = raw.get("seconds")
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            reader.problem(
                reader.line_of("seconds" if "seconds" in raw else None, "phases", index),
                f"bad duration in phase #{index + 1}: 'seconds' must be a whole number",
            )
            seconds = 0
        elif not MIN_SECONDS <= seconds <= MAX_SECONDS:
            reader.problem(
                reader.line_of("seconds", "phases", index),
                f"bad duration in phase #{index + 1}: {seconds} s is outside "
                f"{MIN_SECONDS}-{MAX_SECONDS} s",
            )
        wait = raw.get("wait", False)
        if not isinstance(wait, bool):
            reader.problem(reader.line_of("wait", "phases", index), "'wait' must be true or false")
        phases.append(
            Phase(
                id=reader.slug(raw, "id", "phases", index),
                title=reader.text(raw, "title", "phases", index),
                seconds=seconds,
                cue=reader.text(raw, "cue", "phases", index),
                rhythm=_rhythm(reader, raw, index, seconds),
                wait=wait is True,
                bells=_bells(reader, raw, index, seconds),
            )
        )
    reader.unique_ids([p.id for p in phases], "phases")
    return tuple(phases)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rhythm(reader: _FileReader, raw: dict[str, Any], index: int, seconds: int) -> Rhythm | None:
    """`rhythm = { in = 4, out = 6 }` (hold and rest optional): checked part by part."""
    value = raw.get("rhythm")
    if value is None:
        return None
    line = reader.line_of("rhythm", "phases", index)
    where = f"in phase #{index + 1}"
    if not isinstance(value, dict):
        reader.problem(line, f"'rhythm' must be a table like {{ in = 4, out = 6 }} {where}")
        return None
    parts: dict[str, float] = {}
    ok = True
    for key in sorted(set(value) - set(RHYTHM_PARTS)):
        reader.problem(line, f"unknown rhythm part '{key}' {where}: use in, hold, out, rest")
        ok = False
    for key, (least, required) in RHYTHM_PARTS.items():
        part = value.get(key)
        if part is None:
            if required:
                reader.problem(line, f"rhythm needs '{key}' {where}")
                ok = False
            continue
        if not _number(part) or not least <= part <= MAX_BREATH:
            reader.problem(
                line, f"rhythm '{key}' must be {least}-{MAX_BREATH} seconds {where}, not {part!r}"
            )
            ok = False
            continue
        parts[key] = float(part)
    if not ok:
        return None
    rhythm = Rhythm(
        inhale=parts["in"],
        exhale=parts["out"],
        hold=parts.get("hold", 0.0),
        rest=parts.get("rest", 0.0),
    )
    if seconds and rhythm.cycle > seconds:
        reader.problem(
            line, f"one breath ({rhythm.cycle:g} s) is longer than the phase ({seconds} s) {where}"
        )
    return rhythm


def _bells(reader: _FileReader, raw: dict[str, Any], index: int, seconds: int) -> tuple[float, ...]:
    """Bell times in seconds from the start of the phase; each must fall inside the phase."""
    value = raw.get("bells", [])
    line = reader.line_of("bells", "phases", index)
    if not isinstance(value, list) or not all(_number(v) for v in value):
        reader.problem(line, f"'bells' must be a list of seconds in phase #{index + 1}")
        return ()
    for bell in value:
        if seconds and not 0 <= bell < seconds:
            reader.problem(
                line,
                f"bell at {bell:g} s is outside phase #{index + 1} (0 to under {seconds} s)",
            )
    return tuple(sorted(float(v) for v in value))


def body_links(item: Item) -> list[tuple[str, int]]:
    """Every link in an item's body with its file line, found by parsing the Markdown."""
    from markdown_it import MarkdownIt  # only content checks need it, not the app's start

    links = []
    for token in MarkdownIt("commonmark").parse(item.body):
        if token.type == "inline" and token.children and token.map:
            for child in token.children:
                href = child.attrGet("href") if child.type == "link_open" else None
                if isinstance(href, str):
                    links.append((href, item.body_line + token.map[0]))
    return links


def link_texts(item: Item) -> list[tuple[str, str]]:
    """Every link in an item's body as (its text, its href), in order."""
    from markdown_it import MarkdownIt

    links: list[tuple[str, str]] = []
    for token in MarkdownIt("commonmark").parse(item.body):
        open_href: str | None = None
        words: list[str] = []
        for child in token.children or []:
            if child.type == "link_open":
                href = child.attrGet("href")
                open_href, words = (href if isinstance(href, str) else ""), []
            elif child.type == "link_close" and open_href is not None:
                links.append(("".join(words).strip() or open_href, open_href))
                open_href = None
            elif open_href is not None and child.content:
                words.append(child.content)
    return links


def check_links(library: Library) -> list[Problem]:
    """Links between pages (`other-page.md`) and steps' `see_also` ids that point to no loaded
    item."""
    problems = []
    for item in library.items.values():
        for href, line in body_links(item):
            target = internal_link_target(href)
            if target is not None and target not in library.items:
                problems.append(Problem(item.source, line, f"link to unknown page '{href}'"))
        if isinstance(item, Tool):
            problems += _unknown_see_also(item, library)
        if isinstance(item, QuestionBank):
            problems += _unknown_set_tools(item, library)
    from csa_companion.content.session_plans import check_plan_ids

    return problems + check_plan_ids(library, _FileReader)


def _unknown_set_tools(bank: QuestionBank, library: Library) -> list[Problem]:
    """A question set's `tools` that name no loaded tool."""
    tools = {t.id for t in library.tools}
    problems = []
    for index, question_set in enumerate(bank.sets):
        for target in question_set.tools:
            if target not in tools:
                lines = bank.source.read_text(encoding="utf-8").splitlines()[1:]
                line = _FileReader(bank.source, lines).line_of("tools", "sets", index)
                problems.append(
                    Problem(
                        bank.source,
                        line,
                        f"set '{question_set.id}': tools names unknown tool '{target}'",
                    )
                )
    return problems


def _unknown_see_also(tool: Tool, library: Library) -> list[Problem]:
    problems = []
    for index, step in enumerate(tool.steps):
        for target in step.see_also:
            if target not in library.items:
                lines = tool.source.read_text(encoding="utf-8").splitlines()[1:]
                line = _FileReader(tool.source, lines).line_of("see_also", "steps", index)
                problems.append(
                    Problem(
                        tool.source,
                        line,
                        f"step '{step.id}': see_also names unknown item '{target}'",
                    )
                )
    return problems


def tool_links(tool: Tool) -> set[str]:
    """The ids a tool leads to: links in its lesson and its steps' `see_also`."""
    targets = {internal_link_target(href) for href, _ in body_links(tool)}
    return {t for t in targets if t} | {t for step in tool.steps for t in step.see_also}


def internal_link_target(href: str) -> str | None:
    """The item id a relative `other-page.md` link points to, or None for other links."""
    if "://" in href or href.startswith(("#", "mailto:")) or not href.endswith(".md"):
        return None
    return Path(href).stem


def load_library(dirs: Sequence[Path]) -> Library:
    """Load every `*.md` below each dir; an item in a later dir replaces one with its id."""
    library = Library()
    for folder in dirs:
        if not folder.is_dir():
            continue
        seen: dict[str, Path] = {}
        for path in sorted(folder.rglob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            item, problems = parse_file(path)
            library.problems.extend(sorted(problems, key=lambda p: p.line))
            if item is None:
                library.skipped.append(path)
                continue
            if item.id in seen:
                line = _FileReader(path, path.read_text(encoding="utf-8").splitlines()[1:]).line_of(
                    "id"
                )
                library.problems.append(
                    Problem(path, line, f"duplicate id '{item.id}' (also used by {seen[item.id]})")
                )
                library.skipped.append(path)
                continue
            seen[item.id] = path
            library.items[item.id] = item
    return library

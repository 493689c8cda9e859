"""Diagram renderers: each tool's picture drawn from a worksheet as rich Text of a given width.

Pure functions, shared by the diagram widgets and the Markdown export. Every line fits in
`width` terminal cells whatever the answers hold (long text, line breaks, CJK, emoji): answers
are collapsed to one paragraph, wrapped by cells and cut with "…" when they do not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.text import Text

from csa_companion.content.model import Act, Tool
from csa_companion.domain.four_player import act_named, tally
from csa_companion.domain.worksheet import Worksheet

HIGHLIGHT = "bold reverse"  # the current step's element
LABEL = "bold"
PLACEHOLDER = "dim"
LINK = "cyan"
WATER = "blue"
ELLIPSIS = "…"
MIN_LAYOUT_WIDTH = 20  # narrower than this, a diagram is drawn this wide, then cropped
ANSWER_LINES = 2  # lines an answer gets in a box or a note, when no height is given
MAX_ANSWER_LINES = 30  # however much room there is


def render_diagram(
    tool: Tool,
    worksheet: Worksheet,
    width: int,
    current_step: str | None = None,
    height: int | None = None,
    *,
    whole: bool = False,
) -> Text:
    """Draw the diagram `tool.diagram` names from `worksheet`, no line wider than `width` cells.

    The element of `current_step` is highlighted; pass None (as the export does) for none. A tool
    without a known diagram gets its steps listed with their answers. Each answer gets
    ANSWER_LINES lines (more or fewer by element); given a `height`, answers get as many more
    lines as still fit in it, up to their whole text. With `whole`, every answer is whole
    (up to MAX_ANSWER_LINES lines), however long the drawing grows (a full screen scrolls).
    """
    if width < 1:
        return Text()
    draw = _RENDERERS.get(tool.diagram or "", _steps_list)
    layout = max(width, MIN_LAYOUT_WIDTH)
    sheet = _Sheet(tool, worksheet, current_step)
    if whole:
        sheet = replace(sheet, lines=MAX_ANSWER_LINES)
    lines = draw(sheet, layout)
    if height is not None and not whole and len(lines) < height:
        lines = _roomiest(draw, sheet, layout, height, lines)
    result = Text("\n", no_wrap=True, overflow="crop")
    return result.join(_cropped(line, width) for line in lines)


def _roomiest(
    draw: Callable[[_Sheet, int], list[Text]],
    sheet: _Sheet,
    width: int,
    height: int,
    fitting: list[Text],
) -> list[Text]:
    """The drawing with the most lines an answer may have that is still at most `height` lines
    (`fitting` is the drawing of `sheet`, which fits)."""
    most = draw(replace(sheet, lines=MAX_ANSWER_LINES), width)
    if len(most) <= height:
        return most  # the usual case: every answer whole
    # Otherwise a line more at a time: cheaper than a search among long drawings, as the room
    # left is usually a few lines.
    while sheet.lines < MAX_ANSWER_LINES:
        sheet = replace(sheet, lines=sheet.lines + 1)
        more = draw(sheet, width)
        if len(more) > height:
            break
        fitting = more
    return fitting


# -- shared helpers -------------------------------------------------------------------------------


def fit(text: str, width: int, max_lines: int) -> list[str]:
    """`text` with its whitespace collapsed, wrapped to `width` cells in at most `max_lines` lines.

    Words wider than a line are broken (CJK text has no spaces to break at); text that does not
    fit ends with "…".
    """
    if width < 1 or max_lines < 1:
        return []
    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if cell_len(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        *full, line = chop_cells(word, width)
        lines.extend(full)
        if len(lines) > max_lines:
            break
    if line:
        lines.append(line)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = _crop(kept[-1], width - 1).rstrip() + ELLIPSIS
    return kept


def _crop(text: str, width: int) -> str:
    return set_cell_size(text, max(width, 0)) if cell_len(text) > width else text


def _padded(line: Text, width: int) -> Text:
    """A copy of `line` cropped or padded with spaces to exactly `width` cells."""
    out = line.copy()
    out.truncate(max(width, 0), overflow="crop", pad=True)
    return out


def _cropped(line: Text, width: int) -> Text:
    out = line.copy()
    out.rstrip()
    if out.cell_len > width:
        out.truncate(width, overflow="crop")
    return out


def _place(width: int, *items: tuple[int, str, str]) -> Text:
    """A line `width` cells wide with each (column, text, style) written from its column.

    Meant for arrows, signs and short labels; a text that would overlap the one before it is
    pushed right, and whatever passes `width` is cropped.
    """
    line = Text()
    for column, text, style in sorted(items):
        line.append(" " * max(column - line.cell_len, 0))
        line.append(text, style)
    return _padded(line, width)


@dataclass(frozen=True)
class _Sheet:
    """What every renderer needs: the tool, the answers and which step is current."""

    tool: Tool
    worksheet: Worksheet
    current: str | None
    lines: int = ANSWER_LINES
    """How many lines an answer gets (elements that show less or more go from this)."""

    def has(self, step_id: str) -> bool:
        return self.tool.step(step_id) is not None

    def title(self, step_id: str) -> str:
        step = self.tool.step(step_id)
        return step.title_for(self.worksheet.asks_as_team) if step else step_id

    def label(self, step_id: str) -> str:
        """The title's part before any colon: "Event: what happened?" -> "Event"."""
        title = self.title(step_id)
        return title.split(":", 1)[0].strip() or title

    def answer(self, step_id: str) -> str:
        """The answer on one line; a choice step's as "choice: words"."""
        step = self.tool.step(step_id)
        if step is None or not step.choices:
            return " ".join(self.worksheet.answer(step_id).split())
        parts = (self.worksheet.chosen(step), " ".join(self.worksheet.words(step).split()))
        return ": ".join(part for part in parts if part)

    def chosen(self, step_id: str) -> str:
        step = self.tool.step(step_id)
        return self.worksheet.chosen(step) if step is not None else ""

    def words(self, step_id: str) -> str:
        step = self.tool.step(step_id)
        return self.worksheet.words(step).strip() if step is not None else ""

    def style(self, step_id: str) -> str:
        return HIGHLIGHT if step_id == self.current else ""


def _highlight(lines: Sequence[Text], style: str) -> list[Text]:
    for line in lines:
        if style:
            line.stylize_before(style)
    return list(lines)


def _answer_lines(sheet: _Sheet, step_id: str, width: int, max_lines: int) -> list[Text]:
    """The answer wrapped to `width`, or a dim "…" when there is none yet."""
    answer = sheet.answer(step_id)
    if not answer:
        return [Text(_crop(ELLIPSIS, width), PLACEHOLDER)]
    return [Text(line) for line in fit(answer, width, max_lines)]


def _box(title: str, body: Sequence[Text], width: int, min_lines: int = 1) -> list[Text]:
    """A box exactly `width` cells wide, `title` in its top border, at least `min_lines` inside."""
    name = fit(title, width - 6, 1)
    top = Text.assemble("┌─ ", (name[0], LABEL), " ") if name else Text("┌")
    top.append("─" * (width - 1 - top.cell_len) + "┐")
    rows = [*body, *[Text()] * (min_lines - len(body))]
    middle = [Text.assemble("│ ", _padded(row, width - 4), " │") for row in rows]
    return [top, *middle, Text("└" + "─" * (width - 2) + "┘")]


def _step_box(
    sheet: _Sheet, step_id: str, width: int, max_lines: int, min_lines: int = 1
) -> list[Text]:
    """The box of one step: its title on the border, its answer inside, highlighted if current."""
    body = _answer_lines(sheet, step_id, width - 4, max_lines)
    return _highlight(_box(sheet.label(step_id), body, width, min_lines), sheet.style(step_id))


def _labelled(sheet: _Sheet, step_id: str, width: int, max_lines: int) -> list[Text]:
    """ "Label: answer" wrapped to `width`, label in bold, highlighted if current."""
    label, answer = sheet.label(step_id), sheet.answer(step_id)
    lines = [Text(line) for line in fit(f"{label}: {answer or ELLIPSIS}", width, max_lines)]
    for number, line in enumerate(lines):
        if number == 0:
            line.stylize(LABEL, 0, len(label) + 1)
        if not answer:
            line.stylize(PLACEHOLDER, len(label) + 2 if number == 0 else 0)
    return _highlight(lines, sheet.style(step_id))


def _notes(sheet: _Sheet, step_ids: Sequence[str], width: int, more: int = 0) -> list[Text]:
    """A blank line, then "Label: answer" for each step the tool has (in `more` lines more than
    an answer gets)."""
    lines = [Text()]
    for step_id in step_ids:
        if sheet.has(step_id):
            lines += _labelled(sheet, step_id, width, sheet.lines + more)
    return lines if len(lines) > 1 else []


def _rail(width: int, left: str, fill: str, right: str) -> Text:
    return Text(left + fill * (width - 2) + right)


# -- the iceberg ----------------------------------------------------------------------------------

ICEBERG_ABOVE_WATER = ("event",)
ICEBERG_LAYERS = ("event", "patterns", "structures", "mental-models")
ICEBERG_VISION = "vision"  # drawn only once answered or current: the step is optional


def _iceberg(sheet: _Sheet, width: int) -> list[Text]:
    """Layers from the event down to mental models, each wider than the one above it, a
    waterline under the event, and the leverage beneath."""
    layers = [s for s in ICEBERG_LAYERS if sheet.has(s)]
    if sheet.has(ICEBERG_VISION) and (
        sheet.answer(ICEBERG_VISION) or sheet.current == ICEBERG_VISION
    ):
        layers.append(ICEBERG_VISION)
    # Each layer down sticks out `indent` cells more on each side; the top is about half as wide.
    indent = (width // 2) // (2 * max(len(layers) - 1, 1))
    lines: list[Text] = []
    for number, step_id in enumerate(layers):
        below = step_id not in ICEBERG_ABOVE_WATER
        if below and number > 0 and layers[number - 1] in ICEBERG_ABOVE_WATER:
            lines.append(_waterline(width))
        margin = indent * (len(layers) - 1 - number)
        box = _step_box(sheet, step_id, width - 2 * margin, sheet.lines)
        lines += [Text(" " * margin) + line for line in box]
    return lines + _notes(sheet, ["leverage"], width, more=1)


def _waterline(width: int) -> Text:
    label = " waterline "
    waves = max(width - len(label), 0)
    return Text("~" * (waves // 2) + label + "~" * (waves - waves // 2), WATER)


# -- the ladder of inference ----------------------------------------------------------------------

LADDER_RUNGS = ("data", "selected", "meanings", "assumptions", "conclusions", "beliefs", "actions")
LADDER_NOTES = ("loop", "walk-down", "advocacy-inquiry", "leverage")
LOOP_FROM, LOOP_TO = "beliefs", "selected"
LOOP_LABEL = ("reflexive", "loop")
LOOP_LABEL_BESIDE_FROM = 60  # narrower than this, the loop's label goes under the ladder


def _ladder_of_inference(sheet: _Sheet, width: int) -> list[Text]:
    """The rungs from observable data (bottom) to actions (top), one line each, with the
    reflexive loop as an arrow from beliefs back down to selected data on the right."""
    rungs = [s for s in reversed(LADDER_RUNGS) if sheet.has(s)]
    if not rungs:
        return _steps_list(sheet, width)
    loop = LOOP_FROM in rungs and LOOP_TO in rungs
    beside = loop and width >= LOOP_LABEL_BESIDE_FROM
    column = (4 + max(len(w) for w in LOOP_LABEL)) if beside else 3 if loop else 0
    ladder = width - column
    label_width = min(max(cell_len(sheet.label(s)) for s in rungs), (ladder - 4) // 2)
    answer_width = ladder - 6 - label_width
    rows = [_rail(ladder, "┌", "─", "┐")]
    row_of: dict[str, int] = {}
    for number, step_id in enumerate(rungs):
        label = (fit(sheet.label(step_id), label_width, 1) or [""])[0]
        # one line a rung, more when there is room (a rung then has its label once)
        answers = _answer_lines(sheet, step_id, answer_width, max(sheet.lines - 1, 1))
        rung = []
        for n, answer in enumerate(answers):
            shown = label if n == 0 else ""
            row = Text.assemble("│ ", (set_cell_size(shown, label_width), LABEL), "  ")
            rung.append(row + _padded(answer, answer_width) + Text(" │"))
        row_of[step_id] = len(rows)
        rows += _highlight(rung, sheet.style(step_id))
        last = number == len(rungs) - 1
        rows.append(_rail(ladder, "└", "─", "┘") if last else _rail(ladder, "├", "─", "┤"))
    if not loop:
        return rows + _notes(sheet, LADDER_NOTES, width)
    top, bottom = row_of[LOOP_FROM], row_of[LOOP_TO]
    words = {top + 1 + n: f" {word}" for n, word in enumerate(LOOP_LABEL)} if beside else {}
    lines = []
    for number, row in enumerate(rows):
        piece = {top: "──┐", bottom: "◄─┘"}.get(number, "  │" if top < number < bottom else "")
        if number in words:
            piece = f"{piece or '   '}{words[number]}"
        lines.append(row + Text(piece, LINK))
    if not beside:
        caption = f"{' '.join(LOOP_LABEL)}: {sheet.label(LOOP_FROM)} → {sheet.label(LOOP_TO)}"
        lines += [Text(line, LINK) for line in fit(caption, width, 2)]
    return lines + _notes(sheet, LADDER_NOTES, width)


# -- shifting the burden --------------------------------------------------------------------------

LOOPS_SIDE_BY_SIDE_FROM = 64  # narrower than this, the side effect goes under the other boxes
LOOP_BOX_LINES = 2
ARROW_GAP = "──+───►"  # quick fix -> side effect, with its sign


def _shifting_the_burden(sheet: _Sheet, width: int) -> list[Text]:
    """The archetype's causal loops: quick fix above the problem symptom (B1), fundamental
    solution below it with a delay (B2), and the quick fix's side effect eroding the
    fundamental solution (R), on the right when there is room."""
    if width >= LOOPS_SIDE_BY_SIDE_FROM:
        lines = _loops_side_by_side(sheet, width)
    else:
        lines = _loops_stacked(sheet, width)
    return lines + _notes(sheet, ["delay", "leverage"], width)


def _loop_box(
    sheet: _Sheet, step_id: str, width: int, min_lines: int = LOOP_BOX_LINES
) -> list[Text]:
    return _step_box(sheet, step_id, width, sheet.lines, min_lines=min_lines)


def _links(sheet: _Sheet, width: int, fundamental: bool) -> list[Text]:
    """Two rows of arrows under the quick fix (B1) or under the symptom (B2, with the delay)."""
    left, right = 3, max(width // 2, 10)
    name = (left + 3 + right) // 2 - 1
    if not fundamental:
        return [
            _place(width, (left, "▲ +", LINK), (name, "B1", LABEL), (right, "│ −", LINK)),
            _place(width, (left, "│", LINK), (right, "▼", LINK)),
        ]
    delay = sheet.style("delay") or LINK
    return [
        _place(
            width,
            (left, "│ +", LINK),
            (name, "B2", LABEL),
            (right, "▲ −", LINK),
            (right + 4, "‖ delay", delay),
        ),
        _place(width, (left, "▼", LINK), (right, "│", LINK)),
    ]


def _loops_side_by_side(sheet: _Sheet, width: int) -> list[Text]:
    gap = len(ARROW_GAP)
    left = (width - gap) * 5 // 9
    right = width - gap - left
    rail = right // 2  # the side effect's link down to the fundamental solution
    space = Text(" " * gap)

    def beside(column: Sequence[Text], *extra: tuple[int, str, str]) -> list[Text]:
        return [row + space + _place(right, (rail, "│", LINK), *extra) for row in column]

    # side by side, so as tall as each other
    pair = (("quick-fix", left), ("side-effect", right))
    tall = max(len(_answer_lines(sheet, step, w - 4, sheet.lines)) for step, w in pair)
    quick = _loop_box(sheet, "quick-fix", left, max(tall, LOOP_BOX_LINES))
    side = _loop_box(sheet, "side-effect", right, max(tall, LOOP_BOX_LINES))
    lines = [
        q + (Text(ARROW_GAP, LINK) if n == 1 else space) + s
        for n, (q, s) in enumerate(zip(quick, side, strict=True))
    ]
    upper = _links(sheet, left, fundamental=False)
    lines += beside(upper[:1], (rail + 2, "−", LINK)) + beside(upper[1:])
    symptom = _loop_box(sheet, "symptom", left)
    lines += (
        beside(symptom[:2]) + beside(symptom[2:3], (rail // 2, "R", LABEL)) + beside(symptom[3:])
    )
    lines += beside(_links(sheet, left, fundamental=True))
    fundamental = _loop_box(sheet, "fundamental", left)
    back = Text("◄" + "─" * (gap - 1), LINK) + _padded(Text("─" * rail + "┘", LINK), right)
    lines += [*beside(fundamental[:1]), fundamental[1] + back, *fundamental[2:]]
    return lines


def _loops_stacked(sheet: _Sheet, width: int) -> list[Text]:
    column = 5
    left = width - column

    def rail(rows: Sequence[Text], piece: str = "  │") -> list[Text]:
        return [row + Text(set_cell_size(piece, column), LINK) for row in rows]

    quick = _loop_box(sheet, "quick-fix", left)
    side = _loop_box(sheet, "side-effect", left)
    side_link = [
        _place(left, (3, "▲ −", LINK), (left // 2, "R", LABEL)),
        _place(left, (3, "│", LINK)),
    ]
    return [
        *rail(quick[:1], ""),
        *rail(quick[1:2], "──┐"),
        *rail(quick[2:3], "  │ +"),
        *rail(quick[3:]),
        *rail(_links(sheet, left, fundamental=False)),
        *rail(_loop_box(sheet, "symptom", left)),
        *rail(_links(sheet, left, fundamental=True)),
        *rail(_loop_box(sheet, "fundamental", left)),
        *rail(side_link),
        *rail(side[:1]),
        *rail(side[1:2], "◄─┘"),
        *rail(side[2:], ""),
    ]


# -- the four player model ------------------------------------------------------------------------

FOUR_PLAYER_AXES = (("Advocacy", ("move", "oppose")), ("Inquiry", ("follow", "bystand")))
# The steps that name an act, each with the mark it puts on that act's cell and on its note.
FOUR_PLAYER_MARKS = {"default-act": "●", "avoided-act": "○", "leverage": "→"}
MIN_CELL_WIDTH, MAX_CELL_WIDTH = 10, 24


def _four_player(sheet: _Sheet, width: int) -> list[Text]:
    """A 2x2 grid of the acts (advocacy: move, oppose; inquiry: follow, bystand) with how often
    each was observed, and marks on the acts the answers name (my default, the one I avoid, the
    one I will bring), explained by those answers beneath."""
    acts = {act.id: act for act in sheet.tool.acts}
    observed = sheet.worksheet.observations
    counts = tally(observed, sheet.tool.acts) if observed else None
    marks: dict[str, str] = {}
    for step_id, mark in FOUR_PLAYER_MARKS.items():
        named = act_named(sheet.answer(step_id), sheet.tool.acts)
        if named is not None:
            marks[named.id] = marks.get(named.id, "") + mark
    rows: list[tuple[str, list[Act]]]
    if all(a in acts for _, ids in FOUR_PLAYER_AXES for a in ids):
        rows = [(axis, [acts[a] for a in ids]) for axis, ids in FOUR_PLAYER_AXES]
    else:  # content with other acts: two to a row, without axes
        listed = list(sheet.tool.acts)
        rows = [("", listed[n : n + 2]) for n in range(0, len(listed), 2)]
    head = max((cell_len(axis) + 2 for axis, _ in rows if axis), default=0)
    if (width - head - 3) // 2 < MIN_CELL_WIDTH:
        head = 0  # the act names matter more than the axes' names
    cell = min(MAX_CELL_WIDTH, (width - head - 3) // 2)
    margin = " " * head

    def border(left: str, middle: str, right: str) -> Text:
        return Text(margin + left + "─" * cell + middle + "─" * cell + right)

    lines = [border("┌", "┬", "┐")] if rows else []
    for number, (axis, row_acts) in enumerate(rows):
        line = Text(set_cell_size(f" {axis}", head), LABEL)
        for act in [*row_acts, None][:2]:
            line += Text("│") + _act_cell(act, counts, marks, cell)
        lines.append(line + Text("│"))
        last = number == len(rows) - 1
        lines.append(border("└", "┴", "┘") if last else border("├", "┼", "┤"))
    if counts is not None:
        lines.append(Text(f"Acts observed: {sum(counts.values())}", PLACEHOLDER))
    shown = [
        s for s in FOUR_PLAYER_MARKS if sheet.has(s) and (sheet.answer(s) or s == sheet.current)
    ]
    current = sheet.tool.step(sheet.current) if sheet.current else None
    if current and current.id not in shown and not current.closing:  # closing: not the meeting
        shown.append(current.id)
    notes = [Text()] if shown else []
    for step_id in shown:
        named = act_named(sheet.answer(step_id), sheet.tool.acts)
        mark = FOUR_PLAYER_MARKS.get(step_id, " ") if named is not None else " "
        for n, line in enumerate(_labelled(sheet, step_id, width - 2, sheet.lines)):
            notes.append(Text(f"{mark} " if n == 0 else "  ") + line)
    return lines + notes


def _act_cell(
    act: Act | None, counts: dict[str, int] | None, marks: dict[str, str], width: int
) -> Text:
    """One cell of the grid, `width` cells wide: the act's name, then on the right its marks and
    its count (when acts were observed)."""
    if act is None:
        return Text(" " * width)
    parts = [marks.get(act.id, "")]
    if counts is not None:
        parts.append(str(counts.get(act.id, 0)))
    right = " ".join(part for part in parts if part)
    name = (fit(act.name, width - cell_len(right) - 3, 1) or [""])[0]
    gap = " " * max(width - 2 - cell_len(name) - cell_len(right), 1)
    return _padded(Text.assemble(" ", (name, LABEL), gap, right, " "), width)


# -- the ladder of social connectedness -----------------------------------------------------------

NOW, WANT = "now", "want"
RUNG_MARK_WIDTH = cell_len(" ◀ now & want")


def _connectedness_ladder(sheet: _Sheet, width: int) -> list[Text]:
    """The tool's rungs, top rung at the top, with "◀ now" and "◀ want" beside the chosen rungs,
    then the other answers."""
    rungs = sheet.tool.rungs
    chosen = {step_id: sheet.chosen(step_id).casefold() for step_id in (NOW, WANT)}
    placed: set[str] = set()
    lines: list[Text] = []
    if rungs:
        ladder = min(max(cell_len(r) for r in rungs) + 4, width - RUNG_MARK_WIDTH)
        lines.append(_rail(ladder, "┌", "─", "┐"))
        for number, rung in enumerate(reversed(rungs)):
            name = (fit(rung, ladder - 4, 1) or [""])[0]
            row = Text("│ ") + _padded(Text(name), ladder - 4) + Text(" │")
            marks = [s for s, answer in chosen.items() if answer and answer == rung.casefold()]
            if marks:
                placed.update(marks)
                row += Text(" ◀ " + " & ".join(marks), LABEL)
                _highlight([row], HIGHLIGHT if sheet.current in marks else "")
            lines.append(row)
            last = number == len(rungs) - 1
            lines.append(_rail(ladder, "└", "─", "┘") if last else _rail(ladder, "├", "─", "┤"))
    # A placed step's rung is on the ladder; its words, if any, go with the other notes. The
    # closing reflection is about the person, not the relationship the ladder pictures.
    others = [
        s.id
        for s in sheet.tool.steps
        if (s.id not in placed or sheet.words(s.id)) and not s.closing
    ]
    return lines + _notes(sheet, others, width)


# -- any other tool -------------------------------------------------------------------------------


def _steps_list(sheet: _Sheet, width: int) -> list[Text]:
    """Each step's title, then its answer indented beneath it."""
    lines: list[Text] = []
    for step in sheet.tool.steps:
        title = [Text(line, LABEL) for line in fit(sheet.title(step.id), width, 2)]
        answer = _answer_lines(sheet, step.id, width - 2, sheet.lines + 1)
        body = [Text("  ") + line for line in answer]
        lines += _highlight([*title, *body], sheet.style(step.id))
    return lines


_RENDERERS: dict[str, Callable[[_Sheet, int], list[Text]]] = {
    "iceberg": _iceberg,
    "ladder-of-inference": _ladder_of_inference,
    "shifting-the-burden": _shifting_the_burden,
    "four-player": _four_player,
    "connectedness-ladder": _connectedness_ladder,
}

"""The contrast test's own arithmetic and its reading of screenshots."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text

from tests.contrast import contrast, text_runs, unreadable


def test_ratios_match_wcag_examples() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # just below AA
    assert contrast("#FFFFFF", "#767676") == pytest.approx(4.54, abs=0.01)  # just above


def _svg(*lines: Text) -> str:
    console = Console(width=20, file=io.StringIO(), record=True, color_system="truecolor")
    for line in lines:
        console.print(line)
    return console.export_svg()


def test_runs_carry_the_colors_of_their_own_cells() -> None:
    line = Text.assemble(("ok", "#FFFFFF on #000000"), " ", ("low", "#777777 on #808080"))
    svg = _svg(Text("│ ──"), line)
    runs = text_runs(svg)
    assert [(r.row, r.column, r.text) for r in runs] == [(1, 0, "ok"), (1, 3, "low")]
    assert runs[0].foreground == "#ffffff" and runs[0].background == "#000000"
    assert [r.text for r in unreadable(svg)] == ["low"]


def test_dim_text_is_measured_as_drawn() -> None:
    [run] = text_runs(_svg(Text("dim", "dim #FFFFFF on #000000")))
    assert run.foreground != "#ffffff" and run.ratio < 21


def test_a_run_must_also_read_in_256_colors() -> None:
    """A dark orange on light grey passes in true color, but the nearest xterm colors (a
    lighter orange, a darker grey) do not."""
    svg = _svg(Text("heading", "#793E00 on #D0D0D0"))
    [run] = text_runs(svg)
    assert run.ratio > 5 and run.ratio_256 < 3.5
    assert unreadable(svg) == [run]

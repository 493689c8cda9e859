"""The app's three themes (Dark, Light, High contrast): every text reads at WCAG AA (4.5:1).

Dark and Light are Textual's own textual-dark and textual-light with the colors that fell
below 4.5:1 changed; tests/ui/test_contrast.py measures every screen in each theme.
"""

from __future__ import annotations

from dataclasses import replace

from rich.terminal_theme import TerminalTheme
from textual.theme import BUILTIN_THEMES, Theme

# Every color below is chosen for 4.5:1 in a true-color terminal and in a 256-color one
# (macOS Terminal, tmux without true color), where Rich sends the nearest xterm color: light
# greys come out darker there, and a dark orange lighter.

# Textual's defaults (60% and 38%) put muted text and placeholders at 2.6:1 to 3.5:1.
READABLE = {"text-muted": "auto 70%", "text-disabled": "auto 60%"}

DARK = replace(
    BUILTIN_THEMES["textual-dark"],
    name="csa-dark",
    # textual-dark's #0178D4 is 3.8:1 under white text (a highlighted row, a button) and
    # 4.1:1 as heading text on the background: darker for the first, and blue text (headings,
    # tags) in textual-dark's own light blue text tint (6.3:1).
    primary="#005090",
    variables=READABLE
    | {"text-primary": "#57A5E2", "text-error": "#F0A0B0"}  # error text was 3.9:1 on a notice
    | {f"markdown-h{n}-color": "#57A5E2" for n in (1, 2, 3)},
)
LIGHT = replace(
    BUILTIN_THEMES["textual-light"],
    name="csa-light",
    # textual-light's orange accent and warning are 1.3:1 to 1.5:1 as text (headings, the
    # star) on its greys, and its blue footer keys 2.9:1: a rust (dark red in 256 colors) and
    # a navy.
    accent="#8A2C00",
    warning="#8A2C00",
    variables=READABLE
    | {"footer-key-foreground": "#002F5A", "text-success": "#1A5028"},  # a check mark was 4.0:1
)
HIGH_CONTRAST = Theme(
    name="csa-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFB000",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    dark=True,
    variables=READABLE | {},
)

# How the diagrams' named colors (cyan arrows, blue water) are drawn in Light: Textual's
# ALABASTER palette, with each color dark enough for 4.5:1 on Light's greys (its cyan was 3.3:1).
ANSI_LIGHT = TerminalTheme(
    (247, 247, 247),
    (0, 0, 0),
    [
        (0, 0, 0),
        (154, 47, 42),
        (40, 94, 22),
        (110, 80, 0),
        (43, 79, 166),
        (111, 53, 144),
        (0, 90, 128),
        (247, 247, 247),
        (85, 85, 85),
    ],
    [
        (240, 80, 80),
        (96, 203, 0),
        (255, 188, 93),
        (0, 122, 204),
        (230, 76, 230),
        (0, 170, 203),
        (247, 247, 247),
    ],
)

THEMES = {"Dark": DARK.name, "Light": LIGHT.name, "High contrast": HIGH_CONTRAST.name}
# Settings saved before the app had its own Dark and Light.
RENAMED = {"textual-dark": DARK.name, "textual-light": LIGHT.name}


def saved_theme(saved: object) -> str:
    """The theme to start with, given the saved setting (any value, possibly an old name)."""
    if isinstance(saved, str):
        name = RENAMED.get(saved, saved)
        if name in THEMES.values():
            return name
    return DARK.name

"""Small wording helpers shared by screens and commands: counts, quoted titles, sentences."""

from __future__ import annotations

import re


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 act', '3 acts', '0 acts'; give `many` where adding an s is wrong ('entries')."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


# Control characters other than line ends and tabs (an escape sequence piped in, imported or
# in a bundle someone shared): kept where they are stored, but shown as U+FFFD, since printed
# as they are they drive the terminal (clear it, color it) and break the layout.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """`text` fit to print: each control character but line ends and tabs as U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


# Characters that reorder the text around them in a terminal that lays out right-to-left
# scripts (embeddings, overrides, isolates): in a name from someone else's file they could
# make the rest of the line read backwards.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def one_line(text: str, limit: int | None = None) -> str:
    """A name or a title fit to print on one line: as `shown`, with right-to-left controls as
    U+FFFD too, and every run of spaces, tabs and line ends made one space; cut to `limit`
    characters, the last of them "…", when it is longer."""
    line = " ".join(_BIDI_CONTROL.sub("\ufffd", shown(text)).split())
    if limit is not None and len(line) > limit:
        return line[: limit - 1].rstrip() + "…"
    return line


def quoted(text: str) -> str:
    """`text` in curly double quotes; double quotes inside it become single ones, so a title
    that quotes another title reads “Reflecting on ‘Late pickups’”, not nested ““…””."""
    inner = text.replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def sentence(text: str) -> str:
    """`text` ending in exactly one stop: a period is added unless it ends in . ? ! or …"""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def raised(text: str) -> str:
    """`text` with its first letter raised (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


def file_part(name: str) -> str:
    """A piece of a file name: letters, digits and dashes only, never empty or hidden."""
    return re.sub(r"[^\w-]+", "-", name).strip("-_")[:60] or "unnamed"

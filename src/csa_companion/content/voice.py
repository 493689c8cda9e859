"""Finds where a text speaks as "I": a team's worksheet must say "we" outside quotations."""

from __future__ import annotations

import re

# A quotation: someone's own words, in straight or curly double quotes (they may say "I").
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
# "I" only as a capital (the word "i" does not occur in prose); the others in any case.
# Apostrophes may be straight or curly: I'm, I’ve, I'd, I'll.
_FIRST_PERSON = re.compile(r"\bI(?:['’](?:m|ve|d|ll))?\b|\b(?:[Mm]e|[Mm]y|[Mm]ine|[Mm]yself)\b")


def first_person_singular(text: str) -> list[str]:
    """The words in `text` that speak as "I" ("I", "me", "my", "I'm", ...), outside any
    double-quoted passage, in order of appearance."""
    return _FIRST_PERSON.findall(_QUOTED.sub(" ", text))

"""Wording helpers: counts, quoted titles, one stop at the end of a sentence."""

from __future__ import annotations

from csa_companion.domain.wording import plural, quoted, sentence


def test_plural() -> None:
    assert plural(1, "act") == "1 act"
    assert plural(0, "act") == "0 acts"
    assert plural(2, "entry", "entries") == "2 entries"
    assert plural(1, "entry", "entries") == "1 entry"


def test_quoted_never_nests_double_quotes() -> None:
    assert quoted("Late pickups") == "“Late pickups”"
    assert quoted("Reflecting on “Late pickups”") == "“Reflecting on ‘Late pickups’”"


def test_sentence_ends_with_one_stop() -> None:
    assert sentence("Leverage: what will I try?") == "Leverage: what will I try?"
    assert sentence("Saved") == "Saved."
    assert sentence("Done.") == "Done."

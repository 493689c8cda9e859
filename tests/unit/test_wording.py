"""Wording helpers: counts, quoted titles, one stop at the end of a sentence."""

from __future__ import annotations

from csa_companion.domain.wording import one_line, plural, quoted, sentence


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


def test_one_line_keeps_a_name_on_one_line_and_out_of_the_terminals_control() -> None:
    assert one_line("  Ana\n  Ruiz\t") == "Ana Ruiz"
    assert one_line("Eve\x1b[2J") == "Eve\ufffd[2J"
    assert one_line("a\u202eb\u2067c") == "a\ufffdb\ufffdc"


def test_one_line_cuts_to_a_limit_with_an_ellipsis() -> None:
    assert one_line("Late pickups", 20) == "Late pickups"
    assert one_line("Late pickups at the north site", 12) == "Late pickup…"
    assert len(one_line("x" * 5000, 100)) == 100

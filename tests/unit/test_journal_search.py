"""Journal search: every word must occur somewhere in title, text or tags; tags narrow too."""

from __future__ import annotations

from datetime import timedelta

from csa_companion.domain.journal import JournalEntry, filter_entries
from tests.conftest import START


def entry(n: int, body: str, title: str = "", tags: tuple[str, ...] = ()) -> JournalEntry:
    return JournalEntry.new(body, START + timedelta(minutes=n), title=title, tags=tags)


ENTRIES = [
    entry(0, "We mapped the ICEBERG with the team.", "Staff huddle", ("mapping",)),
    entry(1, "Trust grows when promises are kept.", "Friday", ("iceberg", "trust")),
    entry(2, "Nothing to do with the others.", "Quiet day"),
    entry(3, "Une journée très calme, café à la main.", "Été"),
]


def bodies(found: list[JournalEntry]) -> list[str]:
    return [e.body[:12] for e in found]


def test_every_word_must_match_in_any_field_any_case_any_order() -> None:
    assert bodies(filter_entries(ENTRIES, "iceberg")) == ["We mapped th", "Trust grows "]
    assert bodies(filter_entries(ENTRIES, "trust ICEBERG")) == ["Trust grows "]
    assert bodies(filter_entries(ENTRIES, "huddle team")) == ["We mapped th"]
    assert bodies(filter_entries(ENTRIES, "été CAFÉ")) == ["Une journée "]
    assert filter_entries(ENTRIES, "iceberg absent") == []


def test_tag_filter_alone_and_with_words() -> None:
    assert bodies(filter_entries(ENTRIES, tag="iceberg")) == ["Trust grows "]
    assert filter_entries(ENTRIES, "team", tag="iceberg") == []
    assert bodies(filter_entries(ENTRIES, "  ", tag="mapping")) == ["We mapped th"]


def test_no_query_keeps_everything_in_the_given_order_as_a_new_list() -> None:
    found = filter_entries(ENTRIES, "   ")
    assert found == ENTRIES and found is not ENTRIES


def test_searching_earlier_results_gives_the_same_as_searching_everything() -> None:
    """The journal screen narrows from the last results while the query grows."""
    query = ""
    shown = ENTRIES
    for char in "iceberg trust":
        query += char
        shown = filter_entries(shown, query)
        assert shown == filter_entries(ENTRIES, query)


def test_accents_do_not_matter() -> None:
    assert bodies(filter_entries(ENTRIES, "cafe")) == ["Une journée "]
    assert bodies(filter_entries(ENTRIES, "ete journee")) == ["Une journée "]
    assert bodies(filter_entries(ENTRIES, "CAFÉ")) == ["Une journée "]


def test_a_tag_is_found_as_it_is_shown() -> None:
    assert bodies(filter_entries(ENTRIES, "#iceberg")) == ["Trust grows "]  # not the body's word
    assert bodies(filter_entries(ENTRIES, "#trust kept")) == ["Trust grows "]

"""Journal search: every word must occur somewhere in title, text or tags; tags narrow too."""

from __future__ import annotations

from datetime import timedelta

from csa_companion.domain.journal import JournalEntry, LiveSearch, filter_entries
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


def test_live_search_gives_what_filtering_everything_gives_at_every_keystroke() -> None:
    """The journal screen's search narrows from the last results, looking for a grown word
    from where the shorter one was found: typing, deleting, words and tags in any order."""
    entries = [
        *ENTRIES,
        entry(4, "ice ice baby, iceberg later; trust me", "Ice", ("trust",)),
        entry(5, "the second trust, then iceberg", "", ("mapping", "iceberg")),
        entry(6, "cafe\u0301 written apart, CAFÉ together", "Café"),
    ]
    search = LiveSearch(entries)
    steps: list[tuple[str, str | None]] = []
    for text in ("iceberg trust", "ice  berg", "#iceberg kept", "café", "cafe\u0301 wr"):
        steps += [(text[:n], None) for n in range(len(text) + 1)]  # typed
        steps += [(text[:n], None) for n in range(len(text), -1, -1)]  # deleted
    steps += [("ice", None), ("ice", "trust"), ("iceb", "trust"), ("iceb", None), ("i", "mapping")]
    steps += [("trust iceberg", None), ("trust ice", None), ("trust iceberg", None), ("", None)]
    for query, tag in steps:
        assert search(query, tag) == filter_entries(entries, query, tag), (query, tag)


def test_a_grown_word_found_later_than_the_shorter_one_still_counts() -> None:
    first, later = entry(0, "ice cold, then an iceberg"), entry(1, "no match here at all")
    search = LiveSearch([first, later])
    assert search("ice") == [first]
    assert search("iceb") == [first]  # "ice" was found at 0, "iceb" only further on
    assert search("icebz") == []
    assert search("iceb") == [first]


def test_a_search_in_steps_finds_the_first_matches_first_and_then_the_rest() -> None:
    """The journal screen shows the first screenful at once and the rest as it is found:
    what is found so far is always the first of the whole result, in the entries' order."""
    words = ("iceberg", "trust", "circle", "quiet")
    entries = [entry(n, f"{words[n % 4]} {words[n % 3]} day {n}") for n in range(40)]
    search = LiveSearch(entries)
    search.start("ice")
    assert search.found == [] and not search.done
    search.step(7)
    assert search.found == filter_entries(entries[:7], "ice") and not search.done
    for _ in range(5):
        search.step(7)
    assert search.done and search.found == filter_entries(entries, "ice")
    search.step(7)  # a step after the end changes nothing
    assert search.found == filter_entries(entries, "ice")
    search.start("")  # no words: every entry, at once
    assert search.done and search.found == entries


def test_a_query_started_before_the_last_was_done_gives_what_filtering_everything_gives() -> None:
    """Typing faster than the search: a grown query narrows what was found so far and looks
    at the rest afresh; a changed one starts over. Every order of keys and steps ends with
    what filtering every entry gives."""
    words = ("iceberg", "trust", "circle", "quiet", "ice", "cafe\u0301")
    entries = [
        entry(n, f"{words[n % 6]} {words[n % 4]} {words[n % 5]}", tags=(words[n % 3],))
        for n in range(60)
    ]
    for steps in (0, 1, 5, 13, 59, 100):
        search = LiveSearch(entries)
        for text in ("iceberg trust", "ice  berg", "circle ice", "café q", "quiet"):
            for tag in (None, "trust"):
                for n in range(len(text) + 1):  # typed, with `steps` entries looked at a key
                    search.start(text[:n], tag)
                    search.step(steps) if steps else None
                    so_far = search.found
                    whole = filter_entries(entries, text[:n], tag)
                    assert so_far == whole[: len(so_far)], (steps, text[:n], tag)
                while not search.done:
                    search.step(max(steps, 1))
                assert search.found == filter_entries(entries, text, tag), (steps, text, tag)


def test_typographic_quotes_and_dashes_are_searched_as_the_keyboards() -> None:
    """Text pasted from a word processor or typed on a phone holds curly quotes and long
    dashes; the search box gets the keyboard's. Either finds the other, and such a text is
    kept in a byte a character, as plain ASCII is (one curly quote made the whole entry's
    search text two bytes a character)."""
    curly = entry(
        0, "I don\u2019t know \u201cwhy\u201d \u2014 self\u2013care matters.", "Don\u2019t"
    )
    plain = entry(1, 'We don\'t rush. "Why" - self-care again.', "Plain")
    both = [curly, plain]
    assert filter_entries(both, "don't") == both
    assert filter_entries(both, "DON\u2019T") == both
    assert filter_entries(both, '"why"') == both
    assert filter_entries(both, "self-care") == both
    assert filter_entries(both, "self\u2014care") == both
    assert LiveSearch(both)("don't self-care") == both
    assert curly.search_text.isascii()
    assert filter_entries([entry(2, "caf\u00e9 \U0001f600")], "\U0001f600")  # emoji still found

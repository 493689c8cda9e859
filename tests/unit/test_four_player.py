"""Four Player observer mode: tallies, the stuck patterns they suggest, the recent sequence."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from csa_companion.content.loader import load_library
from csa_companion.content.model import Act, Tool
from csa_companion.domain.four_player import (
    MIN_OBSERVATIONS,
    NOT_DETECTABLE,
    NOT_DETECTABLE_NOTE,
    PATTERNS,
    act_named,
    detect_patterns,
    sequence_text,
    tally,
)
from csa_companion.domain.worksheet import Observation
from csa_companion.paths import bundled_content_dir

START = datetime(2026, 3, 2, 15, 0)
LETTERS = {"M": "move", "F": "follow", "O": "oppose", "B": "bystand"}


def four_player_acts() -> tuple[Act, ...]:
    tool = load_library([bundled_content_dir()]).get("four-player-model")
    assert isinstance(tool, Tool)
    return tool.acts


ACTS = four_player_acts()


def seen(letters: str, names: str = "") -> list[Observation]:
    """Observations from letters ("MFOB"), with optional names one letter per act ("AR.")."""
    padded = names.ljust(len(letters), ".")
    return [
        Observation(
            LETTERS[letter],
            START + timedelta(seconds=10 * n),
            name={"A": "Ana", "R": "Raj", "K": "Kim"}.get(padded[n], ""),
        )
        for n, letter in enumerate(letters)
    ]


def pattern_ids(letters: str, names: str = "") -> set[str]:
    return {p.id for p in detect_patterns(seen(letters, names), ACTS)}


def test_tally_has_every_act_even_when_never_seen() -> None:
    assert tally([], ACTS) == {"move": 0, "follow": 0, "oppose": 0, "bystand": 0}


def test_tally_counts_each_act_and_ignores_unknown_ones() -> None:
    observations = [*seen("MMFOMB"), Observation("shrug", START)]
    assert tally(observations, ACTS) == {"move": 3, "follow": 1, "oppose": 1, "bystand": 1}


@pytest.mark.parametrize("letters", ["", "M", "MMMMM", "MFFFF", "MOMOM"])
def test_no_patterns_before_enough_acts(letters: str) -> None:
    assert len(letters) < MIN_OBSERVATIONS
    assert detect_patterns(seen(letters), ACTS) == []


def test_unknown_acts_do_not_count_towards_the_minimum() -> None:
    observations = [*seen("MMMMM"), Observation("shrug", START)]
    assert detect_patterns(observations, ACTS) == []


@pytest.mark.parametrize(
    ("letters", "names", "expected"),
    [
        # serial moving: many moves, (almost) nothing taken up
        ("MMMMMB", "", {"serial-moving"}),
        ("MMMFMB", "", {"serial-moving"}),
        ("MMMFFB", "", {"courteous-compliance"}),  # 3 moves, 2 follows: ideas are taken up
        # courteous compliance: moves agreed to, nobody opposes
        ("MFFBFB", "", {"courteous-compliance"}),
        ("MFFBFO", "", set()),  # one oppose is enough to break it
        ("MFBBBB", "", set()),  # one follow is not yet compliance
        # point-counterpoint: the last six acts traded between two people
        ("FBFBMOMOMO", "....ARARAR", {"point-counterpoint"}),
        ("FBFBMOMOMO", "....ARKRAR", set()),  # three people: a discussion, not a duel
        ("FBFBMOMOMF", "....ARARAR", set()),  # a follow broke the exchange
        # point-counterpoint over the whole meeting: 80% advocacy with opposes
        ("MOOMOOFOOB", "", {"point-counterpoint"}),
        ("MOFOFMBMOB", "", set()),
        # nobody bystanding after ten acts
        ("MFOFMFOFMF", "", {"no-bystanding"}),
        ("MFOFMFOFM", "", set()),  # nine acts: too early to say
        ("MMMMMMMMMM", "", {"serial-moving", "no-bystanding"}),
    ],
)
def test_detects_patterns(letters: str, names: str, expected: set[str]) -> None:
    assert pattern_ids(letters, names) == expected


def test_patterns_come_in_a_fixed_order() -> None:
    found = detect_patterns(seen("MOMOMOMOMO", "ARARARARAR"), ACTS)
    assert [p.id for p in found] == ["serial-moving", "point-counterpoint", "no-bystanding"]


def test_unnamed_exchange_counts_as_point_counterpoint() -> None:
    assert "point-counterpoint" in pattern_ids("FBFBMOMOMO")


def test_patterns_are_explained_briefly_in_plain_words() -> None:
    assert len({p.id for p in PATTERNS}) == len(PATTERNS)
    for pattern in PATTERNS:
        assert pattern.name and pattern.explanation and pattern.suggestion
        assert len(pattern.explanation) < 160 and len(pattern.suggestion) < 200


def test_not_detectable_patterns_are_named_for_the_ui() -> None:
    assert NOT_DETECTABLE == ("covert opposition", "disabled bystander")
    assert all(name in NOT_DETECTABLE_NOTE.lower() for name in NOT_DETECTABLE)


def test_sequence_text_names_acts_and_people() -> None:
    assert sequence_text(seen("MFO", "A.R"), ACTS) == "Move (Ana) → Follow → Oppose (Raj)"


def test_sequence_text_shows_only_the_latest_acts() -> None:
    assert sequence_text(seen("MFOB"), ACTS, limit=2) == "… → Oppose → Bystand"
    assert sequence_text(seen("MF"), ACTS, limit=2) == "Move → Follow"


def test_sequence_text_of_nothing_is_empty() -> None:
    assert sequence_text([], ACTS) == ""
    assert sequence_text(seen("MF"), ACTS, limit=0) == "…"


def test_sequence_text_keeps_unknown_acts_by_id() -> None:
    observation = Observation("shrug", START, name="  Kim ")
    assert sequence_text([observation], ACTS) == "shrug (Kim)"


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Under pressure I move: I put a plan on the table", "move"),
        ("I rarely oppose my director, even when I follow along", "oppose"),
        ("At Monday's huddle I will bystand before we decide", "bystand"),
        ("Nobody opposed or bystood", "oppose"),
        ("Bystood, mostly.", "bystand"),
        ("MOVING things along", "move"),
        ("I'm a follower", "follow"),
        ("I remove obstacles", None),
        ("", None),
    ],
)
def test_act_named_finds_the_first_act_a_text_names(text: str, act: str | None) -> None:
    found = act_named(text, ACTS)
    assert (found.id if found else None) == act

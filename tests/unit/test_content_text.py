"""The teaching text itself: written in our own words, and in American spelling throughout."""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from csa_companion.paths import bundled_content_dir
from tests.source_overlap import HASHES, digest, load_hashes, shared_runs, windows

SRC = Path(__file__).parent.parent.parent / "src" / "csa_companion"
CONTENT_FILES = sorted(bundled_content_dir().rglob("*.md"))

# British spellings (any ending: "behaviours", "organisational", "recognised" ...) and the
# American form to use. Word starts only, so names such as `color=` in Textual stay fine.
BRITISH = {
    r"behaviour": "behavior",
    r"colour": "color",
    r"favour": "favor",
    r"honour": "honor",
    r"labour": "labor",
    r"neighbour": "neighbor",
    r"humour": "humor",
    r"organis(?:e|ed|es|ing|ation|ational|ations|er|ers)\b": "organiz-",
    r"recognis": "recogniz-",
    r"realis(?:e|ed|es|ing|ation)\b": "realiz-",
    r"analys(?:e|ed|es|ing)\b": "analyz-",
    r"summaris": "summariz-",
    r"prioritis": "prioritiz-",
    r"emphasis(?:e|ed|es|ing)\b": "emphasiz-",
    r"apologis": "apologiz-",
    r"customis": "customiz-",
    r"normalis": "normaliz-",
    r"serialis": "serializ-",
    r"visualis": "visualiz-",
    r"criticis(?:e|ed|es|ing)\b": "criticiz-",
    r"minimis": "minimiz-",
    r"practis": "practice (verb and noun)",
    r"centre": "center",
    r"programme": "program",
    r"judgement": "judgment",
    r"licence": "license",
    r"defence": "defense",
    r"offence": "offense",
    r"catalogue": "catalog",
    r"travell": "travel-",
    r"modell": "model-",
    r"labell": "label-",
    r"counsell": "counsel-",
    r"cancell(?:ed|ing)\b": "cancel-",
    r"fulfil\b": "fulfill",
    r"enrol\b": "enroll",
    r"enrolment": "enrollment",
    r"learnt\b": "learned",
    r"spelt\b": "spelled",
    r"whilst\b": "while",
    r"amongst\b": "among",
    r"towards\b": "toward",
    r"artefact": "artifact",
    r"grey\b": "gray",
    r"ageing\b": "aging",
    r"sceptic": "skeptic",
    r"paediatric": "pediatric",
}
_BRITISH = re.compile(r"\b(?:" + "|".join(BRITISH) + ")", re.IGNORECASE)


def british_words(text: str) -> list[str]:
    return [m.group(0) for m in _BRITISH.finditer(text)]


def content_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for the body and every text value in the front matter of a content file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    close = next(n for n in range(1, len(lines)) if lines[n].strip() == "+++")
    yield "body", "\n".join(lines[close + 1 :])

    def walk(value: object, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, f"{where}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{where}.{key}" if where else key)

    yield from walk(tomllib.loads("\n".join(lines[1:close])), "")


def ui_strings(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal and comment in a Python file: the words users
    and readers see, not the names of things."""
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.STRING, tokenize.COMMENT):
            yield token.start[0], token.string


# -- in our own words -----------------------------------------------------------------------------


def test_the_fixture_holds_hashes_only() -> None:
    lines = HASHES.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 5000
    assert all(re.fullmatch(r"[0-9a-f]{16}", line) for line in lines)


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_content_shares_no_8_word_run_with_the_sources(path: Path) -> None:
    hashes = load_hashes()
    shared = {
        where: runs for where, text in content_texts(path) if (runs := shared_runs(text, hashes))
    }
    assert shared == {}, "write these in your own words, or quote and attribute them"


def _hashes_of(text: str) -> set[str]:
    return {digest(w) for w in windows(text)}


SOURCE = "Our habitual way of showing up can get in our way, she said."


def test_near_copies_are_caught() -> None:
    hashes = _hashes_of(SOURCE)
    assert shared_runs("OUR HABITUAL WAY -- of showing up, can get in our way!", hashes)
    assert shared_runs("Don’t forget: our habitual way of showing up can get in", hashes)
    assert not shared_runs("Our usual way of showing up can trip us up.", hashes)


def test_marked_quotations_are_allowed_and_unmarked_ones_are_not() -> None:
    hashes = _hashes_of(SOURCE)
    quoted = '"our habitual way of showing up can get in our way"'
    assert not shared_runs(f"As one practitioner put it, {quoted}.", hashes)
    assert not shared_runs(f"One coach says {quoted}, and we agree.", hashes)
    assert shared_runs(f"Remember that {quoted}.", hashes)  # quoted, but whose words?
    assert shared_runs(f"He said so.\n\nRemember that {quoted}.", hashes)  # another paragraph


# -- American spelling ----------------------------------------------------------------------------


def test_the_spelling_check_finds_british_forms_only() -> None:
    found = british_words("Behaviours, organisational colour; she practised at the centre.")
    assert found == ["Behaviour", "organisational", "colour", "practis", "centre"]
    american = "behavior organization judgment color practice center program toward analyze"
    assert british_words(american + " textual color= $accent rise exercise wise") == []


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_content_uses_american_spelling(path: Path) -> None:
    assert british_words(path.read_text(encoding="utf-8")) == []


def test_app_strings_use_american_spelling() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}: {word}"
        for path in sorted(SRC.rglob("*.py"))
        for line, text in ui_strings(path)
        for word in british_words(text)
    ]
    assert found == []

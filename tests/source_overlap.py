"""Finds 8-word runs that content files share with the documents the project was written from.

The research brief and the program documents (../shared/docs) must not be copied into the
teaching text. The project keeps no copy of them: only a hash of each normalized 8-word window
(tests/data/source-ngrams.txt), which this module also makes:

    .venv/bin/python -m tests.source_overlap [SHARED_DIR]    # default: ../shared

Normalizing (lowercase, every run of characters that are not letters or digits becomes one
space, apostrophes dropped so "don't" is "dont") means a near-copy that only changes case,
punctuation or quotes is still caught.

A marked quotation is allowed: text in quotation marks inside a paragraph that says whose words
they are (see ATTRIBUTION). It is left out before the windows are compared.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

WINDOW = 8
HASHES = Path(__file__).parent / "data" / "source-ngrams.txt"
SOURCES = ("docs/csa-content-brief.md", "docs/seeds/*.txt")

_APOSTROPHES = re.compile(r"['’‘]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”]*”")
# Words that say whose words a quotation is ("Boell describes...", "as one coach put it").
ATTRIBUTION = re.compile(
    r"\b(?:says?|said|puts? it|wrote|writes|describes?|described|in the words of|according to)\b"
    r"|—\s*[A-Z]",
)


def words(text: str) -> list[str]:
    """The normalized words of `text`: lowercase letters and digits only."""
    text = _APOSTROPHES.sub("", text.lower())
    return [w for w in _NOT_WORD.sub(" ", text).split() if w]


def windows(text: str) -> Iterator[str]:
    """Every run of WINDOW consecutive normalized words, joined by single spaces."""
    found = words(text)
    for start in range(len(found) - WINDOW + 1):
        yield " ".join(found[start : start + WINDOW])


def digest(window: str) -> str:
    """A short, stable hash of one window (64 bits: collisions are negligible here)."""
    return hashlib.sha256(window.encode("utf-8")).hexdigest()[:16]


def without_marked_quotations(text: str) -> str:
    """`text` with each quotation removed from paragraphs that attribute it to someone.

    The quotation is replaced by a paragraph break so the words around it do not join into
    a window that exists in neither."""
    paragraphs = re.split(r"\n\s*\n", text)
    kept = []
    for paragraph in paragraphs:
        if ATTRIBUTION.search(_QUOTED.sub(" ", paragraph)):
            paragraph = _QUOTED.sub("\n\n", paragraph)
        kept.append(paragraph)
    return "\n\n".join(kept)


def shared_runs(text: str, hashes: set[str]) -> list[str]:
    """The 8-word windows of `text` (marked quotations left out) whose hash is in `hashes`."""
    runs: list[str] = []
    for paragraph in re.split(r"\n\s*\n", without_marked_quotations(text)):
        runs.extend(w for w in windows(paragraph) if digest(w) in hashes)
    return runs


def load_hashes(path: Path = HASHES) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def source_files(shared: Path) -> list[Path]:
    files = sorted(f for pattern in SOURCES for f in shared.glob(pattern))
    if not files:
        raise SystemExit(f"no source documents under {shared}: pass the shared folder")
    return files


def make_hashes(files: Iterable[Path]) -> list[str]:
    """The sorted hashes of every window in `files` (each file read as one run of words)."""
    return sorted({digest(w) for f in files for w in windows(f.read_text(encoding="utf-8"))})


def main(argv: list[str]) -> int:
    repo = Path(__file__).resolve().parent.parent
    # ../shared beside the main checkout; a worktree sits one level deeper
    guesses = [repo.parent / "shared", repo.parent.parent / "shared"]
    shared = Path(argv[0]) if argv else next((g for g in guesses if g.is_dir()), guesses[0])
    hashes = make_hashes(source_files(shared))
    HASHES.write_text("\n".join(hashes) + "\n", encoding="utf-8")
    print(f"wrote {len(hashes)} hashes to {HASHES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Property-based round trips of export and import (hypothesis), with bounded example counts.

Arbitrary Unicode (every category but lone surrogates, which no UTF-8 file can hold), control
characters, very long text (a 1 MB entry), odd tags and arbitrary JSON settings must come back
exactly; a second import must add nothing; a cut-off or altered file must be refused with a
TransferError, never another exception, and never read as something else.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import DataPaths
from csa_companion.storage.store import Stores
from csa_companion.transfer.bundles import parse_bundle
from csa_companion.transfer.records import (
    TransferError,
    export_bytes,
    import_contents,
    parse_export,
)
from tests.transfer_data import everything

NOW = datetime(2027, 1, 1, 12, tzinfo=UTC)
EXAMPLES = 30  # per property: enough to find shape bugs, few enough to keep the suite fast
PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)  # no slow "explain"
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the working tree
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=5, minutes=45))]
)
moments = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=zones
)
entries = st.builds(
    JournalEntry,
    body=text,
    created=moments,
    updated=moments,
    title=text,
    tags=st.lists(text, max_size=5).map(tuple),
    starred=st.booleans(),
    worksheet_uid=st.none() | text,
    uid=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
sheets = st.builds(
    Worksheet,
    tool_id=st.sampled_from(["iceberg", "ladder-of-inference", "unknown-tool"]),
    title=text,
    created=moments,
    updated=moments,
    answers=st.dictionaries(text, text, max_size=5),
    uid=st.uuids().map(lambda u: u.hex[:12]),
)


@contextmanager
def stores_in_temp() -> Iterator[tuple[Stores, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        yield Stores(DataPaths(Path(folder))), Path(folder)


def _unique(docs: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return list({doc[key]: doc for doc in docs}.values())


def _fill(
    stores: Stores, journal: list[JournalEntry], worksheets: list[Worksheet], prefs: dict[str, Any]
) -> None:
    with stores["journal"].transaction():
        stores["journal"].table("journal").insert_multiple(
            _unique([e.to_doc() for e in journal], "uid")
        )
    with stores["worksheets"].transaction():
        stores["worksheets"].table("worksheets").insert_multiple(
            _unique([w.to_doc() for w in worksheets], "uid")
        )
    with stores["settings"].transaction():
        stores["settings"].table("settings").insert_multiple(
            {"key": k, "value": v} for k, v in prefs.items()
        )


@SETTINGS
@given(
    journal=st.lists(entries, max_size=8),
    worksheets=st.lists(sheets, max_size=3),
    # a setting's key is never empty (the store sets such a document aside)
    prefs=st.dictionaries(text.filter(bool), json_values, max_size=4),
)
@example(
    journal=[
        JournalEntry(
            "é" * 350_000 + "\x00\x1b[31m\u2028\ufeff" + "𝄞" * 100_000,  # 1.1 MB in UTF-8
            NOW,
            NOW,
            "\x07 tab\t",
            ("", " ", "#", "a,b", "😀", "x" * 500),
            uid="big",
        )
    ],
    worksheets=[],
    prefs={"\x00": {"nested": [1.5, -0.0, None, "\u0085"]}},
)
def test_export_then_import_gives_back_exactly_what_was_there(
    journal: list[JournalEntry], worksheets: list[Worksheet], prefs: dict[str, Any]
) -> None:
    with stores_in_temp() as (source, source_dir), stores_in_temp() as (target, target_dir):
        _fill(source, journal, worksheets, prefs)
        raw = export_bytes(source, NOW)
        found = parse_export(raw, "export.json")
        import_contents(target, found)
        assert everything(target_dir) == everything(source_dir)
        again = import_contents(target, parse_export(raw, "export.json"))
        assert not again.changed and again.added == 0
        # ... and into the store it came from: nothing changes
        assert not import_contents(source, found).changed


@pytest.fixture(scope="module")
def sample_export() -> bytes:
    with stores_in_temp() as (stores, _):
        now = NOW
        _fill(
            stores,
            [
                JournalEntry(f"body {n} ☕", now, now, f"t{n}", ("a",), uid=f"u{n}")
                for n in range(5)
            ],
            [],
            {"theme": "light"},
        )
        return export_bytes(stores, NOW)


@settings(max_examples=60, deadline=None, database=None, phases=PHASES)
@given(data=st.data())
def test_a_cut_off_or_altered_export_is_refused_or_reads_the_same(
    sample_export: bytes, data: st.DataObject
) -> None:
    raw = sample_export
    original = parse_export(raw, "x")
    # (cutting only the final newline leaves the whole file: that one is read, rightly)
    cut = data.draw(st.integers(0, len(raw.rstrip()) - 1), label="cut at")
    with pytest.raises(TransferError):
        parse_export(raw[:cut], "x")
    position = data.draw(st.integers(0, len(raw) - 1), label="byte changed")
    value = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="to")
    altered = raw[:position] + bytes([value]) + raw[position + 1 :]
    try:
        found = parse_export(altered, "x")
    except TransferError:
        return
    assert found == original  # only layout changed (a space for a tab, say)


@settings(max_examples=30, deadline=None, database=None, phases=PHASES)
@given(cut=st.integers(0, 10_000))
def test_a_cut_off_bundle_is_refused(cut: int) -> None:
    from csa_companion.domain.sharing import entry_item
    from csa_companion.transfer.bundles import bundle_bytes

    items = [entry_item(JournalEntry("é" * 50, NOW, NOW, "t", uid=f"u{n}")) for n in range(3)]
    raw = bundle_bytes(items, "Sam", NOW)
    with pytest.raises(TransferError):
        parse_bundle(raw[: cut % len(raw.rstrip())], "bundle.json")
    assert orjson.loads(raw)["count"] == 3


def test_every_cut_of_an_export_is_refused(sample_export: bytes) -> None:
    """Not a sample: every length short of the whole file (whatever a copy was cut at)."""
    raw = sample_export.rstrip()
    for cut in range(len(raw)):
        with pytest.raises(TransferError):
            parse_export(raw[:cut], "x")

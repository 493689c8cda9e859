"""The cohort report: many participants' pre/post survey answers, put together for an assessor.

Answers come in as the bytes of files (the CSV `survey export` writes, or a whole JSON export of
the app); `Answers` reads them row by row, keeps the latest of duplicate answers and names every
malformed row with its file and line. `cohort_report` turns them into `Cell`s: for each statement
and each session, and over all sessions, the participants with both ratings (paired n), the mean
before and after, the mean change, how many rose, stayed and fell, and Cohen's d_z (mean change
divided by the standard deviation of the changes). A cell with fewer than `min_n` participants
keeps its numbers to itself. `domain.cohort_render` writes a `CohortReport` out.

Plain Python: no Textual, no files opened here (the caller reads them).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson

from csa_companion.domain.survey import HIGH, LOW, POST, PRE, SUBMITTED, TOOL_PREFIX, unsafe_cell
from csa_companion.domain.wording import plural, shown

if TYPE_CHECKING:
    from csa_companion.content.library import Library

MIN_N = 3
EXPORT_FORMAT = "csa-companion-export"  # transfer.records.FORMAT (domain imports no transfer)
EXPORT_VERSION = 1
SEALED_FORMAT = "csa-companion-encrypted"
STORE_FORMAT = "csa-companion"  # a store file's header line (storage.fileformat)
PARTICIPANT_SETTING = "participant_code"  # domain.survey.PARTICIPANT
REQUIRED = ("participant", "session", "when", "item", "rating")
MAX_CODE = 100  # characters in a participant code or a statement id
MAX_SESSION = 99
MAX_STATEMENTS = 500  # different statement ids (a survey has about 15; a hostile file, millions)
MAX_COMMENT = 2_000  # characters of a comment kept (the rest is cut, with an ellipsis)
PROBLEMS_KEPT = 1_000  # malformed rows named in memory; the rest are only counted
PROBLEMS_SHOWN = 50  # ... and in a report
WHEN = {"pre": PRE, "post": POST, "before": PRE, "after": POST}
RATINGS = {str(n): n for n in range(LOW, HIGH + 1)}
SESSIONS = {str(n): n for n in range(MAX_SESSION + 1)}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date as a spreadsheet saves it after opening an export: 1/19/2027 (month first, as in the
# US), 19/01/2027 (the day first, read so where the first number cannot be a month),
# 19.01.2027; a time after it is ignored. The date only orders duplicates.
_SAVED_DAY = re.compile(
    r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?"
)
ALL = "all"

Key = tuple[str, int, str, str]  # participant, session, pre/post, item
# rating, day (YYYY-MM-DD or ""), exact time (POSIX seconds) or None, reading order, comment
Value = tuple[int, str, float | None, int, str]


class CohortError(ValueError):
    """A file that cannot be read as survey answers at all; the message says why."""


# -- reading ------------------------------------------------------------------------------------


@dataclass
class Answers:
    """Survey answers gathered from many files, one per participant, session, pre/post and
    statement: the latest of duplicates counts (the later date; on the same day, or without
    dates, the one read last)."""

    ratings: dict[Key, Value] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    malformed: int = 0  # rows left out, named (up to PROBLEMS_KEPT) in `problems`
    skipped: list[str] = field(default_factory=list)  # whole files left out, and why
    notices: list[str] = field(default_factory=list)  # files read, with something to say
    duplicates: int = 0  # answers given again with a different rating or comment
    copies: int = 0  # ... with the very same rating and comment (a file read twice)
    rows: int = 0  # answers read (duplicates included)
    blank: int = 0  # rows without a rating (nothing to count)
    drafts: int = 0  # surveys in exports that were never submitted
    files: int = 0  # files that gave at least one answer
    _order: int = 0
    _names: dict[str, str] = field(default_factory=dict)
    _statements: set[str] = field(default_factory=set)

    def read(self, raw: bytes, source: str) -> None:
        """Read one file's bytes: a CSV of survey answers or a JSON export, told apart by
        their contents. A file that is neither is listed in `skipped`."""
        try:
            before = self.rows
            if is_json(raw):
                self.read_export(_load_json(raw, source), source)
            else:
                self.read_csv(decode(raw, source, self.notices), source)
            if self.rows > before:
                self.files += 1
        except CohortError as error:
            self.skipped.append(str(error))

    def read_csv(self, text: str, source: str) -> None:
        """Rows of CSV with a header naming at least participant, session, when, item and
        rating (comment and date are optional), as `survey export` writes them; also with
        semicolons or tabs between cells (as spreadsheets save CSV in some countries)."""
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise CohortError(f"{source}: not CSV ({error}); left out") from None
        if header is None:
            raise CohortError(f"{source} is empty; left out")
        columns = [cell.strip().lower() for cell in header]
        if not all(name in columns for name in REQUIRED):
            raise CohortError(
                f"{source}: not survey answers (its first line does not name the columns "
                f"{', '.join(REQUIRED)}); left out"
            )
        at = [columns.index(name) for name in REQUIRED]
        comment_at = columns.index("comment") if "comment" in columns else None
        date_at = columns.index("date") if "date" in columns else None
        width = max(at + [i for i in (comment_at, date_at) if i is not None]) + 1
        at_participant, at_session, at_when, at_item, at_rating = at
        names, statements = self._names, self._statements
        days: dict[str, tuple[str, float | None] | None] = {}
        ratings = self.ratings
        end = reader.line_num  # the line the row before ended on (a quoted cell may span lines)
        while True:
            try:
                for cells in reader:
                    line, end = end + 1, reader.line_num
                    if len(cells) < width:
                        if cells and (len(cells) > 1 or cells[0].strip()):  # not an empty line
                            self.problem(
                                source,
                                line,
                                f"has {plural(len(cells), 'cell')} where {width} are needed",
                            )
                        continue
                    participant, item = cells[at_participant].strip(), cells[at_item].strip()
                    session, when, rating = cells[at_session], cells[at_when], cells[at_rating]
                    comment = cells[comment_at] if comment_at is not None else ""
                    if participant[:1] == "'" or item[:1] == "'" or comment[:1] == "'":
                        # `survey export` keeps formulas from spreadsheets: read as written
                        participant, item = unsafe_cell(participant), unsafe_cell(item)
                        comment = unsafe_cell(comment)
                    day = cells[date_at] if date_at is not None else ""
                    # The common case is checked and kept inline: 240,000 rows take about half
                    # the time they take through `answer` and `keep`.
                    number, pre_post = SESSIONS.get(session), WHEN.get(when)
                    score, stamp = RATINGS.get(rating), days.get(day)
                    if stamp is None and day not in days:
                        stamp = days[day] = _when(day.strip())
                    if (
                        number is None
                        or pre_post is None
                        or score is None
                        or stamp is None
                        or not participant
                        or len(participant) > MAX_CODE
                        or item not in statements  # new (or none): `answer` checks for room
                    ):
                        self.answer(
                            source, line, participant, session, when, item, rating, comment, day
                        )
                        continue
                    key = (
                        names.setdefault(participant, participant),
                        number,
                        pre_post,
                        names.setdefault(item, item),
                    )
                    self.rows += 1
                    self._order += 1
                    if comment:
                        comment = _trimmed(comment)
                    value = (score, stamp[0], stamp[1], self._order, comment)
                    old = ratings.get(key)
                    if old is None:
                        ratings[key] = value
                    else:
                        self._again(key, value, old)
                break
            except csv.Error as error:  # a field past the csv module's limit, a stray quote
                self.problem(source, end + 1, f"cannot be read as CSV ({error})")
                end = reader.line_num

    def read_export(self, data: Any, source: str) -> None:
        """The submitted surveys of a whole JSON export (`csa-companion export`), under the
        participant code set in its settings."""
        if isinstance(data, dict) and data.get("format") == SEALED_FORMAT:
            raise CohortError(
                f"{source} is encrypted with a passphrase of its own; export it again without "
                "--encrypt (or import it into a data folder) to include it; left out"
            )
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise CohortError(f"{source}: not a csa-companion export or survey CSV; left out")
        version = data.get("version")
        if type(version) is not int or version > EXPORT_VERSION:
            raise CohortError(
                f"{source}: written by a newer csa-companion (format version {version!r}); "
                "update csa-companion to read it; left out"
            )
        stores = data.get("stores")
        if not isinstance(stores, dict) or data.get("sha256") != _digest(stores):
            raise CohortError(
                f"{source} is damaged: its contents do not match its checksum; left out"
            )
        code = _participant_code(stores)
        surveys = _table(stores, "surveys")
        if not surveys:
            raise CohortError(f"{source} holds no survey answers; left out")
        if not code:
            raise CohortError(
                f"{source} has no participant code (the participant can set one with "
                "`csa-companion survey code CODE` and export again); left out"
            )
        for number, doc in enumerate(surveys, start=1):
            self.response(source, number, code, doc)

    def response(self, source: str, number: int, code: str, doc: Any, what: str = "record") -> None:
        """One stored survey response (a session's answers before or after it); `number`
        and `what` name it in a message ("record 3")."""
        if not isinstance(doc, dict):
            self.problem(source, number, "is not a survey response", what=what)
            return
        if doc.get("status") != SUBMITTED:
            self.drafts += 1
            return
        answers, updated = doc.get("answers"), doc.get("updated")
        if not isinstance(answers, dict) or not isinstance(updated, str):
            self.problem(source, number, "has no answers or no date", what=what)
            return
        for item, answer in answers.items():
            if not isinstance(answer, dict):
                self.problem(
                    source, number, f"answer {_cell(str(item))} is not an answer", what=what
                )
                continue
            rating, comment = answer.get("rating"), answer.get("comment", "")
            self.answer(
                source,
                number,
                code,
                str(doc.get("session", "")),
                str(doc.get("when", "")),
                str(item),
                "" if rating is None else str(rating),
                comment if isinstance(comment, str) else "",
                updated,
                what=what,
            )

    def answer(
        self,
        source: str,
        line: int,
        participant: str,
        session: str,
        when: str,
        item: str,
        rating: str,
        comment: str,
        day: str,
        what: str = "line",
    ) -> None:
        """Check one answer; keep it (the latest of duplicates) or name what is wrong."""
        participant, item, session = participant.strip(), item.strip(), session.strip()
        why = None
        if not participant:
            why = "has no participant code"
        elif len(participant) > MAX_CODE:
            why = f"has a participant code longer than {MAX_CODE} characters"
        elif not session.isascii() or not session.isdigit() or int(session) > MAX_SESSION:
            why = f"session {_cell(session)} is not a session number (0 to {MAX_SESSION})"
        elif when.strip().lower() not in WHEN:
            why = f"{_cell(when)} is neither pre nor post"
        elif not item or len(item) > MAX_CODE:
            why = f"has no statement id, or one longer than {MAX_CODE} characters"
        score = RATINGS.get(rating.strip())
        stamp = _when(day.strip())
        if why is None and score is None and rating.strip():
            why = f"rating {_cell(rating)} is not a whole number from 1 to 5"
        if why is None and stamp is None:
            why = f"date {_cell(day)} is not a date (YYYY-MM-DD)"
        if why is not None or stamp is None:
            self.problem(source, line, why or "cannot be read", what=what)
            return
        if score is None:
            self.blank += 1
            return
        if item not in self._statements:
            if len(self._statements) >= MAX_STATEMENTS:
                self.problem(
                    source,
                    line,
                    f"statement {_cell(item)} is one more than the {MAX_STATEMENTS} a report "
                    "can hold",
                    what=what,
                )
                return
            self._statements.add(item)
        self.rows += 1
        self.keep(
            (
                self._intern(participant),
                int(session),
                WHEN[when.strip().lower()],
                self._intern(item),
            ),
            score,
            stamp,
            comment,
        )

    def keep(self, key: Key, score: int, stamp: tuple[str, float | None], comment: str) -> None:
        """Keep a checked answer unless a later one for the same key is already kept."""
        self._order += 1
        value: Value = (score, stamp[0], stamp[1], self._order, _trimmed(comment))
        old = self.ratings.get(key)
        if old is None:
            self.ratings[key] = value
        else:
            self._again(key, value, old)

    def _again(self, key: Key, value: Value, old: Value) -> None:
        """An answer given before: count it, and keep the later of the two."""
        if old[0] == value[0] and old[4] == value[4]:
            self.copies += 1
        else:
            self.duplicates += 1
        if _later(value, old):
            self.ratings[key] = value

    def _intern(self, text: str) -> str:
        """One copy of each code and statement id, however many rows repeat it."""
        return self._names.setdefault(text, text)

    def problem(self, source: str, line: int, why: str, what: str = "line") -> None:
        self.malformed += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(f"{source} {what} {line}: {why}")

    @property
    def participants(self) -> int:
        return len({key[0] for key in self.ratings})


def _trimmed(comment: str) -> str:
    comment = comment.strip()
    return comment if len(comment) <= MAX_COMMENT else comment[:MAX_COMMENT] + "…"


def _delimiter(text: str) -> str:
    """The character between cells: the one of comma, semicolon and tab that splits the first
    line into the required columns (a comma when none does)."""
    first = text[: text.find("\n")] if "\n" in text else text
    for delimiter in (",", ";", "\t"):
        names = {cell.strip().strip('"').lower() for cell in first.split(delimiter)}
        if names.issuperset(REQUIRED):
            return delimiter
    return ","


def _later(new: Value, old: Value) -> bool:
    """Whether `new` replaces `old`: a later day wins; on the same day, a later exact time
    (both from exports); otherwise the one read later."""
    if new[1] != old[1] and new[1] and old[1]:
        return new[1] > old[1]
    if new[2] is not None and old[2] is not None and new[2] != old[2]:
        return new[2] > old[2]
    return new[3] > old[3]


@lru_cache(maxsize=4096)
def _when(text: str) -> tuple[str, float | None] | None:
    """'' -> ('', None); '2027-01-19' -> (day, None); an ISO date and time -> (day, seconds);
    anything else -> None. Days repeat across thousands of rows, hence the cache."""
    if not text:
        return "", None
    try:
        if len(text) == 10 and _DAY.fullmatch(text):
            return date.fromisoformat(text).isoformat(), None
        saved = _SAVED_DAY.fullmatch(text)
        if saved:
            first, mark, second, year = saved.groups()
            day_first = mark == "." or int(first) > 12
            month, day = (second, first) if day_first else (first, second)
            return date(int(year), int(month), int(day)).isoformat(), None
        moment = datetime.fromisoformat(text)
        stamp = moment.timestamp() if moment.tzinfo is not None else None
        return moment.date().isoformat(), stamp
    except (ValueError, OverflowError, OSError):
        return None


def _cell(text: str) -> str:
    """A cell quoted for a message: printable, and short."""
    text = shown(text.strip())
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _participant_code(stores: dict[str, Any]) -> str:
    for doc in _table(stores, "settings"):
        if isinstance(doc, dict) and doc.get("key") == PARTICIPANT_SETTING:
            value = doc.get("value")
            return value.strip() if isinstance(value, str) else ""
    return ""


def _table(stores: dict[str, Any], name: str) -> list[Any]:
    tables = stores.get(name)
    docs = tables.get(name) if isinstance(tables, dict) else None
    return docs if isinstance(docs, list) else []


def _digest(value: Any) -> str:
    """The export's checksum: SHA-256 of its stores with sorted keys (transfer.records.digest)."""
    try:
        return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except (TypeError, orjson.JSONEncodeError):
        return ""


def is_json(raw: bytes) -> bool:
    """Whether the bytes look like JSON (an object), not CSV."""
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _load_json(raw: bytes, source: str) -> Any:
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:  # an encrypted file: one JSON header line, then ciphertext
        head = orjson.loads(raw.split(b"\n", 1)[0])
    except orjson.JSONDecodeError:
        head = None
    if isinstance(head, dict) and head.get("format") == SEALED_FORMAT:
        return head
    if isinstance(head, dict) and head.get("format") == STORE_FORMAT:
        raise CohortError(
            f"{source}: a file of a data folder, not an export (`csa-companion export` "
            "writes one); left out"
        )
    raise CohortError(f"{source} is damaged or cut off (not valid JSON); left out")


def decode(raw: bytes, source: str, notices: list[str]) -> str:
    """The text of a CSV file: UTF-8 (with or without the byte-order mark spreadsheets write),
    or UTF-16 with its mark. Binary data is refused; other bytes that are not UTF-8 become
    U+FFFD, and `notices` says so."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise CohortError(f"{source}: not valid UTF-16 text; left out") from None
    if b"\x00" in raw[:65536]:
        raise CohortError(f"{source}: not text (binary data); left out")
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        notices.append(
            f"{source}: not UTF-8 (saved in another encoding?); "
            f"{plural(text.count(chr(0xFFFD)), 'character')} shown as \ufffd"
        )
        return text


# -- statistics ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One statement in one session (`session` None: over all sessions)."""

    item: str
    session: int | None
    n: int  # participants with both ratings
    before: float | None = None
    after: float | None = None
    change: float | None = None
    sd: float | None = None  # standard deviation of the changes (n - 1)
    rose: int = 0
    stayed: int = 0
    fell: int = 0
    d_z: float | None = None
    shown: bool = False  # False: fewer than min_n participants, no numbers given


@dataclass(frozen=True)
class Statement:
    item: str
    text: str  # the statement's words, or its id when no survey the app knows has it
    current: bool  # in the survey the app has now

    @property
    def known(self) -> bool:
        """Whether its words are known (asked now, or by an earlier edition)."""
        return self.current or self.text != self.item

    overall: Cell
    sessions: tuple[Cell, ...]


@dataclass(frozen=True)
class Comment:
    item: str
    session: int
    when: str
    text: str


@dataclass(frozen=True)
class CohortReport:
    statements: tuple[Statement, ...]
    min_n: int
    participants: int
    answers: int
    files: int
    duplicates: int
    copies: int
    malformed: int
    problems: tuple[str, ...]
    skipped: tuple[str, ...]
    notices: tuple[str, ...]
    blank: int
    drafts: int
    comments: tuple[Comment, ...] = ()
    comments_held: int = 0  # comments in cells with fewer than min_n participants


def paired(changes: Sequence[float], befores: Sequence[float], afters: Sequence[float]) -> Cell:
    """The numbers of one cell from each participant's before, after and change (same order);
    `item` and `session` are filled in by the caller."""
    n = len(changes)
    if n == 0:
        return Cell("", None, 0)
    mean = sum(changes) / n
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / (n - 1)) if n > 1 else None
    # d_z is undefined when the changes do not vary (sd 0: everyone moved by the same amount)
    d_z = mean / sd if sd else None
    return Cell(
        "",
        None,
        n,
        before=sum(befores) / n,
        after=sum(afters) / n,
        change=mean,
        sd=sd,
        rose=sum(1 for c in changes if c > 0),
        stayed=sum(1 for c in changes if c == 0),
        fell=sum(1 for c in changes if c < 0),
        d_z=d_z,
    )


def statement_texts(
    items: Iterable[tuple[str, str]], tool_item: str, tool_titles: Mapping[str, str]
) -> dict[str, str]:
    """Statement id -> words, for the survey the app has now: its fixed items, then one per
    tool (`tool-ID`), in that order."""
    texts = dict(items)
    for tool, title in tool_titles.items():
        texts[TOOL_PREFIX + tool] = tool_item.replace("{tool}", title)
    return texts


def survey_statements(library: Library) -> tuple[dict[str, str], dict[str, str]]:
    """The content's survey statements (the per-tool ones included), and those an earlier
    edition asked (retired items), by id; both empty without a survey."""
    survey = library.survey
    if survey is None:
        return {}, {}
    titles = {tool.id: tool.title for tool in library.tools}
    current = statement_texts(((i.id, i.text) for i in survey.items), survey.tool_item, titles)
    return current, {i.id: i.text for i in survey.retired if i.id not in current}


def cohort_report(
    answers: Answers,
    texts: Mapping[str, str] | None = None,
    *,
    earlier: Mapping[str, str] | None = None,
    min_n: int = MIN_N,
    comments: bool = False,
) -> CohortReport:
    """Every statement's cells, in the order of `texts` (the current survey), then those of
    `earlier` (statements an earlier edition asked, with their words), then any other id found
    (from a survey this app does not know), by id. Each is reported on its own."""
    texts, earlier = texts or {}, earlier or {}
    groups: dict[tuple[str, int, str], dict[str, int]] = {}  # (item, session, when) -> ratings
    for (participant, session, when, item), value in answers.ratings.items():
        group = groups.get((item, session, when))
        if group is None:
            group = groups[(item, session, when)] = {}
        group[participant] = value[0]
    by_item: dict[str, set[int]] = {}
    for item, session, _ in groups:
        by_item.setdefault(item, set()).add(session)
    order = {item: n for n, item in enumerate([*texts, *earlier])}
    items = sorted(by_item, key=lambda i: (i not in order, order.get(i, 0), i))
    statements = []
    for item in items:
        sessions = []
        mine: dict[str, list[tuple[int, int]]] = {}  # participant -> (before, after) per session
        for session in sorted(by_item[item]):
            pre, post = groups.get((item, session, PRE), {}), groups.get((item, session, POST), {})
            both = [(pre[p], post[p]) for p in pre if p in post]
            for p in pre:
                if p in post:
                    mine.setdefault(p, []).append((pre[p], post[p]))
            cell = paired([a - b for b, a in both], [b for b, _ in both], [a for _, a in both])
            sessions.append(_placed(cell, item, session, min_n))
        befores = [sum(b for b, _ in runs) / len(runs) for runs in mine.values()]
        afters = [sum(a for _, a in runs) / len(runs) for runs in mine.values()]
        overall = paired([a - b for b, a in zip(befores, afters, strict=True)], befores, afters)
        statements.append(
            Statement(
                item,
                texts.get(item) or earlier.get(item) or item,
                item in texts,
                _placed(overall, item, None, min_n),
                tuple(sessions),
            )
        )
    notes, held = _comments(answers, min_n, items) if comments else ((), 0)
    return CohortReport(
        statements=tuple(statements),
        min_n=min_n,
        participants=answers.participants,
        answers=len(answers.ratings),
        files=answers.files,
        duplicates=answers.duplicates,
        copies=answers.copies,
        malformed=answers.malformed,
        problems=tuple(answers.problems),
        skipped=tuple(answers.skipped),
        notices=tuple(answers.notices),
        blank=answers.blank,
        drafts=answers.drafts,
        comments=notes,
        comments_held=held,
    )


def _placed(cell: Cell, item: str, session: int | None, min_n: int) -> Cell:
    if cell.n < min_n:
        return Cell(item, session, cell.n)  # the count alone is kept, never shown
    return Cell(
        item,
        session,
        cell.n,
        cell.before,
        cell.after,
        cell.change,
        cell.sd,
        cell.rose,
        cell.stayed,
        cell.fell,
        cell.d_z,
        shown=True,
    )


def _comments(
    answers: Answers, min_n: int, items: Sequence[str]
) -> tuple[tuple[Comment, ...], int]:
    """Comments without their participant codes, where at least `min_n` participants rated
    the statement at that moment (fewer could be told apart), in the order of `items`; the
    rest are only counted."""
    raters: dict[tuple[str, int, str], int] = {}
    for _, session, when, item in answers.ratings:
        raters[(item, session, when)] = raters.get((item, session, when), 0) + 1
    found, held = [], 0
    for (_, session, when, item), value in answers.ratings.items():
        if not value[4]:
            continue
        if raters[(item, session, when)] < min_n:
            held += 1
            continue
        found.append(Comment(item, session, when, value[4]))
    place = {item: n for n, item in enumerate(items)}  # the report's order of statements
    found.sort(key=lambda c: (place.get(c.item, len(place)), c.session, c.when != PRE, c.text))
    return tuple(found), held

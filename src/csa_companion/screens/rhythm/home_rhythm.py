"""Home's "Coming up" card: the next event, what is due, open coaching steps and the look
back; each line opens what it is about."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from csa_companion.domain.coaching import open_steps
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.program import days_away, next_event
from csa_companion.domain.wording import quoted
from csa_companion.screens.base import CompanionScreen
from csa_companion.services import Services
from csa_companion.storage.program_repos import look_back_entries
from csa_companion.widgets.markup import escape

if TYPE_CHECKING:
    from csa_companion.domain.lookback import Memory

RANDOM = "random"


def _memory_option(memory: Memory, prefix: str = "look") -> Option:
    """Its id names what it opens, and when it was written (an entry is read from that
    month alone)."""
    kind = "w" if memory.is_worksheet else "e"
    return Option(
        f"{memory.label}: {escape(memory.title)} [$text-muted]{memory.when:%d %b %Y}[/]",
        id=f"{prefix}:{kind}:{memory.uid}:{memory.when.isoformat()}",
    )


LOOK_BACK_DELAY = 0.5
"""Seconds after Home is up before the look back reads the journal file (~40 ms for 5,000
entries), so the first screen is interactive without waiting for it."""
_looked: WeakKeyDictionary[CompanionScreen, tuple[tuple[object, ...], list[Memory]]] = (
    WeakKeyDictionary()
)


def fill_card(screen: CompanionScreen, card: OptionList) -> None:
    """Fill the card: what is coming up at once; the look back too when nothing it depends
    on changed since it was found, else a moment later."""
    services = screen.services
    card.clear_options()
    card.add_options(coming_up(services))
    card.highlighted = 0 if card.option_count else None
    now = services.clock.now()
    key = (now.date(), services.journal.store.generation, services.worksheets.store.generation)
    known = _looked.get(screen)
    if known is not None and known[0] == key:
        card.add_options(_memory_option(m) for m in known[1])
        return

    def add_look_back() -> None:
        if not card.is_attached:
            return
        found = look_back_memories(services)
        _looked[screen] = (key, found)
        _remove(card, "look")  # a reload in the meantime may have added them already
        card.add_options(_memory_option(m) for m in found)
        if card.highlighted is None and card.option_count:
            card.highlighted = 0

    screen.set_timer(LOOK_BACK_DELAY, add_look_back)


def coming_up(services: Services) -> list[Option]:
    """The card's lines, most pressing first."""
    now = services.clock.now()
    rhythm = services.rhythm
    program = rhythm.program.get(now.date())
    event = next_event(program, now)
    options = []
    if event is not None:
        placeholder = " [$text-muted](placeholder date)[/]" if program.placeholder else ""
        options.append(
            Option(
                f"[b]{escape(event.title)}[/b] {event.start:%a %d %b %H:%M}, "
                f"{days_away(event, now)}{placeholder}",
                id="go:program",
            )
        )
    for due in rhythm.due(now, lambda: services.library.reflection):
        options.append(Option(f"☐ {escape(due.text)}", id=f"due:{due.target}"))
    for note, index, text in open_steps(rhythm.coaching.all()):
        options.append(Option(f"→ Next step: {escape(text)}", id=f"step:{note.uid}:{index}"))
    return options


def look_back_memories(services: Services) -> list[Memory]:
    """What was written about a week, a month and a year ago (a moment after Home is up)."""
    from csa_companion.domain.lookback import look_back, memories

    now = services.clock.now()
    entries = look_back_entries(services.journal.store, now)
    return look_back(memories(entries, services.worksheets.all()), now)


def show_random_look_back(screen: CompanionScreen, card: OptionList) -> None:
    """Put something written before, picked at random, last on the card (in place of the
    previous random pick; its id differs from the look-back line that may show it too)."""
    from csa_companion.domain.lookback import memories

    services = screen.services
    docs = services.journal.store.documents("journal")
    sheets = services.worksheets.all()
    if not docs and not sheets:
        screen.notify("Nothing written yet to look back on.")
        return
    # Pick a position first, so that one entry is parsed rather than the whole journal.
    pick = random.Random().randrange(len(docs) + len(sheets))
    if pick < len(docs):
        [found] = memories([JournalEntry.from_doc(docs[pick])], [])
    else:
        [found] = memories([], [sheets[pick - len(docs)]])
    memory = replace(found, label="From your archive")
    _remove(card, RANDOM)
    card.add_option(_memory_option(memory, RANDOM))
    card.highlighted = card.option_count - 1
    card.focus()


def _remove(card: OptionList, prefix: str) -> None:
    """Remove the card's lines whose id starts with `prefix:`."""
    for option in list(card.options):
        if (option.id or "").startswith(prefix + ":"):
            card.remove_option(option.id or "")


def open_coming_up(screen: CompanionScreen, option_id: str) -> None:
    """Open what a card line is about; Enter on a next step asks to mark it done."""
    from csa_companion.screens.rhythm.rhythm_nav import open_target

    kind, _, rest = option_id.partition(":")
    services = screen.services
    if kind in ("go", "due"):
        open_target(screen, rest)
    elif kind == "step":
        uid, index = rest.split(":")
        _mark_done(screen, uid, int(index))
    elif kind in ("look", RANDOM):
        which, uid, written = rest.split(":", 2)
        if which == "e":
            entry = services.journal.get(uid, datetime.fromisoformat(written))
            if entry is not None:
                screen.open("entry", entry)
        else:
            sheet = services.worksheets.get(uid)
            if sheet is not None:
                screen.open("worksheet", sheet)


def _mark_done(screen: CompanionScreen, uid: str, index: int) -> None:
    from csa_companion.screens.dialogs import Choice

    services = screen.services
    note = services.rhythm.coaching.get(uid)
    if note is None or index >= len(note.steps):
        return

    def answer(choice: str | None) -> None:
        if choice == "done" and note is not None:
            done = note.toggled(index, services.clock.now())
            if screen.store_call(lambda: services.rhythm.coaching.save(done)):
                screen.notify("Marked done.")
                screen.reload()

    screen.app.push_screen(
        Choice(
            f"Mark {quoted(note.steps[index].text)} done?",
            [("done", "Done"), ("cancel", "Not yet")],
        ),
        answer,
    )

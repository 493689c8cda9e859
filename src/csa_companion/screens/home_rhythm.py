"""Home's "Coming up" card: the next event, what is due, open coaching steps and the look
back; each line opens what it is about."""

from __future__ import annotations

import random

from textual.markup import escape
from textual.widgets.option_list import Option

from csa_companion.domain.coaching import open_steps
from csa_companion.domain.lookback import Memory, look_back, memories, random_memory
from csa_companion.domain.program import days_away, next_event
from csa_companion.screens.base import CompanionScreen
from csa_companion.services import Services


def _memories(services: Services) -> list[Memory]:
    return memories(services.journal.all(), services.worksheets.all())


def _memory_option(memory: Memory) -> Option:
    kind = "w" if memory.is_worksheet else "e"
    return Option(
        f"{memory.label}: {escape(memory.title)} [$text-muted]{memory.when:%d %b %Y}[/]",
        id=f"look:{kind}:{memory.uid}",
    )


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
    for due in rhythm.due(now, services.library.reflection):
        options.append(Option(f"To do: {escape(due.text)}", id=f"due:{due.target}"))
    for note, index, text in open_steps(rhythm.coaching.all()):
        options.append(Option(f"Next step: {escape(text)}", id=f"step:{note.uid}:{index}"))
    options += [_memory_option(m) for m in look_back(_memories(services), now)]
    return options


def random_look_back(services: Services) -> Option | None:
    """Something written before, picked at random (on request)."""
    memory = random_memory(_memories(services), random.Random())
    return _memory_option(memory) if memory else None


def open_coming_up(screen: CompanionScreen, option_id: str) -> None:
    """Open what a card line is about; Enter on a next step asks to mark it done."""
    from csa_companion.screens.rhythm_nav import open_target

    kind, _, rest = option_id.partition(":")
    services = screen.services
    if kind in ("go", "due"):
        open_target(screen, rest)
    elif kind == "step":
        uid, index = rest.split(":")
        _mark_done(screen, uid, int(index))
    elif kind == "look":
        which, uid = rest.split(":")
        if which == "e":
            from csa_companion.screens.entry_view import EntryViewScreen

            entry = services.journal.get(uid)
            if entry is not None:
                screen.app.push_screen(EntryViewScreen(services, entry))
        else:
            from csa_companion.screens.worksheets import open_worksheet

            sheet = services.worksheets.get(uid)
            if sheet is not None:
                open_worksheet(screen, sheet)


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
            f"Mark “{note.steps[index].text}” done?",
            [("done", "Done"), ("cancel", "Not yet")],
        ),
        answer,
    )

"""Discarding a waiting draft (a journal draft, a draft worksheet or an observation) and
undoing it, the way deleted entries are undone: the discarded item is kept in memory."""

from __future__ import annotations

from csa_companion.domain.journal import Draft
from csa_companion.domain.wording import quoted
from csa_companion.domain.worksheet import Worksheet
from csa_companion.screens.base import CompanionScreen


def describe(item: Draft | Worksheet) -> str:
    """'the draft “…”', 'the observation “…”' or 'the draft worksheet “…”'."""
    if isinstance(item, Draft):
        return f"the draft {quoted(item.name)}"
    kind = "observation" if item.observations else "draft worksheet"
    return f"the {kind} {quoted(item.title)}"


def discard(screen: CompanionScreen, item: Draft | Worksheet) -> bool:
    """Remove a draft from the store and offer undo (ctrl+z on Home)."""
    services = screen.services
    if isinstance(item, Draft):
        done = screen.store_call(lambda: services.drafts.clear(item.key))
    else:
        done = screen.store_call(lambda: services.worksheets.delete(item.uid))
    if done:
        services.discarded.append(item)
        screen.notify(f"Discarded {describe(item)}. Press ctrl+z on Home to undo.", markup=False)
    return done


def undo_discard(screen: CompanionScreen) -> bool:
    """Put back the draft discarded last; False if there was none or it could not be saved."""
    services = screen.services
    if not services.discarded:
        screen.notify("Nothing to undo.", severity="warning")
        return False
    item = services.discarded[-1]
    if isinstance(item, Draft):
        done = screen.store_call(lambda: services.drafts.save(item))
    else:
        done = screen.store_call(lambda: services.worksheets.save(item))
    if done:
        services.discarded.pop()
        screen.notify(f"Restored {describe(item)}.", markup=False)
    return done

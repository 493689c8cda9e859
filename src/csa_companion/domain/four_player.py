"""Four Player observer mode: tallies of recorded acts and the stuck patterns they suggest.

Everything here works from the tally and the order of acts alone. Some patterns cannot be seen
that way, so they are never guessed at (see NOT_DETECTABLE).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from csa_companion.content.model import Act
from csa_companion.domain.worksheet import MIN_OBSERVATIONS as MIN_OBSERVATIONS  # (re-exported)
from csa_companion.domain.worksheet import Observation

MOVE, FOLLOW, OPPOSE, BYSTAND = "move", "follow", "oppose", "bystand"

SERIAL_MIN_MOVES = 3
SERIAL_MOVES_PER_FOLLOW = 3  # "moves >= 3x follows"
COMPLIANCE_MIN_FOLLOWS = 2
COUNTERPOINT_WINDOW = 6  # the most recent acts looked at for a two-person exchange
COUNTERPOINT_MAX_PEOPLE = 2
COUNTERPOINT_MIN_OPPOSES = 2
COUNTERPOINT_ADVOCACY_SHARE = 0.8  # share of moves + opposes over the whole meeting
NO_BYSTAND_MIN_ACTS = 10

# A tally cannot show these: covert opposition happens outside the room (objections surface in
# side conversations later), and a disabled bystander is a bystand that the group ignores, which
# looks the same in a count as one that was taken up. The UI can mention them so observers know
# to watch for them themselves.
NOT_DETECTABLE = ("covert opposition", "disabled bystander")
NOT_DETECTABLE_NOTE = (
    "Covert opposition and the disabled bystander do not show up in a count of acts: watch for "
    "objections raised only after the meeting, and for comments on the process nobody picks up."
)


@dataclass(frozen=True)
class Pattern:
    """A stuck pattern the recorded acts suggest, with a plain-words way to help unstick it."""

    id: str
    name: str
    explanation: str
    suggestion: str


SERIAL_MOVING = Pattern(
    id="serial-moving",
    name="Serial moving",
    explanation="Ideas keep coming, but hardly any get taken up and built on.",
    suggestion=(
        "Follow one of the ideas already on the table, or bystand: "
        '"We have several ideas going; which one do we take up?"'
    ),
)
COURTEOUS_COMPLIANCE = Pattern(
    id="courteous-compliance",
    name="Courteous compliance",
    explanation="Ideas are agreed to politely, and nobody pushes back.",
    suggestion=(
        'Invite an oppose: "Who sees it differently? What could go wrong?" '
        'Or bystand: "What are we not saying?"'
    ),
)
POINT_COUNTERPOINT = Pattern(
    id="point-counterpoint",
    name="Point-counterpoint",
    explanation="The talk is going back and forth between proposals and objections.",
    suggestion=(
        'Invite a follow ("What do you value in this idea?"), or ask someone less involved '
        "what they notice about the conversation."
    ),
)
NO_BYSTANDING = Pattern(
    id="no-bystanding",
    name="Nobody is bystanding",
    explanation="No one has yet stepped back to say what is happening in the conversation.",
    suggestion=('Offer a view of the process: "Here is what I notice about how we are talking..."'),
)
PATTERNS = (SERIAL_MOVING, COURTEOUS_COMPLIANCE, POINT_COUNTERPOINT, NO_BYSTANDING)


def tally(observations: Sequence[Observation], acts: Sequence[Act]) -> dict[str, int]:
    """How often each act was recorded, keyed by act id in the acts' order (0 if never).

    Observations of act ids not in `acts` (say, from older content) are left out.
    """
    counts = {act.id: 0 for act in acts}
    for observation in observations:
        if observation.act in counts:
            counts[observation.act] += 1
    return counts


def detect_patterns(observations: Sequence[Observation], acts: Sequence[Act]) -> list[Pattern]:
    """The stuck patterns the acts so far suggest, in the order of PATTERNS.

    Nothing is named until MIN_OBSERVATIONS acts are recorded. Then:

    - serial moving: at least SERIAL_MIN_MOVES moves, and at least SERIAL_MOVES_PER_FOLLOW times
      as many moves as follows (so also: moves and no follows);
    - courteous compliance: at least one move, COMPLIANCE_MIN_FOLLOWS follows and no opposes;
    - point-counterpoint: the last COUNTERPOINT_WINDOW acts are all moves and opposes, with at
      least COUNTERPOINT_MIN_OPPOSES opposes, among at most COUNTERPOINT_MAX_PEOPLE named people;
      or, over the whole meeting, moves and opposes make up COUNTERPOINT_ADVOCACY_SHARE of the
      acts with at least COUNTERPOINT_MIN_OPPOSES opposes;
    - nobody is bystanding: no bystands after NO_BYSTAND_MIN_ACTS acts.
    """
    counts = tally(observations, acts)
    total = sum(counts.values())
    if total < MIN_OBSERVATIONS:
        return []
    moves, follows = counts.get(MOVE, 0), counts.get(FOLLOW, 0)
    opposes, bystands = counts.get(OPPOSE, 0), counts.get(BYSTAND, 0)
    found = []
    if moves >= SERIAL_MIN_MOVES and moves >= SERIAL_MOVES_PER_FOLLOW * follows:
        found.append(SERIAL_MOVING)
    if moves >= 1 and follows >= COMPLIANCE_MIN_FOLLOWS and opposes == 0:
        found.append(COURTEOUS_COMPLIANCE)
    known = [o for o in observations if o.act in counts]
    advocacy_share = (moves + opposes) / total
    if _recent_exchange(known) or (
        advocacy_share >= COUNTERPOINT_ADVOCACY_SHARE and opposes >= COUNTERPOINT_MIN_OPPOSES
    ):
        found.append(POINT_COUNTERPOINT)
    if bystands == 0 and total >= NO_BYSTAND_MIN_ACTS:
        found.append(NO_BYSTANDING)
    return found


def _recent_exchange(observations: Sequence[Observation]) -> bool:
    """Whether the latest acts are moves and opposes traded among at most two people."""
    recent = observations[-COUNTERPOINT_WINDOW:]
    if len(recent) < COUNTERPOINT_WINDOW or any(o.act not in (MOVE, OPPOSE) for o in recent):
        return False
    opposes = sum(o.act == OPPOSE for o in recent)
    people = {o.name.strip().casefold() for o in recent if o.name.strip()}
    return opposes >= COUNTERPOINT_MIN_OPPOSES and len(people) <= COUNTERPOINT_MAX_PEOPLE


def sequence_text(observations: Sequence[Observation], acts: Sequence[Act], limit: int = 12) -> str:
    """The latest `limit` acts as "Move (Ana) → Follow → Oppose (Raj)", "…" first if cut."""
    names = {act.id: act.name for act in acts}
    shown = list(observations)[-limit:] if limit > 0 else []
    parts = [
        f"{names.get(o.act, o.act)} ({o.name.strip()})"
        if o.name.strip()
        else names.get(o.act, o.act)
        for o in shown
    ]
    if len(shown) < len(observations):
        parts.insert(0, "…")
    return " → ".join(parts)


# Past tenses that do not start with the act's name ("bystood" for bystand).
IRREGULAR_FORMS = {BYSTAND: ("bystood",)}


def act_named(text: str, acts: Sequence[Act]) -> Act | None:
    """The act `text` names first ("Under pressure I move: ..." -> Move), or None.

    A word counts when it starts like the act's name without a final "e", so "moving",
    "moved", "opposes" and "follower" count; "remove" does not.
    """
    found: list[tuple[int, Act]] = []
    for act in acts:
        stems = (act.name.casefold().removesuffix("e"), *IRREGULAR_FORMS.get(act.id, ()))
        pattern = r"\b(?:" + "|".join(re.escape(s) for s in stems if s) + r")"
        match = re.search(pattern, text.casefold())
        if match:
            found.append((match.start(), act))
    return min(found, key=lambda pair: pair[0])[1] if found else None

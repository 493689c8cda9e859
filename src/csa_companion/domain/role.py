"""The person's role, chosen once and changeable: whose examples the tools' hints show."""

from __future__ import annotations

from csa_companion.content.roles import ROLES

ROLE_SETTING = "role"
"""The setting that holds the role key (see ROLES); "" when the person chose none."""
NO_ROLE = ""


def saved_role(value: object) -> str | None:
    """The stored role: a key of ROLES, NO_ROLE when none was chosen, None when the person
    has not been asked yet (or the stored value is not one we know)."""
    if value == NO_ROLE or value in ROLES:
        return str(value)
    return None


def role_label(role: str | None) -> str:
    """'Principal or assistant principal'; 'not chosen' without a role."""
    return ROLES.get(role or "", "not chosen")

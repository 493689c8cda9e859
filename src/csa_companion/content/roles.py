"""The roles a tool step's examples can be written for (apart from the content model, so
that the app can read the person's role without creating the content classes)."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "coordinator": "Site coordinator",
    "director": "Program director",
    "executive": "Executive director or grant manager",
    "principal": "Principal or assistant principal",
    "teacher": "Teacher",
    "district": "District or county office staff",
}
"""The roles a step's examples can be written for (key -> what the person is called)."""

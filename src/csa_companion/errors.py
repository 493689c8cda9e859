"""Errors a user can cause or meet; each carries a message fit to show them as is."""


class CompanionError(Exception):
    """An error with a message meant for the user (shown in the app or on stderr)."""

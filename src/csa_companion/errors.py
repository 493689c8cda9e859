"""Errors a user can cause or meet; each carries a message fit to show them as is."""


class CompanionError(Exception):
    """An error with a message meant for the user (shown in the app or on stderr)."""

    exit_code = 1
    """What a shell command that ends with this error exits with."""


class UsageError(CompanionError):
    """The command line asks for something that cannot be (a file as the data folder, an
    unknown tool, text that is not UTF-8 where it is looked up): exit 2, as argparse does."""

    exit_code = 2

"""Screens of the practices: the list, the setup, a running practice."""

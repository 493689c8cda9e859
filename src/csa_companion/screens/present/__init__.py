"""The presentation's root screen (a shared screen for a group)."""

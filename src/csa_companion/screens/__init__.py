"""Screens, one per module; each gets the app's Services and renders data it is handed."""

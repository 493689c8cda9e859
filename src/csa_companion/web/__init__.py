"""The presentation served to a web browser (textual-serve)."""

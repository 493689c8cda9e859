"""Screens of the journal: the list, one entry, the editor, drafts."""

"""Screens of the tools: the list, the walkthrough, the observer, worksheets, Learn."""

"""Screens for the team and the cohort: the team shelf, the cohort report."""

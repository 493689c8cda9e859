"""Screens for the data as a whole: export, import, snapshots, sharing, the passphrase."""

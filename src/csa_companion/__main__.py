"""Allows `python -m csa_companion`."""

from csa_companion.cli import main

raise SystemExit(main())

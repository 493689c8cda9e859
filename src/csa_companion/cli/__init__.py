"""The command line (`csa-companion ...`): `main` runs it; `make_app` builds the app, in
`wiring.py`, the only place that wires the pieces together.

The package: `parser.py` (the parser, `main`, dispatch), `wiring.py` (`make_app`,
`content_dirs`), `common.py` (what every area shares), and one module per command area:
journal, worksheet, content, rhythm (program, reflection, survey), data (export, import,
backup, share), crypto (encrypt, decrypt, passphrase), present (present, serve).

Each name is imported when first asked for, so that building the app (`make_app`, as the
tests and the benchmark do) does not build the parser, nor import argparse.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csa_companion.cli.parser import _parser, main
    from csa_companion.cli.wiring import content_dirs, make_app

__all__ = ["_parser", "content_dirs", "main", "make_app"]
_HOME = {"main": "parser", "_parser": "parser", "make_app": "wiring", "content_dirs": "wiring"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)

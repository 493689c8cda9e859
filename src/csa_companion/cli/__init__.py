"""The command line (`csa-companion ...`): `main` runs it; `make_app` builds the app, in
`wiring.py`, the only place that wires the pieces together.

The package: `parser.py` (the parser, `main`, dispatch), `wiring.py` (`make_app`,
`content_dirs`), `common.py` (what every area shares), and one module per command area:
journal, worksheet, content, rhythm (program, reflection, survey), data (export, import,
backup, share), crypto (encrypt, decrypt, passphrase), present (present, serve).
"""

from csa_companion.cli.parser import _parser, main
from csa_companion.cli.wiring import content_dirs, make_app

__all__ = ["_parser", "content_dirs", "main", "make_app"]

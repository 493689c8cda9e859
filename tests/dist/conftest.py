"""The tests of what users install: `make test-dist` runs them (CSA_DIST_TESTS=1) after
`make dist` and `make binary` have built dist/; the main suite (`make test`) skips this folder,
so that it stays quick and needs no network."""

import os

if os.environ.get("CSA_DIST_TESTS") != "1":
    collect_ignore_glob = ["test_*.py"]

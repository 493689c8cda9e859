"""The house rules (docs/architecture.md), read from the source with `ast`: no import circles,
no lower layer importing a higher one, no screen area importing another's screens, and few
modules at the top of the package.

Only imports that run count: those under `if TYPE_CHECKING:` are left out (they never run),
while imports inside functions count (they run when the function does).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "csa_companion"
SRC = Path(__file__).resolve().parents[2] / "src"
MAX_TOP_MODULES = 8

# Each layer, and the modules in it: a module belongs to the layer of its longest prefix here.
LAYER_OF_PREFIX = {
    "csa_companion": "base",  # __init__ (the version), errors, paths, clock, platforms
    "csa_companion.__main__": "cli",
    "csa_companion.content": "content",
    "csa_companion.domain": "domain",
    "csa_companion.storage": "storage",
    "csa_companion.transfer": "transfer",
    "csa_companion.services": "services",
    "csa_companion.web": "web",
    "csa_companion.widgets": "widgets",
    "csa_companion.screens": "screens",
    "csa_companion.app": "app",
    "csa_companion.cli": "cli",
}
# What each layer may import at runtime (besides itself), spelled out.
ALLOWED = {
    "base": set(),
    "content": {"base"},
    "domain": {"base", "content"},
    "storage": {"base", "content", "domain"},
    "transfer": {"base", "content", "domain", "storage"},
    "services": {"base", "content", "domain", "storage"},
    "web": {"base"},
    "widgets": {"base", "content", "domain"},
    "screens": {"base", "content", "domain", "storage", "transfer", "services", "widgets"},
    "app": {"base", "content", "domain", "storage", "transfer", "services", "widgets", "screens"},
    "cli": {
        *("base", "content", "domain", "storage", "transfer", "services", "web"),
        *("widgets", "screens", "app"),
    },
}
# Screens: each area (a subpackage) imports only itself and the shared foundation; the hubs
# (Home, the palette, help) may import any area. Screens open each other's screens through
# the navigation registry (screens/routes.py).
SCREENS_FOUNDATION = {"base", "dialogs", "routes"}
SCREENS_HUBS = {"home", "commands", "help"}


def modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def runtime_imports(module: str) -> set[str]:
    """The package's modules that `module` imports when it runs."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for branch in node.body for n in ast.walk(branch))
    targets: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([base] if base else [])])
            targets += [f"{base}.{alias.name}" for alias in node.names]
    found = set()
    for target in targets:
        if target.split(".")[0] != PACKAGE:
            continue
        resolved = _resolve(target)
        # A module importing its own package (`from csa_companion.cli import rhythm`
        # resolves to the submodule; the package itself) is not an edge.
        if resolved and resolved != module and not module.startswith(resolved + "."):
            found.add(resolved)
    return found


EDGES = {module: runtime_imports(module) for module in MODULES}


def layer(module: str) -> str:
    prefix = max((p for p in LAYER_OF_PREFIX if module == p or module.startswith(p + ".")), key=len)
    if prefix == PACKAGE and module != PACKAGE:
        top = module.split(".")[1]
        base = {"errors", "paths", "clock", "platforms"}
        assert top in base, f"{module}: put it in a layer (test_layers)"
    return LAYER_OF_PREFIX[prefix]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected sets of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circles() -> None:
    assert cycles(EDGES) == []


def test_the_circle_finder_finds_circles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_no_lower_layer_imports_a_higher_one() -> None:
    wrong = [
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in sorted(EDGES.items())
        for target in sorted(targets)
        if layer(target) != layer(module) and layer(target) not in ALLOWED[layer(module)]
    ]
    assert wrong == []


def _screens_part(module: str) -> str | None:
    """The area (subpackage) or shared module of screens a module is, or None."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "screens" else None


def test_screen_areas_do_not_import_each_other() -> None:
    areas = {
        part
        for module in MODULES
        if (part := _screens_part(module)) and (SRC / PACKAGE / "screens" / part).is_dir()
    }
    assert {"journal", "tools", "rhythm", "practice", "present", "data"} <= areas
    wrong = []
    for module, targets in sorted(EDGES.items()):
        part = _screens_part(module)
        if part is None or part in SCREENS_HUBS:
            continue
        for target in sorted(targets):
            other = _screens_part(target)
            if other is None or other == part or other in SCREENS_FOUNDATION:
                continue
            if part in SCREENS_FOUNDATION or other in areas or other in SCREENS_HUBS:
                wrong.append(f"{module} imports {target}")
    assert wrong == [], "open another area's screen with self.open(route) (screens/routes.py)"


def test_few_modules_at_the_top() -> None:
    top = sorted(path.name for path in (SRC / PACKAGE).glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top


def test_every_route_names_something_that_exists() -> None:
    from csa_companion.screens import routes

    for name in routes.ROUTES:
        assert callable(routes.target(name)), name
    assert set(routes.GO) <= set(routes.ROUTES)


@pytest.mark.parametrize(
    ("module", "target"),
    [
        ("csa_companion.storage.store", "csa_companion.transfer.records"),
        ("csa_companion.domain.journal", "csa_companion.storage.store"),
        ("csa_companion.screens.tools.tools", "csa_companion.app"),
    ],
)
def test_a_wrong_import_is_caught(module: str, target: str) -> None:
    """The layer check would fail on an import that goes up."""
    assert layer(target) not in ALLOWED[layer(module)]

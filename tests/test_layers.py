"""The apps import one way: common ← meetings ← budget ← {pdf, exchange} ← api ← referat.

Read from the source with `ast`, every import counts, also one inside a function: a module never
imports a higher layer, two apps of one layer never import each other, and no circle of
imports runs through more than two files (a service and its own task may import each other)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"common": 0, "meetings": 1, "budget": 2, "pdf": 3, "exchange": 3, "api": 4, "referat": 5}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _our_modules() -> dict[str, Path]:
    modules = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


MODULES = _our_modules()


def _imported(path: Path, module: str) -> Iterator[tuple[str, int]]:
    """The modules of ours that `module` imports, each with the line, wherever the import is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    seen = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports that module; `from module import name`
            # the module (a package's __init__ that Python runs on the way is not counted).
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and (name, node.lineno) not in seen:
                seen.add((name, node.lineno))
                yield name, node.lineno


def _app(module: str) -> str:
    return module.split(".")[0]


def _graph() -> dict[str, set[str]]:
    return {m: {target for target, _ in _imported(p, m)} for m, p in MODULES.items()}


def test_it_reads_every_app() -> None:
    # A guard for the test itself: a wrong root would find nothing and pass.
    assert {_app(m) for m in MODULES} == set(LAYERS)
    assert len(MODULES) > 80


def test_no_module_imports_a_higher_layer_or_a_neighbour_app() -> None:
    wrong = []
    for module, path in MODULES.items():
        for target, line in _imported(path, module):
            source_app, target_app = _app(module), _app(target)
            if source_app == target_app:
                continue
            if LAYERS[target_app] >= LAYERS[source_app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "Imports against the layers:\n" + "\n".join(wrong)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_circle_of_imports_runs_through_more_than_two_files() -> None:
    too_long = [c for c in _circles(_graph()) if len(c) > 2]
    assert not too_long, "Circles of imports:\n" + "\n".join(" ↔ ".join(c) for c in too_long)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_the_circle_finder_finds_circles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert _circles(graph) == expected


def test_every_module_says_what_it_is_responsible_for() -> None:
    silent = [
        str(path.relative_to(ROOT))
        for path in MODULES.values()
        if path.read_text(encoding="utf-8").strip()
        and not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not silent, "Modules without an opening docstring:\n" + "\n".join(silent)

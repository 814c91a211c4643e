"""The parser package's shape: what it gives, and how its private modules depend on each other.

Read from the source (ast), so a broken rule names the module and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import exchange.parser

PACKAGE = Path(__file__).resolve().parents[3] / "exchange" / "parser"
PUBLIC = (
    "OUTCOMES", "Block", "Decision", "Heading", "ListBlock", "MinutesParseError", "Paragraph",
    "ParsedItem", "ParsedMinutes", "Participant", "Recommendation", "Table", "TocEntry",
    "blocks_to_html", "html_to_blocks", "infer_outcome", "normalise_pdf_text", "parse_minutes",
)  # fmt: skip


def modules() -> dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.glob("*.py")}


def parser_imports(tree: ast.Module) -> set[str]:
    """The package's modules ``tree`` imports ("__init__" for the package itself)."""
    imported = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if node.module == "exchange.parser":
            # from exchange.parser import _patterns: a module; any other name is the package's.
            for alias in node.names:
                is_module = (PACKAGE / f"{alias.name}.py").exists()
                imported.add(alias.name if is_module else "__init__")
        elif node.module.startswith("exchange.parser."):
            imported.add(node.module.split(".")[2])
    return imported


def test_every_public_name_is_given_by_the_package() -> None:
    assert sorted(exchange.parser.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(exchange.parser, name) is not None, name


def test_every_module_says_what_it_is_responsible_for() -> None:
    for name, tree in modules().items():
        assert ast.get_docstring(tree), name


def test_the_private_modules_import_one_another_one_way() -> None:
    graph = {name: parser_imports(tree) for name, tree in modules().items()}
    for name, imported in graph.items():
        if name != "__init__":
            assert "__init__" not in imported, f"{name} imports the package"
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import cycle: {' -> '.join((*path, name))}"
        if name not in done:
            for imported in sorted(graph[name]):
                visit(imported, (*path, name))
            done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_no_method_is_called_on_a_name_bound_by_an_import() -> None:
    # Python 3.11 compiles `_ITEM_RE.match(line)` on an imported `_ITEM_RE` as an attribute load
    # that makes a bound method on every call; the modules assign such names instead (see
    # exchange/parser/_patterns.py).
    for name, tree in modules().items():
        imported = {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
            ):
                assert node.func.value.id not in imported, (
                    f"{name}.py line {node.lineno}: {node.func.value.id}.{node.func.attr}(…)"
                )

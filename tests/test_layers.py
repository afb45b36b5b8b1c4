"""No import cycles between Bulletin's packages: each one builds on the ones below it.

The units are the top-level packages (accounts, blogs, api, desk, reader, realtime, assist,
extract) and the top-level modules (errors, config, metrics, …). Every ``import`` counts,
inside functions too: an import moved into a function still ties the two together. Only
imports under ``if TYPE_CHECKING:`` are left out: they name a type for the type checker and
never run, so they cannot make a cycle at run time.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "bulletin"

# (importer, imported) pairs allowed to close a cycle, each with the reason it cannot be
# broken. Empty: keep it so.
ALLOWED: dict[tuple[str, str], str] = {}

Edges = dict[str, dict[str, list[str]]]


def _unit(module: str) -> str | None:
    """The package or top-level module of ``bulletin.x.y`` (``x``), None outside Bulletin."""
    parts = module.split(".")
    return parts[1] if parts[0] == "bulletin" and len(parts) > 1 else None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node``, except those only the type checker sees."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for branch in child.orelse:
                yield from _imports(branch)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _imports(child)


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(statement: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    if isinstance(statement, ast.Import):
        return [alias.name for alias in statement.names]
    base = statement.module or ""
    if statement.level:  # relative: from the importing module's package
        package = module.split(".")[: -statement.level]
        base = ".".join([*package, base] if base else package)
    # ``from bulletin import errors`` imports the module bulletin.errors.
    return [f"{base}.{alias.name}" for alias in statement.names] if base == "bulletin" else [base]


def import_graph() -> Edges:
    """unit → the units it imports → where (file:line), from every module but migrations."""
    edges: Edges = defaultdict(lambda: defaultdict(list))
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        source = _unit(module)
        for statement in _imports(ast.parse(path.read_text(), str(path))):
            for imported in _imported_modules(statement, module):
                target = _unit(imported)
                if source and target and target != source:
                    where = f"{path.relative_to(SOURCE.parent)}:{statement.lineno}"
                    edges[source][target].append(where)
    return edges


def cycles(edges: Edges) -> list[list[str]]:
    """The groups of units that import each other, directly or through others (Tarjan)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(unit: str) -> None:
        index[unit] = lowest[unit] = len(index)
        stack.append(unit)
        for target in edges.get(unit, {}):
            if (unit, target) in ALLOWED:
                continue
            if target not in index:
                visit(target)
                lowest[unit] = min(lowest[unit], lowest[target])
            elif target in stack:
                lowest[unit] = min(lowest[unit], index[target])
        if lowest[unit] == index[unit]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == unit:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for unit in sorted(edges):
        if unit not in index:
            visit(unit)
    return found


def describe(group: list[str], edges: Edges) -> str:
    lines = [" ⇄ ".join(group)]
    for source in group:
        for target, places in sorted(edges[source].items()):
            if target in group and (source, target) not in ALLOWED:
                lines.append(f"  {source} → {target}: {', '.join(places[:3])}")
    return "\n".join(lines)


def test_no_two_packages_import_each_other():
    edges = import_graph()
    found = cycles(edges)
    assert found == [], "import cycles between packages:\n" + "\n".join(
        describe(group, edges) for group in found
    )


def test_the_cycle_finder_finds_a_cycle_through_a_third_package():
    edges: Edges = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:1"]}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b": ["a.py:1"]}, "b": {}}) == []


def test_imports_for_the_type_checker_only_are_left_out():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bulletin.blogs.models import Entry\n"
        "def f():\n    from bulletin.reader import cache\n"
    )
    seen = [_imported_modules(node, "bulletin.accounts.x") for node in _imports(tree)]
    assert seen == [["typing"], ["bulletin.reader"]]

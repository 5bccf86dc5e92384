"""The package's shape: small modules, no import cycles, no import hidden in a function to dodge
one, and public names defined in public modules."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import temporal_runtime

PACKAGE = Path(temporal_runtime.__file__).parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(modules: dict[str, Path]) -> tuple[dict[str, set[str]], list[str]]:
    """Each module's imports of the package (TYPE_CHECKING ones too), and function-level ones."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    nested: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        inner = {id(i) for f in functions for i in ast.walk(f) if isinstance(i, ast.Import | ast.ImportFrom)}
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(name, node, path.name == "__init__.py")
                targets = [f"{source}.{a.name}" for a in node.names]
            for imported in targets:
                target = imported
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
                    if id(node) in inner:
                        nested.append(f"{name} imports {target} inside a function")
    return graph, nested


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt in stack:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if state.get(node) is None:
            visit(node)
    return found


def test_no_module_over_the_size_limit() -> None:
    big = {name: len(p.read_text().splitlines()) for name, p in _modules().items()}
    assert {n: c for n, c in big.items() if c > MAX_LINES} == {}


def test_no_import_cycles_and_no_import_hidden_in_a_function() -> None:
    graph, nested = _imports(_modules())
    package_inits = {name for name, path in _modules().items() if path.name == "__init__.py"}
    # Edges into a package's own __init__ from inside it are the re-export pattern, not a cycle.
    pruned = {
        n: {t for t in ts if not (t in package_inits and n.startswith(t + "."))} for n, ts in graph.items()
    }
    assert _cycles(pruned) == []
    assert nested == []


def test_the_cycle_check_sees_a_cycle() -> None:
    graph, _ = _imports(_modules())
    graph["temporal_runtime._internal._types"].add("temporal_runtime.activity")
    assert [
        "temporal_runtime.activity",
        "temporal_runtime._internal._types",
        "temporal_runtime.activity",
    ] in (_cycles(graph))


def test_public_names_are_defined_in_public_modules() -> None:
    for module_name in ("temporal_runtime", "temporal_runtime.testing", "temporal_runtime.errors"):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            defined_in = getattr(obj, "__module__", module_name) or module_name
            if defined_in.startswith("temporal_runtime"):
                assert "._internal" not in defined_in, f"{module_name}.{name} is defined in {defined_in}"

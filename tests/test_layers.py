"""The shape of the code (issue 11): one-way layers, and word lists as data.

* No import cycle inside ``src/`` (imports at any depth count: a function-level
  import is still a dependency; only ``if TYPE_CHECKING:`` blocks are ignored).
* The core never imports ``addrmatch.boi``.
* No module but ``tables.py`` holds a literal list of upper-case address words:
  they live in ``data/`` behind ``addrmatch.tables.TABLES``.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "addrmatch"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            while target and target not in modules:
                target = target.rsplit(".", 1)[0] if "." in target else ""
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_cycle_in_src() -> None:
    assert _cycles(_graph()) == []


def test_the_core_never_imports_boi() -> None:
    graph = _graph()
    core = [m for m in graph if not m.startswith(("addrmatch.boi", "addrmatch.server"))]
    leaks = {m: sorted(t for t in graph[m] if t.startswith("addrmatch.boi")) for m in core}
    assert {m: t for m, t in leaks.items() if t} == {}


def _word_literals(node: ast.AST) -> list[str]:
    """Upper-case words in a literal collection, or in a string that is split into words."""
    words: list[str] = []
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    elif isinstance(node, ast.Dict):
        words = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
        if isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
            words = node.func.value.value.split()
    elif isinstance(node, ast.Call) and node.args:
        return _word_literals(node.args[0])  # frozenset({...}), frozenset("A B".split())
    return [w for w in words if len(w) >= 2 and w.isalpha() and w.isupper()]


def test_no_address_word_list_outside_the_tables_module() -> None:
    offenders = []
    for path in PACKAGE.glob("*.py"):  # the core; addrmatch.boi holds no address words
        if path.name == "tables.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                    continue
                words = _word_literals(node.value)
                if len(words) >= 3:
                    offenders.append(f"{path.name}:{node.lineno}: {words[:5]}")
    assert offenders == []


def test_the_checks_find_what_they_look_for() -> None:
    assert _cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]
    tree = ast.parse('X = frozenset("ST AVE RD".split())\nY = {"FORT", "MOUNT", "PORT"}')
    assert [len(_word_literals(n.value)) for n in tree.body] == [3, 3]

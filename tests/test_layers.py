"""The library's shape: no import cycles, lower layers never import higher ones, no brand words inside."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sheetsync"

# Lower numbers are lower layers; a module may import its own layer or lower ones only.
LAYERS = {
    "errors": 0,
    "model": 1,
    "templates": 1,
    "backends": 2,
    "project": 2,
    "engine": 3,
    "export": 4,
    "history": 4,
    "outbox": 4,
    "init": 4,
    "demo": 4,
    "new": 4,
    "figures": 4,
    "todo": 4,
    "summary_tab": 4,
    "workbook": 4,
    "scheduling": 4,
    "cli": 5,
    "__init__": 6,
}
SELF_CONTAINED = {"testing"}  # imports nothing from the rest of sheetsync


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, top_level_only: bool) -> set[str]:
    """The sheetsync modules `name` imports (at import time only, or anywhere, lazy imports included)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:  # `if TYPE_CHECKING:` imports never run
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sheetsync")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("sheetsync"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names}  # `from . import cli` names a module
    return found


def graph(top_level_only: bool) -> dict[str, set[str]]:
    known = modules()
    return {
        name: {t for t in imports(name, path, top_level_only) if t in known and t != name}
        for name, path in known.items()
    }


def group(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_import_cycles():
    edges = graph(top_level_only=True)
    # a module importing its own package's __init__ (a submodule of it) is how Python packages load: skip those
    edges = {a: {b for b in targets if not a.startswith(b + ".")} for a, targets in edges.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_lower_layers_never_import_higher_ones():
    wrong = []
    for module, targets in graph(top_level_only=False).items():
        here = group(module)
        for target in targets:
            there = group(target)
            if here in SELF_CONTAINED and there != here:
                wrong.append(f"{module} -> {target} (testing imports nothing else)")
            elif here not in SELF_CONTAINED and there in LAYERS and LAYERS[there] > LAYERS[here]:
                wrong.append(f"{module} (layer {LAYERS[here]}) -> {target} (layer {LAYERS[there]})")
    assert wrong == []


def test_every_module_has_a_layer():
    assert {group(m) for m in modules()} - set(LAYERS) - SELF_CONTAINED == set()


# The brand's words: its job names, tabs and columns never appear in the library's code.
BRAND = (
    "validate",
    "describe",
    "overdue",
    "summaries",
    "SKUs",
    "Returns",
    "Gifts",
    "Influencers",
    "To Do",
    "Product Name",
    "Purity",
    "Carat Weight",
    "Description Status",
)


@pytest.mark.parametrize("word", BRAND)
def test_the_library_names_no_brand_job_tab_or_column(word):
    found = []
    for name, path in modules().items():
        if group(name) == "testing":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _names(node.value, word):
                if word in ("validate", "summaries") and (
                    group(name) in ("cli", "__init__") or name == "sheetsync.engine.run"
                ):
                    continue  # the generic `sheetsync validate` and `sheetsync.summaries()` (jobs that declare so)
                found.append(f"{name}:{node.lineno}: {node.value[:60]!r}")
    assert found == []


def _names(text: str, word: str) -> bool:
    """Whether `text` is (or quotes) the word as a name, not prose that happens to contain it."""
    return text == word or re.search(rf"[\"'\[]{re.escape(word)}[\"'\]]", text) is not None

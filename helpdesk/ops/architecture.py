"""The package map in docs/architecture.md, drawn from the code: `make architecture`.

Reads who imports whom with grimp (the graph import-linter checks the contracts on) and the
layers from the `layers` contract in pyproject.toml, then writes between the two marker
comments of docs/architecture.md:

- a Mermaid diagram: one box per layer, highest first, one node per top-level package, an
  arrow for each package-level import (left out when a longer path already says it);
- a table of every package: what it owns (its docstring's first sentence), the helpdesk
  packages it imports directly, the third-party libraries it imports.

    python -m helpdesk.ops.architecture           rewrite the block when it is out of date
    python -m helpdesk.ops.architecture --check   exit 1 when the committed block is stale

tests/test_architecture.py fails when the committed page no longer matches the code.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "helpdesk"
PAGE = ROOT / "docs" / "architecture.md"
BEGIN = "<!-- architecture:begin (made by `make architecture`; do not edit by hand) -->"
END = "<!-- architecture:end -->"

# Titles for the boxes, by a package the layer holds; a layer none of them names is shown
# as "layer N" (the picture stays right, only less friendly).
LAYER_TITLES = {
    "cli": "app wiring",
    "views": "entry points",
    "web": "what entry points use",
    "services": "use cases",
    "search": "what use cases call",
    "runtime": "running app, words, database",
    "models": "tables",
    "domain": "foundations",
}

Graph = Mapping[str, set[str]]


def read_layers(pyproject: Path) -> tuple[list[list[str]], set[str]]:
    """The layers contract's layers (highest first, each a list of package names) and the
    top-level modules it leaves out on purpose (exhaustive_ignores: re-exports on their way
    out, which the picture sees through)."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract.get("type") == "layers" and contract.get("containers") == [PACKAGE]:
            layers = [_layer_members(raw) for raw in contract["layers"]]
            return layers, set(contract.get("exhaustive_ignores", []))
    raise LookupError(f"{pyproject.name}: no layers contract with containers = [{PACKAGE!r}]")


def _layer_members(raw: str) -> list[str]:
    for separator in ("|", ":"):
        if separator in raw:
            return [part.strip().strip("()") for part in raw.split(separator)]
    return [raw.strip().strip("()")]


def build_graph() -> grimp.ImportGraph:
    """The module import graph of the helpdesk, third-party packages as single nodes."""
    return grimp.build_graph(PACKAGE, include_external_packages=True, cache_dir=None)


def top_level(graph: grimp.ImportGraph) -> list[str]:
    """The names of the helpdesk's top-level modules and packages (without the prefix)."""
    return sorted(name.split(".")[1] for name in graph.find_children(PACKAGE))


def package_imports(graph: grimp.ImportGraph) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """For each top-level package: the other top-level packages it imports directly, and the
    third-party libraries it imports. The app factory (helpdesk/__init__.py) is left out:
    it wires everything."""
    internal: dict[str, set[str]] = {name: set() for name in top_level(graph)}
    libraries: dict[str, set[str]] = {name: set() for name in internal}
    for module in graph.modules:
        parts = module.split(".")
        if parts[0] != PACKAGE or len(parts) < 2:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = imported.split(".")
            if target[0] == PACKAGE:
                if len(target) > 1 and target[1] != parts[1]:
                    internal[parts[1]].add(target[1])
            elif not _standard_library(target[0]):
                libraries[parts[1]].add(target[0])
    return internal, libraries


def skip(graph: Graph, passed: set[str]) -> dict[str, set[str]]:
    """The graph without the `passed` modules: who imported one imports what it imports."""
    result: dict[str, set[str]] = {}
    for source, targets in graph.items():
        if source in passed:
            continue
        found: set[str] = set()
        seen: set[str] = set()
        todo = list(targets)
        while todo:
            target = todo.pop()
            if target in passed and target not in seen:
                seen.add(target)
                todo.extend(graph.get(target, ()))
            elif target not in passed and target != source:
                found.add(target)
        result[source] = found
    return result


def _standard_library(name: str) -> bool:
    return name in sys.stdlib_module_names or name == "__future__"


def reduced(graph: Graph) -> dict[str, set[str]]:
    """The arrows worth drawing: a → b unless a reaches b through another package too."""
    result: dict[str, set[str]] = {}
    for source, targets in graph.items():
        result[source] = {
            target
            for target in targets
            if not any(_reaches(graph, other, target) for other in targets - {target})
        }
    return result


def _reaches(graph: Graph, start: str, goal: str) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def summary(name: str) -> str:
    """The first sentence of a top-level module's docstring, on one line."""
    folder = ROOT / PACKAGE / name
    path = folder / "__init__.py" if folder.is_dir() else folder.with_suffix(".py")
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(docstring.split("\n\n")[0].split())
    end = paragraph.find(". ")
    sentence = paragraph if end < 0 else paragraph[: end + 1]
    return sentence.replace("|", "\\|")  # a table cell


def label(name: str) -> str:
    """How the page names a top-level module: `views/` for a package, `config.py` else."""
    return f"{name}/" if (ROOT / PACKAGE / name).is_dir() else f"{name}.py"


def mermaid(layers: list[list[str]], arrows: Graph, outside: Iterable[str]) -> list[str]:
    """The diagram's lines: one box per layer, highest first, then the arrows."""
    lines = ["```mermaid", "flowchart TB"]
    for number, members in enumerate(layers, start=1):
        title = next((LAYER_TITLES[m] for m in members if m in LAYER_TITLES), None)
        lines.append(f'  subgraph L{number}["{number}. {title or f"layer {number}"}"]')
        lines.extend(f'    {m}["{label(m)}"]' for m in members)
        lines.append("  end")
    rest = sorted(outside)
    if rest:
        lines.append('  subgraph OUT["in no layer"]')
        lines.extend(f'    {m}["{label(m)}"]' for m in rest)
        lines.append("  end")
    for number in range(1, len(layers)):
        lines.append(f"  L{number} ~~~ L{number + 1}")
    for source in sorted(arrows):
        lines.extend(f"  {source} --> {target}" for target in sorted(arrows[source]))
    lines.append("```")
    return lines


def table(
    layers: list[list[str]], internal: Graph, libraries: Graph, outside: Iterable[str]
) -> list[str]:
    """Every top-level module: its layer, what it owns, what it imports."""
    order = [(number, m) for number, ms in enumerate(layers, start=1) for m in ms]
    order += [(0, m) for m in sorted(outside)]
    lines = [
        "| layer | package | what it owns | imports from helpdesk | libraries |",
        "|---|---|---|---|---|",
    ]
    for number, name in order:
        uses = ", ".join(label(m) for m in sorted(internal.get(name, ()))) or "–"
        libs = ", ".join(sorted(libraries.get(name, ()), key=str.lower)) or "–"
        where = str(number) if number else "–"
        lines.append(f"| {where} | `{label(name)}` | {summary(name)} | {uses} | {libs} |")
    return lines


def block(graph: grimp.ImportGraph, pyproject: Path) -> str:
    """The text between the markers, for the code as it is."""
    layers, see_through = read_layers(pyproject)
    internal, libraries = package_imports(graph)
    internal = skip(internal, see_through)
    placed = {m for ms in layers for m in ms}
    outside = sorted(set(internal) - placed)
    lines = [
        *mermaid(layers, reduced(internal), outside),
        "",
        *table(layers, internal, libraries, outside),
    ]
    return "\n".join(lines) + "\n"


def replace_block(page: str, new_block: str) -> str:
    """The page with the text between the markers replaced."""
    start, stop = page.find(BEGIN), page.find(END)
    if start < 0 or stop < start:
        raise ValueError(f"the markers {BEGIN!r} … {END!r} are missing")
    return page[: start + len(BEGIN)] + "\n" + new_block + page[stop:]


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check, only compare) the generated block of the page."""
    parser = argparse.ArgumentParser(description="Redraw the package map in docs/architecture.md.")
    parser.add_argument("--check", action="store_true", help="exit 1 when the page is stale")
    args = parser.parse_args(argv)
    try:
        page = PAGE.read_text(encoding="utf-8")
        updated = replace_block(page, block(build_graph(), ROOT / "pyproject.toml"))
    except (OSError, ValueError, LookupError) as error:
        print(f"architecture: {PAGE.relative_to(ROOT)}: {error}", file=sys.stderr)
        return 2
    if updated == page:
        print(f"architecture: {PAGE.relative_to(ROOT)} is up to date")
        return 0
    if args.check:
        print(f"architecture: {PAGE.relative_to(ROOT)} is out of date: run make architecture")
        return 1
    PAGE.write_text(updated, encoding="utf-8")
    print(f"architecture: {PAGE.relative_to(ROOT)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

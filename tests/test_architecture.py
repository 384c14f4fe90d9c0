"""docs/architecture.md matches the code: the package map is what `make architecture` draws
now, and every file the page points a change to exists."""

from __future__ import annotations

import difflib
import re
import subprocess
import sys

import grimp
import pytest

from helpdesk.ops import architecture

PYPROJECT = architecture.ROOT / "pyproject.toml"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return architecture.build_graph()


def committed_block() -> str:
    page = architecture.PAGE.read_text(encoding="utf-8")
    start = page.index(architecture.BEGIN) + len(architecture.BEGIN) + 1
    return page[start : page.index(architecture.END)]


def test_the_committed_map_is_the_code_s(graph: grimp.ImportGraph) -> None:
    drawn = architecture.block(graph, PYPROJECT)
    diff = "".join(
        difflib.unified_diff(
            committed_block().splitlines(keepends=True),
            drawn.splitlines(keepends=True),
            "docs/architecture.md",
            "the code now",
        )
    )
    assert not diff, "docs/architecture.md is out of date: run make architecture\n" + diff


def test_a_new_import_changes_the_map(graph: grimp.ImportGraph) -> None:
    """The check above can fail: one import from the domain up to the views shows."""
    before = architecture.block(graph, PYPROJECT)
    graph.add_import(importer="helpdesk.domain.sla", imported="helpdesk.views.public")
    try:
        after = architecture.block(graph, PYPROJECT)
    finally:
        graph.remove_import(importer="helpdesk.domain.sla", imported="helpdesk.views.public")
    assert "domain --> views" in after
    assert "domain --> views" not in before


def test_every_package_is_in_a_layer_with_a_docstring(graph: grimp.ImportGraph) -> None:
    layers, see_through = architecture.read_layers(PYPROJECT)
    placed = {name for layer in layers for name in layer}
    assert set(architecture.top_level(graph)) - see_through <= placed
    for name in placed:
        assert architecture.summary(name), f"helpdesk/{name} has no docstring"


def test_arrows_a_longer_path_implies_are_not_drawn() -> None:
    graph = {"views": {"web", "services", "domain"}, "web": {"services"}, "services": {"domain"}}
    assert architecture.reduced(graph) == {
        "views": {"web"},
        "web": {"services"},
        "services": {"domain"},
    }


def test_a_re_export_is_seen_through() -> None:
    graph = {"search": {"clock", "words"}, "clock": {"runtime"}, "runtime": set(), "words": set()}
    assert architecture.skip(graph, {"clock"}) == {
        "search": {"runtime", "words"},
        "runtime": set(),
        "words": set(),
    }


def test_a_page_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        architecture.replace_block("# no markers here\n", "x\n")


def test_the_command_checks_without_writing() -> None:
    before = architecture.PAGE.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk.ops.architecture", "--check"],
        cwd=architecture.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "architecture: docs/architecture.md is up to date",
    ), done.stderr
    assert architecture.PAGE.read_bytes() == before


def where_table_paths() -> list[str]:
    """The files and folders the page's "Where each kind of change goes" table names."""
    page = architecture.PAGE.read_text(encoding="utf-8")
    section = page.split("## Where each kind of change goes", 1)[1]
    found = []
    for cell in re.findall(r"`([^`]+)`", section):
        if re.fullmatch(r"[\w./*<>-]+/|[\w./*<>-]+\.(py|txt|css|md)", cell):
            found.append(cell)
    return found


def test_the_page_names_files_that_exist() -> None:
    paths = where_table_paths()
    assert len(paths) > 40
    missing = []
    for path in paths:
        if "<" in path:  # a pattern: `models/<table>.py`, `tests/<the package's folder>/`
            path = path.split("<")[0]
        bases = [architecture.ROOT / "helpdesk", architecture.ROOT]
        if not any(base.glob(path.rstrip("/")) for base in bases):
            missing.append(path)
    assert missing == [], "docs/architecture.md names what is not in the tree: " + str(missing)

"""The search package's layout rules, read from the source (issue 12).

- Only `search/whoosh/fast/` may touch Whoosh's internals: no other module reads or writes
  an attribute whose name starts with one underscore on anything but `self`/`cls`, or
  imports a private name from Whoosh.
- The engine-neutral part imports no engine: an app on PostgreSQL search never loads Whoosh.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import helpdesk.search

SEARCH = Path(helpdesk.search.__file__).parent
FAST = SEARCH / "whoosh" / "fast"
ROOT = SEARCH.parents[1]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every private attribute on something other than self/cls, and every
    private name imported from Whoosh."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                yield node.lineno, f"{ast.unparse(owner)}.{node.attr}"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            for alias in node.names:
                if _private(alias.name):
                    yield node.lineno, f"from {node.module} import {alias.name}"


def test_the_rule_sees_private_reads_writes_and_imports() -> None:
    source = (
        "from whoosh.system import _INT_SIZE\n"
        "def f(matcher, post, self):\n"
        "    matcher._data\n"
        "    post._ids = []\n"
        "    self._ok = matcher.__class__\n"
    )
    assert sorted(line for line, _ in private_uses(source)) == [1, 3, 4]


def test_only_the_fast_package_touches_whoosh_internals() -> None:
    found = []
    for path in sorted(SEARCH.rglob("*.py")):
        if FAST in path.parents:
            continue
        for line, what in private_uses(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == [], "Whoosh internals outside search/whoosh/fast/:\n" + "\n".join(found)


def test_the_fast_package_is_where_the_internals_are() -> None:
    """The rule checks something: the speed-ups do touch internals, inside fast/."""
    assert any(
        list(private_uses(p.read_text(encoding="utf-8"))) for p in sorted(FAST.rglob("*.py"))
    )


@pytest.mark.parametrize(("backend", "loaded"), [("postgres", False), ("whoosh", True)])
def test_only_the_chosen_engine_is_imported(backend: str, loaded: bool, tmp_path: Path) -> None:
    """Importing helpdesk and creating an app with SEARCH_BACKEND=postgres loads no Whoosh
    module; the Whoosh app does load it (so the check can fail)."""
    script = (
        "import sys\n"
        "from helpdesk import create_app\n"
        "create_app()\n"
        "print(sorted(m for m in sys.modules if m == 'whoosh' or m.startswith('whoosh.')))\n"
    )
    database = {
        # Never connected: creating the app opens no connection.
        "postgres": "postgresql+psycopg://nobody@127.0.0.1:9/unused",
        "whoosh": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }[backend]
    env = {
        **os.environ,
        "HELPDESK_DATABASE_URL": database,
        "HELPDESK_SEARCH_BACKEND": backend,
        "HELPDESK_DATA_DIR": str(tmp_path / "data"),
        "HELPDESK_SECRET_KEY": "test",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    modules = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert bool(modules) is loaded, modules

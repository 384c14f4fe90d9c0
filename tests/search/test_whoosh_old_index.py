"""An index built before the search package moved into wings still opens (its pickled
field types name the old module path helpdesk.search.whoosh_schema)."""

from __future__ import annotations

import pickle

import helpdesk.search.whoosh  # noqa: F401 - the package holds the alias under test
from helpdesk.search.whoosh.schema import make_schema


def test_a_schema_pickled_under_the_old_module_path_loads() -> None:
    data = pickle.dumps(make_schema(), protocol=2)
    new, old = b"helpdesk.search.whoosh.schema", b"helpdesk.search.whoosh_schema"
    assert new in data
    loaded = pickle.loads(data.replace(new, old))  # noqa: S301 - our own bytes
    assert sorted(loaded.names()) == sorted(make_schema().names())
    assert type(loaded["stem"]).__module__ == "helpdesk.search.whoosh.schema"

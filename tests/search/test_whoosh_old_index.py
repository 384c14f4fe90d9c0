"""Old Whoosh indexes: one built before the search package moved into wings still opens (its
pickled field types name the old module path helpdesk.search.whoosh_schema), and one built
with older word forms is reported by `search check` and rebuilt by `--fix`."""

from __future__ import annotations

import pickle
from typing import Any

import helpdesk.search.whoosh  # noqa: F401 - the package holds the alias under test
from helpdesk.search.whoosh.schema import make_schema


def test_a_schema_pickled_under_the_old_module_path_loads() -> None:
    data = pickle.dumps(make_schema(), protocol=2)
    new, old = b"helpdesk.search.whoosh.schema", b"helpdesk.search.whoosh_schema"
    assert new in data
    loaded = pickle.loads(data.replace(new, old))  # noqa: S301 - our own bytes
    assert sorted(loaded.names()) == sorted(make_schema().names())
    assert type(loaded["stem"]).__module__ == "helpdesk.search.whoosh.schema"


def test_an_index_with_older_word_forms_is_reported_and_rebuilt(search_app: Any) -> None:
    """Stems are stamped in the index's own schema (ANALYSIS_VERSION); an index stamped
    older (here: built by a schema whose stem fields lack the stamp, as before it existed)
    is still searched, `search check` reports it and `--fix` rebuilds it with the new forms."""
    from helpdesk import search
    from helpdesk.search.base import OLD_ANALYSIS
    from helpdesk.search.language.text import ANALYSIS_VERSION
    from helpdesk.search.whoosh.schema import analysis_of
    from helpdesk.search.whoosh.store import open_index
    from tests.search.support import Spec, add_complaints, find

    assert analysis_of(make_schema()) == ANALYSIS_VERSION
    (plural,) = add_complaints([Spec("Twee lampenkappen zijn gebroken.")])
    engine = search.backend()
    old = make_schema()
    for name in ("stem", "nstem"):
        del old[name].analysis  # the class's 1 shows through, as in an old pickle
    assert analysis_of(pickle.loads(pickle.dumps(old))) == 1  # noqa: S301 - our own bytes
    engine.schema = old  # type: ignore[attr-defined]
    engine.reindex(progress=False)
    live = engine.store.current_dir()  # type: ignore[attr-defined]
    assert analysis_of(open_index(live).schema) == 1
    assert find("lampenkappen").complaint_ids == [plural.id]  # still searched
    report = search.check()
    assert not report.ok and report.problem == OLD_ANALYSIS
    result = search_app.test_cli_runner().invoke(args=["search", "check"])
    assert result.exit_code == 1 and "built with older word forms" in result.output
    engine.schema = make_schema()  # type: ignore[attr-defined]
    assert search.check(fix=True).fixed
    live = engine.store.current_dir()  # type: ignore[attr-defined]
    assert analysis_of(open_index(live).schema) == ANALYSIS_VERSION
    assert search.check().ok
    assert find("lampenkap").complaint_ids == [plural.id]

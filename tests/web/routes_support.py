"""Example URLs of the app's routes, for the tests that walk the URL map (test_blueprints,
test_auth): every route is covered, a new one included."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import AnyConverter, IntegerConverter, Rule

#: Example values of URL parts that are not a complaint's reference.
EXAMPLES = {"kind": "refund", "language": "en"}


def example_url(rule: Rule, reference: str = "ABCD2345EFGH") -> str:
    """A URL of `rule` with example values: 1 for a number, the first choice of a list,
    EXAMPLES by name, and `reference` (a complaint's code) for any other part."""
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = EXAMPLES.get(name, reference)
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]

"""The inbox's links are built without url_for but must read exactly as url_for builds
them: same encoding, None left out, lists repeated, the script root kept."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for

from helpdesk.views.staff.inbox import inbox_href
from helpdesk.web.links import query_url

ARGS: list[dict[str, Any]] = [
    {},
    {"q": "refund damaged", "page": 2},
    {"q": "“quoted” & <b>tags</b> #hash +plus 100%", "status": "all"},
    {"q": "ünïcödé ß € 😀", "category": "physical", "sort": "newest"},
    {"q": "a/b?c=d;e:f@g!h$i'j(k)l*m,n", "assignee": 7},
    {"q": None, "due": "soon"},
    {"status": ["open", "closed"], "page": 1},
]


@pytest.mark.parametrize("args", ARGS)
@pytest.mark.parametrize("root", ["", "/helpdesk"])
def test_inbox_links_read_as_url_for_builds_them(
    app: Flask, args: dict[str, Any], root: str
) -> None:
    with app.test_request_context("/staff/", base_url=f"http://localhost{root}/"):
        expected = url_for("staff.inbox", **args)
        assert expected.startswith(f"{root}/staff/")
        assert inbox_href(args) == expected
        assert inbox_href(args) == expected  # the path kept for the request gives the same
        assert query_url(url_for("staff.inbox"), args) == expected

"""The favicon: an SVG and a 32 px PNG linked from every page, and /favicon.ico answered
(issue 14 item 6)."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from PIL import Image


def test_the_favicon(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon-32.png" sizes="32x32" type="image/png">' in html
    for url, kind in [("/favicon.ico", "image/vnd.microsoft.icon"),
                      ("/static/favicon-32.png", "image/png"),
                      ("/static/favicon.svg", "image/svg+xml")]:  # fmt: skip
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.mimetype == kind, url
            data = response.data
        if kind != "image/svg+xml":
            with Image.open(io.BytesIO(data)) as icon:
                assert icon.size == (32, 32)

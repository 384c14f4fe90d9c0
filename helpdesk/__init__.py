"""The complaints helpdesk: create_app() wires settings, extensions, blueprints and commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .config import ROOT, load_config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` overrides the settings read from the environment."""
    instance = Path(ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(load_config(instance, test_config))
    if test_config:
        app.config.update(test_config)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    for key in ("DATA_DIR", "UPLOAD_DIR"):
        Path(app.config[key]).mkdir(parents=True, exist_ok=True)

    from . import cli, database, speedups, views, web
    from .extensions import babel, csrf, db, limiter, login_manager
    from .files import uploads
    from .web import errors, security

    db.init_app(app)
    database.init_app(app)
    cli.init_app(app)  # the commands and Flask-Migrate, attached when first looked up
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    login_manager.init_app(app)
    security.init_app(app)
    web.init_app(app)
    speedups.install(app)
    errors.init_app(app)
    uploads.init_app(app)
    views.register_blueprints(app)
    _init_search(app)
    return app


def _init_search(app: Flask) -> None:
    """Hook the search index to database commits (the search package owns how); the Whoosh
    speed-ups follow the library patches' switch."""
    from . import search, speedups

    search.init_app(app, fast=speedups.enabled(app))

"""/healthz: 200 when the database answers, the search index is readable and writable, its
queue is being applied, and the data folder has room; 503 with the reason otherwise."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from .. import search
from ..extensions import db
from ..models.types import utcnow

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Report each part; any failure gives 503 with the reason."""
    checks: dict[str, str] = {"database": _database()}
    checks["search"] = search.health()
    queue = _queue(checks)
    checks["disk"] = _disk()
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "degraded", "checks": checks, "search_queue": queue}
    return jsonify(body), 200 if healthy else 503


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 — a health check reports, never raises
        db.session.rollback()
        return f"error: {type(exc).__name__}"
    return "ok"


def _queue(checks: dict[str, str]) -> dict[str, Any]:
    """The search queue's length and age; stale when the oldest change waited too long
    (the indexer is not running, or cannot write the index)."""
    try:
        state = search.queue_state()
    except Exception as exc:  # noqa: BLE001 — reported as the check's value
        db.session.rollback()
        checks["search_queue"] = f"error: {type(exc).__name__}"
        return {}
    age = state.age(utcnow())
    limit = float(current_app.config["INDEX_QUEUE_MAX_AGE"])
    checks["search_queue"] = (
        "ok" if age <= limit else f"stale: oldest change waited {age:.0f} s (limit {limit:.0f} s)"
    )
    return {"rows": state.rows, "oldest_seconds": round(age, 1)}


def _disk() -> str:
    """Free space and a write probe in the data folder (and the SQLite file's folder)."""
    minimum = int(current_app.config["MIN_FREE_DISK_MB"]) * 1024 * 1024
    for folder in _folders():
        try:
            free = shutil.disk_usage(folder).free
            handle, name = tempfile.mkstemp(prefix=".healthz-", dir=folder)
            os.close(handle)
            os.unlink(name)
        except OSError as exc:
            return f"not writable: {folder.name}: {exc.strerror or type(exc).__name__}"
        if free < minimum:
            return (
                f"low: {free // (1024 * 1024)} MB free in {folder.name} "
                f"(minimum {minimum // (1024 * 1024)} MB)"
            )
    return "ok"


def _folders() -> list[Path]:
    """DATA_DIR, and the SQLite database's folder when it is elsewhere."""
    folders = [Path(current_app.config["DATA_DIR"])]
    url = db.engine.url
    name = url.database or ""
    if url.get_backend_name() != "sqlite" or name in ("", ":memory:"):
        return folders
    if url.query.get("uri") and name.startswith("file:"):
        name = name.removeprefix("file:")
    parent = Path(name).parent
    if parent.resolve() != folders[0].resolve():
        folders.append(parent)
    return folders

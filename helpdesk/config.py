"""Settings, read from HELPDESK_* environment variables (PRODUCT.md, "Configuration")."""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: Mediation bodies shown after the final response: "Name|URL" pairs separated by ";".
DEFAULT_MEDIATION = (
    "De Geschillencommissie (Webshop)|https://www.degeschillencommissie.nl/;"
    "Stichting Webwinkelkeur / Thuiswinkel Waarborg|https://www.thuiswinkel.org/;"
    "EU consumer disputes (ECC Netherlands)|https://www.eccnederland.nl/"
)


def _env(name: str, default: str) -> str:
    return os.environ.get(f"HELPDESK_{name}", default)


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _dates(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())


def _categories(text: str) -> tuple[str, ...]:
    """Holiday categories to add; public ones always count ("optional" alone would drop them)."""
    extra = [c.strip() for c in text.split(",") if c.strip()]
    return tuple(dict.fromkeys(["public", *extra])) if extra else ()


def parse_mediation(text: str) -> list[dict[str, str]]:
    """`Name|URL;Name|URL` to a list of {"name", "url"}."""
    bodies = []
    for entry in text.split(";"):
        if not entry.strip():
            continue
        name, _, url = entry.partition("|")
        bodies.append({"name": name.strip(), "url": url.strip()})
    return bodies


def load_config(instance_path: Path) -> dict[str, Any]:
    """The Flask configuration for this process, from the environment."""
    data_dir = Path(_env("DATA_DIR", str(instance_path / "data")))
    secret = _env("SECRET_KEY", "")
    if not secret:
        # A stable key per instance folder, so sessions and emailed links survive restarts.
        key_file = instance_path / "secret_key"
        instance_path.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
        secret = key_file.read_text().strip()
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _env(
            "DATABASE_URL", f"sqlite:///{instance_path / 'helpdesk.sqlite3'}"
        ),
        "DATA_DIR": str(data_dir),
        "UPLOAD_DIR": str(data_dir / "uploads"),
        "SEARCH_INDEX_DIR": str(data_dir / "search-index"),
        "SEARCH_BACKEND": _env("SEARCH_BACKEND", "whoosh"),
        # Result pages kept per process for an unchanged index (0 turns the cache off).
        "SEARCH_CACHE_SIZE": _int("SEARCH_CACHE_SIZE", 64),
        "SMTP_URL": _env("SMTP_URL", "smtp://127.0.0.1:1025"),
        "SMTP_TIMEOUT": float(_env("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": _env("MAIL_FROM", "complaints@shop.example"),
        "SHOP_NAME": _env("SHOP_NAME", "IOPRO"),
        "SHOP_COMPLAINTS_EMAIL": _env("SHOP_COMPLAINTS_EMAIL", "info@iopro.nl"),
        "BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        "HOLIDAY_COUNTRY": _env("HOLIDAY_COUNTRY", "NL"),
        "HOLIDAY_CATEGORIES": _categories(_env("HOLIDAY_CATEGORIES", "")),
        "EXTRA_DAYS_OFF": _dates(_env("EXTRA_DAYS_OFF", "")),
        "REMOVED_DAYS_OFF": _dates(_env("REMOVED_DAYS_OFF", "")),
        "TIMEZONE": _env("TIMEZONE", "Europe/Amsterdam"),
        "REVIEW_PERIOD_DAYS": _int("REVIEW_PERIOD_DAYS", 30),
        "CLOSE_AFTER_DAYS": _int("CLOSE_AFTER_DAYS", 14),
        "DOWNLOAD_LINK_DAYS": _int("DOWNLOAD_LINK_DAYS", 14),
        "TRACKING_LINK_DAYS": _int("TRACKING_LINK_DAYS", 365),
        "MEDIATION_BODIES": parse_mediation(_env("MEDIATION_BODIES", DEFAULT_MEDIATION)),
        "MAX_ATTACHMENT_BYTES": _int("MAX_ATTACHMENT_MB", 10) * 1024 * 1024,
        "MAX_ATTACHMENTS": 5,
        # Room for 5 attachments of 10 MB plus the form itself.
        "MAX_CONTENT_LENGTH": 55 * 1024 * 1024,
        # Behind a reverse proxy: trusted X-Forwarded-* hops (rate limits key on the client IP).
        "PROXY_HOPS": _int("PROXY_HOPS", 0),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_ENABLED": _env("RATELIMIT_ENABLED", "1") == "1",
        "LANGUAGES": ("en", "nl"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env("SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }

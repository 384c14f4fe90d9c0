"""Settings, read from HELPDESK_* environment variables (PRODUCT.md, "Configuration")."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: The dispute bodies named in the deadlock notice (the final response) and on the customer's
#: page after it: entries separated by ";", fields by "|" (see parse_mediation). The court
#: and, across borders, ECC Netherlands are named besides them always (services.dispute_bodies).
DEFAULT_MEDIATION = (
    "De Geschillencommissie|https://www.degeschillencommissie.nl/|yes|12|De Geschillencommissie|"
    "An independent committee that settles disputes between consumers and businesses, "
    "purchases from web shops included, once the consumer has first complained to the "
    "business. Its decision is binding advice for both sides.|"
    "Een onafhankelijke commissie die geschillen tussen consumenten en bedrijven beslecht, "
    "ook over aankopen in webwinkels, nadat de consument eerst bij het bedrijf heeft geklaagd. "
    "De uitspraak is een bindend advies voor beide partijen."
)
MEDIATION_FORMAT = (
    "Name|URL|yes or no (whether the shop takes part)|months to file (or empty)"
    "[|Dutch name[|description[|Dutch description]]], entries separated by ;"
)


def _env(name: str, default: str) -> str:
    return os.environ.get(f"HELPDESK_{name}", default)


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _optional_days(name: str, default: str) -> int | None:
    """A number of days, or None when the setting is empty or "off"."""
    text = _env(name, default).strip().lower()
    return None if text in ("", "off", "none") else int(text)


def _dates(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())


def _holiday_country() -> str:
    """HELPDESK_HOLIDAY_COUNTRY as the holidays package names it (an ISO 3166 code, any
    case), or the process stops with one line: a code it does not know would otherwise
    fail every page that shows a business-day clock."""
    from holidays.registry import EntityLoader  # the codes only: no country is imported

    code = _env("HOLIDAY_COUNTRY", "NL").strip().upper()
    if code not in EntityLoader.get_country_codes(include_aliases=True):
        raise SystemExit(
            f"Configuration error: HELPDESK_HOLIDAY_COUNTRY: {code!r} is not a country the "
            "holidays package knows; use an ISO 3166 country code such as NL, BE or DE."
        )
    return code


def _categories(text: str) -> tuple[str, ...]:
    """Holiday categories to add; public ones always count ("optional" alone would drop them)."""
    extra = [c.strip() for c in text.split(",") if c.strip()]
    return tuple(dict.fromkeys(["public", *extra])) if extra else ()


@dataclass(frozen=True)
class MediationSetting:
    """One dispute body as configured, in English and (optionally) Dutch."""

    name: str
    url: str
    takes_part: bool
    filing_limit_months: int | None
    name_nl: str = ""
    description: str = ""
    description_nl: str = ""


class MediationSettingError(ValueError):
    """HELPDESK_MEDIATION_BODIES cannot be read; the message says where and how."""


_YES_NO = {"yes": True, "y": True, "ja": True, "true": True, "no": False, "n": False,
           "nee": False, "false": False}  # fmt: skip


def parse_mediation(text: str) -> list[MediationSetting]:
    """`Name|URL|yes|12[|Dutch name[|description[|Dutch description]]];…` to settings;
    raises MediationSettingError naming the entry and what is wrong with it."""
    bodies = []
    for number, entry in enumerate((e for e in text.split(";") if e.strip()), start=1):
        fields = [field.strip() for field in entry.split("|")]
        try:
            bodies.append(_mediation_entry(fields))
        except ValueError as exc:
            raise MediationSettingError(
                f"HELPDESK_MEDIATION_BODIES, entry {number} ({entry.strip()!r}): {exc}. "
                f"Expected {MEDIATION_FORMAT}."
            ) from None
    return bodies


def _mediation_entry(fields: list[str]) -> MediationSetting:
    """One entry's fields, checked; raises ValueError saying what is wrong."""
    if not 4 <= len(fields) <= 7:
        raise ValueError(f"{len(fields)} fields instead of 4 to 7")
    name, url, takes_part, months = fields[:4]
    if not name:
        raise ValueError("the name is empty")
    if not url.startswith(("https://", "http://")) or " " in url:
        raise ValueError(f"the URL {url!r} does not start with https:// or http://")
    if takes_part.lower() not in _YES_NO:
        raise ValueError(f"whether the shop takes part must be yes or no, not {takes_part!r}")
    if months and not (months.isdigit() and 1 <= int(months) <= 120):
        raise ValueError(f"the months to file must be a number from 1 to 120, not {months!r}")
    extra = [*fields[4:], "", "", ""][:3]
    return MediationSetting(
        name, url, _YES_NO[takes_part.lower()], int(months) if months else None, *extra
    )


def _mediation_from_env() -> list[MediationSetting]:
    """The setting, or the process stops with one line saying what is wrong."""
    try:
        return parse_mediation(_env("MEDIATION_BODIES", DEFAULT_MEDIATION))
    except MediationSettingError as exc:
        raise SystemExit(f"Configuration error: {exc}") from None


def load_config(instance_path: Path, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The Flask configuration for this process, from the environment; settings in `given`
    (a test's) win, and a secret key given there leaves the instance folder untouched."""
    data_dir = Path(_env("DATA_DIR", str(instance_path / "data")))
    secret = (given or {}).get("SECRET_KEY") or _env("SECRET_KEY", "")
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
        # Inbound emails as they arrived, kept as evidence (services.raw_email).
        "RAW_EMAIL_DIR": str(data_dir / "raw-email"),
        "SEARCH_INDEX_DIR": str(data_dir / "search-index"),
        "SEARCH_BACKEND": _env("SEARCH_BACKEND", "whoosh"),
        # Result pages kept per process for an unchanged index (0 turns the cache off).
        "SEARCH_CACHE_SIZE": _int("SEARCH_CACHE_SIZE", 64),
        # Worker processes of a Whoosh rebuild (each writes a segment of up to 50,000
        # complaints, about 0.6 GB at its peak); 1 rebuilds in the command's own process.
        "SEARCH_REINDEX_PROCS": _int("SEARCH_REINDEX_PROCS", min(os.cpu_count() or 1, 2)),
        # Queued index changes are applied by `flask search indexer`; 1 applies them right
        # after each commit in the committing process instead (the tests' setting).
        "SEARCH_INDEX_INLINE": _env("SEARCH_INDEX_INLINE", "0") == "1",
        # PostgreSQL search: queue a change's entry (0, cheaper per request: measured in
        # docs/performance.md) or write it in the change's own transaction (1).
        "SEARCH_INDEX_IN_TRANSACTION": _env("SEARCH_INDEX_IN_TRANSACTION", "0") == "1",
        # /healthz answers 503 when the oldest queued index change waited longer (seconds).
        "INDEX_QUEUE_MAX_AGE": _int("INDEX_QUEUE_MAX_AGE", 300),
        # /healthz answers 503 when the data folder (or the SQLite file's) has less free.
        "MIN_FREE_DISK_MB": _int("MIN_FREE_DISK_MB", 100),
        # SQLite (helpdesk.database): ms a writer waits for the lock before a 503.
        "SQLITE_BUSY_TIMEOUT_MS": _int("SQLITE_BUSY_TIMEOUT_MS", 5000),
        "SMTP_URL": _env("SMTP_URL", "smtp://127.0.0.1:1025"),
        "SMTP_TIMEOUT": float(_env("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": _env("MAIL_FROM", "complaints@shop.example"),
        "SHOP_NAME": _env("SHOP_NAME", "IOPRO"),
        "SHOP_COMPLAINTS_EMAIL": _env("SHOP_COMPLAINTS_EMAIL", "info@iopro.nl"),
        "BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        "HOLIDAY_COUNTRY": _holiday_country(),
        "HOLIDAY_CATEGORIES": _categories(_env("HOLIDAY_CATEGORIES", "")),
        "EXTRA_DAYS_OFF": _dates(_env("EXTRA_DAYS_OFF", "")),
        "REMOVED_DAYS_OFF": _dates(_env("REMOVED_DAYS_OFF", "")),
        "TIMEZONE": _env("TIMEZONE", "Europe/Amsterdam"),
        "REVIEW_PERIOD_DAYS": _int("REVIEW_PERIOD_DAYS", 30),
        # The shop's period to answer a dispute body (default 4 weeks, domain.mediation).
        "REFERRAL_REPLY_DAYS": _int("REFERRAL_REPLY_DAYS", 28),
        "CLOSE_AFTER_DAYS": _int("CLOSE_AFTER_DAYS", 14),
        # Acknowledgement emails to one address per 24 h; complaints beyond it are kept unsent.
        "ACKS_PER_ADDRESS_DAY": _int("ACKS_PER_ADDRESS_DAY", 3),
        # A staff session ends this long after the login, however busy (12 h idle ends it too).
        "STAFF_SESSION_HOURS": _int("STAFF_SESSION_HOURS", 24),
        "DOWNLOAD_LINK_DAYS": _int("DOWNLOAD_LINK_DAYS", 14),
        # Privacy (services.privacy): a case is kept this long after the shop's last word (a
        # dispute body takes it up to 12 months after the complaint), and `privacy purge`
        # anonymises closed cases this long after closing (off: only on request).
        "LEGAL_HOLD_DAYS": _int("LEGAL_HOLD_DAYS", 365),
        "RETENTION_DAYS": _optional_days("RETENTION_DAYS", "730"),
        "TRACKING_LINK_DAYS": _int("TRACKING_LINK_DAYS", 365),
        "MEDIATION_BODIES": _mediation_from_env(),
        "MAX_ATTACHMENT_BYTES": _int("MAX_ATTACHMENT_MB", 10) * 1024 * 1024,
        "MAX_ATTACHMENTS": 5,
        # Pixels one picture may have, read from its header before anything is decoded
        # (uploads.over_pixel_budget); decoding costs about 4 bytes a pixel.
        "MAX_IMAGE_PIXELS": _int("MAX_IMAGE_PIXELS", 40_000_000),
        # Room for 5 attachments of 10 MB plus the form itself.
        "MAX_CONTENT_LENGTH": 55 * 1024 * 1024,
        # Behind a reverse proxy: trusted X-Forwarded-* hops (rate limits key on the client IP).
        "PROXY_HOPS": _int("PROXY_HOPS", 0),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URL", "memory://"),
        # Redis keys start with this: several helpdesks (or test runs) can share one Redis.
        "RATELIMIT_KEY_PREFIX": _env("RATELIMIT_KEY_PREFIX", "helpdesk"),
        "RATELIMIT_ENABLED": _env("RATELIMIT_ENABLED", "1") == "1",
        # Retry-After (and X-RateLimit-*) on responses, so a 429 says when to come back.
        "RATELIMIT_HEADERS_ENABLED": True,
        # The speed-ups that patch libraries (helpdesk.speedups); 0 runs on the stock ones.
        "LIBRARY_PATCHES": _env("LIBRARY_PATCHES", "1") == "1",
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

"""The ground bench/under_fire.py stands on: the shop's settings on the scratch data, a Redis
database of its own for the rate limits, a staff account and a search index on the copy,
and the operator's `flask mail retry` after the SMTP refusal (the pytest's shortcut)."""

from __future__ import annotations

import secrets
import subprocess

from dataset import FLASK, ROOT, Dataset, flask
from fire_sink import RefusingSink
from sqlalchemy import create_engine, text

STAFF = ("under-fire@bench.example", "under-fire-" + secrets.token_hex(8))
REDIS = "redis://127.0.0.1:6379"


def free_redis_db(server: str = REDIS) -> str:
    """The URL of a database number of the Redis `server` that holds no keys (15 down to 1)."""
    import redis

    server = server.rstrip("/")
    for number in range(15, 0, -1):
        with redis.Redis.from_url(f"{server}/{number}") as client:
            if client.dbsize() == 0:
                return f"{server}/{number}"
    raise RuntimeError(f"no empty Redis database at {server}")


def forget_limits(url: str, prefix: str) -> int:
    """Remove the run's rate-limit keys from Redis."""
    import redis

    with redis.Redis.from_url(url) as client:
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        return int(client.delete(*keys)) if keys else 0


def server_env(target: Dataset, sink: RefusingSink, port: int, redis_url: str, prefix: str) -> dict:
    """The settings of a shop (README, Production), on the scratch data."""
    env = target.env()
    env.pop("HELPDESK_SEARCH_CACHE_SIZE", None)  # the bench's 0; a shop keeps the cache
    env.update(
        HELPDESK_RATELIMIT_ENABLED="1",
        HELPDESK_RATELIMIT_STORAGE_URL=redis_url,
        HELPDESK_RATELIMIT_KEY_PREFIX=prefix,
        HELPDESK_PROXY_HOPS="1",
        HELPDESK_SMTP_URL=sink.url,
        HELPDESK_BASE_URL=f"http://127.0.0.1:{port}",
        HELPDESK_WORKERS="2",
        HELPDESK_THREADS="4",
    )
    return env


def prepare_copy(dataset: Dataset, env: dict[str, str]) -> list[tuple[str, str]]:
    """A search index and a staff account on the copy; some stored (reference, email) pairs."""
    account = ["staff", "create", STAFF[0], "--name", "Under fire", "--role", "agent"]
    creating = subprocess.Popen(  # beside the reindex: each is mostly a Flask start-up
        [*FLASK, *account, "--password-stdin"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if dataset.backend == "whoosh" and not (dataset.folder / "data" / "search-index").is_dir():
        flask(dataset, "search", "reindex", "--quiet", quiet=True)
    printed, _ = creating.communicate(STAFF[1] + "\n", timeout=120)
    if creating.returncode != 0:
        raise RuntimeError(f"flask staff create failed: {printed.strip()[-500:]}")
    engine = create_engine(dataset.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT reference, email FROM complaint ORDER BY id DESC LIMIT 400")
            )
            return [(str(r), str(e)) for r, e in rows]
    finally:
        engine.dispose()


def resend_refused(env: dict[str, str], database_url: str, after: int) -> int:
    """`flask mail retry ID…` for the new complaints' emails a refusal sent back to wait."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = [
                str(i)
                for (i,) in conn.execute(
                    text(
                        "SELECT id FROM outbox_email WHERE complaint_id > :after AND "
                        "sent_at IS NULL AND failed_at IS NULL AND last_error IS NOT NULL"
                    ),
                    {"after": after},
                )
            ]
    finally:
        engine.dispose()
    if ids:
        subprocess.run([*FLASK, "mail", "retry", *ids], cwd=ROOT, env=env, check=True)
    return len(ids)

"""Fill a new index folder from the database: the rebuild's writer, fast or stock.

With the speed-ups on, fast/bulk writes whole segments in one go (in worker processes for
a large database). With them off (LIBRARY_PATCHES=0) Whoosh's own writer adds every
document and commits once: the same documents and hits, written the stock way (slower:
about 20 microseconds a posting).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from ...models import Complaint
from ..documents import SearchDocument, iter_documents
from .schema import fields_for
from .store import create_index

#: Below this many complaints a fast rebuild runs in this process (workers cost more).
PARALLEL_FROM = 5000


def build_index(
    path: Path,
    schema: Any,
    engine: Engine,
    procs: int,
    parallel_from: int,
    progress: bool,
    batches: Iterable[list[SearchDocument]] | None = None,
    *,
    fast: bool = True,
) -> int:
    """A new index in `path` holding every complaint (or the documents of `batches`)."""
    if fast:
        from .fast.bulk import build_index as bulk_build

        return bulk_build(path, schema, engine, procs, parallel_from, progress, batches)
    return build_stock(path, schema, engine, progress, batches)


def build_stock(
    path: Path,
    schema: Any,
    engine: Engine,
    progress: bool,
    batches: Iterable[list[SearchDocument]] | None = None,
) -> int:
    """Whoosh's own writer, one commit at the end (no speed-ups)."""
    from tqdm import tqdm

    writer = create_index(path, schema).writer()
    count = 0
    try:
        with engine.connect() as conn:
            total = int(conn.scalar(select(func.count()).select_from(Complaint)) or 0)
            with tqdm(
                total=total, unit="complaint", disable=not progress, desc="search reindex"
            ) as bar:
                for batch in batches if batches is not None else iter_documents(conn):
                    for doc in batch:
                        writer.add_document(**fields_for(doc))
                    count += len(batch)
                    bar.update(len(batch))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count

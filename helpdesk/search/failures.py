"""Failures of a search index, logged and survived the same way by every caller.

A broken index must never fail a request: callers run index work through `quietly` (or
inside `corrupt_index_tolerated`, logging with `log_failure`) and fall back or retry.
"""

from __future__ import annotations

import gc
import logging
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def log_failure(logger: logging.Logger, message: str) -> None:
    """Log the exception being handled with its traceback as text. A record holding exc_info
    would keep the traceback (and the files whoosh left open in its frames) alive in any
    handler that stores records, so they would be closed later, somewhere else, noisily."""
    logger.warning("%s\n%s", message, traceback.format_exc())
    _failed.flag = True


#: Set by log_failure in this thread: corrupt_index_tolerated then collects leaked files.
_failed = threading.local()


@contextmanager
def corrupt_index_tolerated() -> Iterator[None]:
    """Whoosh leaves files open when it meets a corrupt index, and the garbage collector may
    close them at any moment inside the block: keep those ResourceWarnings quiet, and close
    what was left over at the end (callers log with log_failure, so no traceback holds them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        _failed.flag = False
        try:
            yield
        except BaseException:
            _failed.flag = True
            raise
        finally:
            # Only after a failure: a full collection costs milliseconds on a big heap.
            if getattr(_failed, "flag", False):
                _failed.flag = False
                gc.collect()


def quietly(fn: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run `fn`; on failure log it and return (None, the error's name)."""
    with corrupt_index_tolerated():
        try:
            return fn(), None
        except Exception as exc:  # noqa: BLE001 — logged with its traceback by log_failure
            log_failure(log, "search index error")
            error = type(exc).__name__
    return None, error

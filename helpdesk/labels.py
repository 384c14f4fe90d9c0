"""Moved to helpdesk.words.labels. This name stays only until the modules other engineers
are editing (search, reports) import the new one; then it goes."""

from .words.labels import *  # noqa: F403

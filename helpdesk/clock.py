"""Moved to helpdesk.runtime.clock. This name stays only until the modules other engineers
are editing (search, demo seeding, reports) import the new one; then it goes."""

from .runtime.clock import *  # noqa: F403

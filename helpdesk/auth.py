"""Moved to helpdesk.web.auth (request glue). This name stays only until views/resolution.py,
which another engineer is editing, imports the new one; then it goes."""

from .web.auth import current_staff, manager_required, staff_required

__all__ = ["current_staff", "manager_required", "staff_required"]

"""Everything any member of staff does (blueprint "staff", URLs under /staff): logging in
and out, the inbox, and everything on a case that agents and managers both may do.

- `auth`: /staff/login, /staff/logout;
- `inbox` (with `inbox_rows`): the inbox, /staff/;
- `case` (with `case_actions`): the case page /staff/complaints/<reference>, its actions
  (acknowledge, assign, category, reply, request information, note), files as downloads;
- `outcomes`: the outcome buttons, /staff/complaints/<reference>/outcome/<kind>;
- `emails`: "Retry now" on an email the outbox gave up;
- `panels` (with `mediation_panel`): what the case page's outcome, review and mediation
  panels show, built by the views and passed to the template.

What only managers do, on a case or not, is views/manager/ (the same /staff URLs).
`blueprint` holds `bp` and what the routes share. Importing a module adds its routes to
`bp`: a new one is one more line in the import below.
"""

from __future__ import annotations

from . import (  # noqa: F401 - each module adds its routes to bp
    auth,
    case,
    emails,
    inbox,
    outcomes,
)
from .blueprint import bp

__all__ = ["bp"]

"""Everything a customer reaches, without an account (blueprint "public", no URL prefix).

- `pages`: the policy in short (/) and the privacy page (/privacy);
- `submit`: the complaint form (/complaints/new) and its confirmation;
- `tracking`: opening a case (/track, the emailed link /track/link/<token>) and "Leave";
- `case`: the case page (/track/case), "Send answer", the customer's own files;
- `resolution`: "Request a review", "Rate this resolution", and the replacement file from
  the signed link (/download/<token>); `resolution_view` is what that part of the page shows.

`blueprint` holds `bp` and what the pages share. Importing a module adds its routes to
`bp`: a new one is one more line in the import below.
"""

from __future__ import annotations

from . import (  # noqa: F401 - each module adds its routes to bp
    case,
    pages,
    resolution,
    submit,
    tracking,
)
from .blueprint import bp

__all__ = ["bp"]

"""What only managers do (blueprint "manager", URLs among the staff ones under /staff):
every route is `@manager_required` (agents get the 403 page, anonymous visitors the login).

- `reviews`: review requests (/staff/manage/reviews) and "Send final response";
- `outcome_templates`: the outcome templates (/staff/manage/templates/...);
- `mediation`: referrals to a dispute body on a case (/staff/manage/complaints/.../mediation);
- `case_export`: "Export case file" (PDF) and "Evidence bundle" (ZIP) on a case;
- `reports`: the reports (/staff/reports) and their two CSV downloads;
- `team`: every staff account (/staff/team);
- `root_causes`: the root-cause list staff pick from (/staff/manage/root-causes);
- `corrective_actions`: corrective actions and their effectiveness checks
  (/staff/manage/corrective-actions).

Adding a page: write `helpdesk/views/manager/<name>.py` with a docstring, put its routes on
`bp` (`from .blueprint import bp`, full path after /staff, e.g. `@bp.get("/reports")`,
each with `@manager_required`), and add `<name>,` to the import below: that line registers
it. tests/web/test_blueprints.py then checks that an agent gets 403 on every route of it.
Shared pieces of the staff side (the case of a URL, the outcome form, the case page's
panels) are imported from views/staff/.
"""

from __future__ import annotations

from . import (  # noqa: F401 - each module adds its routes to bp
    case_export,
    corrective_actions,
    mediation,
    outcome_templates,
    reports,
    reviews,
    root_causes,
    team,
)
from .blueprint import bp

__all__ = ["bp"]

"""The case page's "Emails" panel action: "Retry now" on an email the outbox gave up
(/staff/complaints/<reference>/emails/<id>/retry, endpoint "staff.retry_email"). Agents and
managers; an email of another complaint is a 404. A plain POST form (with CSRF) that comes
back to the case page; the panel itself is templates/staff/_emails.html, its data
services.email_status.case_emails.
"""

from __future__ import annotations

from flask import abort, flash, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...services.email_status import RetryRefused, find_case_email, retry_email
from ...web.auth import current_staff, staff_required
from ..redirects import go
from .blueprint import bp, case_complaint


@bp.post("/complaints/<reference>/emails/<int:email_id>/retry", endpoint="retry_email")
@staff_required
def retry(reference: str, email_id: int) -> ResponseReturnValue:
    """ "Retry now": send a failed email again at the next `mail send`."""
    complaint = case_complaint(reference)
    email = find_case_email(complaint, email_id) or abort(404)
    try:
        retry_email(complaint, email, current_staff())
    except RetryRefused as refused:
        flash(refused.message, "error")
    else:
        flash(_("The email to %(to)s will be sent again shortly.", to=email.to_addr), "success")
    return go(url_for("staff.case", reference=complaint.reference) + "#emails")

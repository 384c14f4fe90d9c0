"""Managers' exports of a case (policy clause 6): the case file PDF and the evidence bundle.

GET routes that change nothing (an export leaves a log line, not an audit event, so the
chain head printed in the file stays the head). `?internal=1` asks for the internal
version with the staff's internal notes; without it the version for the customer and a
mediator. Agents get 403; an unknown reference 404.
"""

from __future__ import annotations

import logging

from flask import abort, request
from flask.typing import ResponseReturnValue

from ...documents.bundle import bundle_name, evidence_bundle
from ...documents.casefile import case_file_pdf, file_name
from ...files.downloads import send_bytes
from ...services.casefile import CaseFile, load_case_file
from ...web.auth import current_staff, manager_required
from .blueprint import bp

log = logging.getLogger(__name__)


def _case(reference: str) -> CaseFile:
    case = load_case_file(reference, internal=request.args.get("internal") == "1")
    if case is None:
        abort(404)
    log.info(
        "case export: %s %s (%s) by staff %s",
        request.endpoint,
        case.reference,
        "internal" if case.internal else "customer",
        current_staff().id,
    )
    return case


@bp.get("/complaints/<reference>/case-file.pdf")
@manager_required
def case_file(reference: str) -> ResponseReturnValue:
    """ "Export case file": the PDF, as a download."""
    case = _case(reference)
    return send_bytes(case_file_pdf(case), file_name(case), "application/pdf")


@bp.get("/complaints/<reference>/evidence-bundle.zip", endpoint="evidence_bundle")
@manager_required
def bundle(reference: str) -> ResponseReturnValue:
    """ "Evidence bundle": the PDF, the original files and emails, and a manifest (ZIP)."""
    case = _case(reference)
    data = evidence_bundle(case, case_file_pdf(case), file_name(case))
    return send_bytes(data, bundle_name(case), "application/zip")

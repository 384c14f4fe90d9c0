"""Thin blueprints, one per audience: parse the request, call a service, render.

Where each route lives: the audience names the package, the page names the module.

- `public/` (blueprint "public"): everything a customer reaches without an account: the
  home and privacy pages, the complaint form, tracking, the case page, answers, review,
  rating and downloads (their own files, and the replacement file at /download/<token>);
- `staff/` (blueprint "staff", /staff/...): logging in, the inbox, and everything on a case
  that any member of staff may do (actions, outcomes, emails, files);
- `manager/` (blueprint "manager", also /staff/...): what only managers do: reviews and the
  final response, outcome templates, mediation records, case-file exports, the team;
- `health.py` (blueprint "health"): /healthz, the operator's check for monitoring.

Views build the data their templates show (the case pages' panels included) and pass it
to `render`; nothing is registered app-wide for a template to call. tests/web/
test_blueprints.py holds the rule that every /staff URL is on staff or manager, every
manager route refuses agents, and every other page is public.
"""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint."""
    from . import health, manager, public, staff

    for blueprint in (health.bp, public.bp, staff.bp, manager.bp):
        app.register_blueprint(blueprint)

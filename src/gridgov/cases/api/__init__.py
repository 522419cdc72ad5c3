"""Cases in the API: list and report, a case with its timeline, and one endpoint per action.

Every read goes through the scope (a case outside it answers 404, like one that does not exist);
every action calls the case engine (``gridgov.cases.services``), which checks role, scope and
state again inside its own locked transaction. Refusals are JSON ``{"detail": …}`` in the caller's
language: wrong state 409, wrong role 403, outside the scope 404, bad input 422.

Photos: ``POST /cases`` (report) and ``POST /cases/{code}/actions/handle`` take either a JSON body
or ``multipart/form-data`` with the same fields as form fields plus one or more ``photos`` file
parts, so a phone sends the report and its pictures in one request — and a patrol worker's
即时办结 (``close_now``), which needs a photo, is all-or-nothing.

By job: :mod:`.parsing` (a body from JSON or a form, its photos), :mod:`.schemas` (what the API
answers, the list's filters, the report's body), :mod:`.bodies` (each action's body and the
arguments it gives its service), :mod:`.cases` (list, detail, progress, photo, report) and
:mod:`.actions` (one endpoint per action of the registry, ``gridgov.cases.actions``).
"""
from . import actions  # noqa: F401 — adds the action endpoints to the router
from .cases import router

__all__ = ["router"]

"""The cross-scope matrix's rows and endpoints for the participation apps, one module per app
(``volunteering``, ``shop``, ``timebank``, ``reportin``,
``deliberation``, ``microprojects``, ``care``, ``visits``, ``partybuilding``, ``facilities``), merged into ``tests/test_scope_matrix.py``.

Each module defines ``ROWS`` (model → (make(area), roles that see it, kept per district)) and
``ENDPOINTS`` (name → (model, url(obj), missing key[, roles that may open it])) in the matrix's own
format; see that module's docstring for what an area holds.
"""
from . import (
        care,
        deliberation,
        facilities,
        microprojects,
        partybuilding,
        reportin,
        shop,
        timebank,
        visits,
        volunteering,
)

ROWS = {**volunteering.ROWS, **shop.ROWS, **timebank.ROWS, **reportin.ROWS, **deliberation.ROWS,
        **microprojects.ROWS, **care.ROWS, **visits.ROWS, **partybuilding.ROWS,
        **facilities.ROWS}
ENDPOINTS = {**volunteering.ENDPOINTS, **shop.ENDPOINTS, **timebank.ENDPOINTS, **reportin.ENDPOINTS,
             **deliberation.ENDPOINTS, **microprojects.ENDPOINTS, **care.ENDPOINTS, **visits.ENDPOINTS,
             **partybuilding.ENDPOINTS, **facilities.ENDPOINTS}

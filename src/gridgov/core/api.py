"""What every router of the API (``gridgov.api``) declares the same way: its error answers.

Every refusal is ``{"detail": message}`` (``gridgov.api``'s exception handlers), so one schema,
:class:`ErrorOut`, documents them all, and :func:`errors` spreads it into a ``response=`` dict:
``response={200: CaseOut, **errors(401, 404, 422)}``. Which statuses an operation lists:

- 400: it takes a JSON body (one that does not parse);
- 401: it needs a signed-in caller (bearer token or web session);
- 403: a role or permission may refuse it; with the web session, every POST and PUT (CSRF);
- 404: it names something by its path, or a filter names a unit (outside the scope, or none);
- 409: the case's state does not allow it;
- 422: it takes input that may be invalid.
"""
from ninja import Schema


class ErrorOut(Schema):
    detail: str


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``{status: ErrorOut}`` for each status, to spread into a decorator's ``response=``."""
    return dict.fromkeys(statuses, ErrorOut)

"""The case timeline is the cases' journal (:class:`~gridgov.cases.models.TimelineEntry` on the
kernel's :mod:`gridgov.core.journal`): entries are appended by the lifecycle's ``record`` and the
chain checked by the kernel's :func:`~gridgov.core.journal.verify`, named here for the case pages."""
from gridgov.core.journal import verify

__all__ = ["verify"]

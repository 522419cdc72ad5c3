"""Logging filters named in ``settings.LOGGING``."""
import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """A 403 is the platform refusing someone (a resident opening the hot spots), not a fault, yet
    Django's ``django.request`` logger writes it with the PermissionDenied's traceback: a dozen
    lines per refusal that bury the real errors. The record keeps its one line (the path) and gains
    the refusal's reason; the traceback goes. Every other record passes untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        refusal = record.exc_info[1] if record.exc_info else None
        if isinstance(refusal, PermissionDenied):
            record.exc_info = record.exc_text = None
            if str(refusal) and isinstance(record.args, tuple):
                record.msg, record.args = f"{record.msg} (%s)", (*record.args, str(refusal))
        return True

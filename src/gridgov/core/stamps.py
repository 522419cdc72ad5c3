"""Version stamps: a number per name in the database, raised when something many processes cache or
act on changes, so each of them notices by reading one row (the working-day calendar: the case
engine recomputes its deadlines when the calendar's stamp moved past the one it last acted on)."""
from django.db.models import F

from .models import Stamp


def bump(name: str) -> None:
    """Raise ``name``'s version by one (inside the caller's transaction)."""
    if not Stamp.objects.filter(name=name).update(version=F("version") + 1):
        Stamp.objects.get_or_create(name=name, defaults={"version": 1})


def read(name: str) -> int:
    """``name``'s version; 0 when it never moved."""
    return Stamp.objects.filter(name=name).values_list("version", flat=True).first() or 0


def set_to(name: str, version: int) -> None:
    """Record ``version`` as ``name``'s (what a consumer has acted on)."""
    Stamp.objects.update_or_create(name=name, defaults={"version": version})

"""The platform's notion of "now".

Services ask :func:`now` instead of ``timezone.now()`` so that history can be replayed through the
real rules: the demo generator and the benchmarks run 90 days of cases inside :func:`frozen`,
moving the clock from one event to the next. Outside ``frozen`` it is simply the wall clock.
"""
import datetime as dt
import threading
from contextlib import contextmanager

from django.utils import timezone

_state = threading.local()


def now() -> dt.datetime:
    return getattr(_state, "at", None) or timezone.now()


@contextmanager
def frozen(at: dt.datetime):
    """Make :func:`now` answer ``at`` in this thread; ``set`` moves it while inside."""
    previous = getattr(_state, "at", None)
    _state.at = at
    try:
        yield
    finally:
        _state.at = previous


def set(at: dt.datetime) -> None:  # noqa: A001 - reads as clock.set(...)
    if getattr(_state, "at", None) is None:
        raise RuntimeError("clock.set() only inside clock.frozen()")
    _state.at = at

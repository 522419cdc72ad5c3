"""What text a person may send: the one definition of the characters gridgov refuses.

- **Control characters** (Unicode category Cc other than tab, line feed and carriage return, so NUL,
  the other C0 controls, DEL and the C1 block) are never typed by a person. PostgreSQL cannot even
  store NUL in a text column (the query fails), so one slipping through becomes a 500.
  ``core.middleware_input.InputGuardMiddleware`` refuses them in every path, query parameter, JSON
  string and form field before any view runs.
- **Bidirectional controls** (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F) reorder how text is
  displayed, so a title can show something else than it says ("Trojan Source"). Chinese and
  English text never needs them. They are refused where a person names or describes something: the
  API's text fields (:data:`PlainText`) and the case intake service (:func:`check_plain`).
"""
import re
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: The pydantic error type of :data:`PlainText`; ``gridgov.api`` words it for the caller.
PLAIN_TEXT_ERROR = "plain_text"
PLAIN_TEXT_PROBLEM = gettext_lazy("must not contain control or text-direction characters")


def has_control(value: str) -> bool:
    return CONTROL.search(value) is not None


def is_plain(value: str) -> bool:
    """Free of control and bidirectional control characters."""
    return not has_control(value) and BIDI.search(value) is None


def check_plain(field: str, value: str, label: str) -> None:
    """Refuse ``value`` (a Django ValidationError coded with ``field``) unless it is plain text;
    ``label`` names the field to the person."""
    if value and not is_plain(value):
        raise ValidationError(_("%(field)s %(problem)s.") % {"field": label, "problem": PLAIN_TEXT_PROBLEM},
                              code=field)


def _plain(value: str) -> str:
    if not is_plain(value):
        raise PydanticCustomError(PLAIN_TEXT_ERROR, "Text must not contain control or text-direction characters")
    return value


#: A string field of an API input schema that a person reads back: a title, name, description,
#: address, note or reason. Combine with ``Field(...)`` for its length.
PlainText = Annotated[str, AfterValidator(_plain)]


def plain(value, label: str, max_length: int, *, required: bool = False) -> str:
    """A service's text input: stripped, free of control and text-direction characters, present when
    ``required``, at most ``max_length`` long — refusals name the field by ``label``."""
    value = (value or "").strip()
    check_plain("text", value, label)
    if required and not value:
        raise ValidationError(_("%(field)s is required.") % {"field": label})
    if len(value) > max_length:
        raise ValidationError(_("%(field)s is too long (%(max)d characters at most).")
                              % {"field": label, "max": max_length})
    return value

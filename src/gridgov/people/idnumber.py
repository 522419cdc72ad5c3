"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

18 characters: a 6-digit region code, an 8-digit birth date, a 3-digit sequence (odd for men,
even for women) and a check character computed as ISO 7064 MOD 11-2 over the first 17.
"""
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# ASCII only: str.isdigit() would let full-width and superscript digits through.
FORMAT = re.compile(r"[0-9]{17}[0-9X]")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def validate_id_number(value: str) -> str:
    """Return the normalised number (upper-case X) or raise ValidationError saying what is wrong."""
    value = (value or "").strip().upper()
    if not FORMAT.fullmatch(value):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="format")
    try:
        born = birth_date(value)
    except ValueError:
        raise ValidationError(_("The ID number's birth date is not a real date."), code="birth_date")
    if born > timezone.localdate():
        raise ValidationError(_("The ID number's birth date is in the future."), code="birth_date")
    if check_char(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check digit is wrong."), code="check_digit")
    return value


def birth_date(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value: str) -> str:
    return "M" if int(value[16]) % 2 else "F"


def make_id_number(region: str, born: dt.date, sequence: int) -> str:
    """A valid number for demo and test data: region (6 digits), birth date, 3-digit sequence."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)

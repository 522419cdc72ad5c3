"""``{{ number|tel }}``: a phone number as a ``tel:`` address, so one tap on a phone calls it.

Only for numbers the viewer may already read in full (a post's published work phone, a number
just revealed through the logged reveal); a masked number has nothing to call."""
import re

from django import template

register = template.Library()

NOT_DIALLED = re.compile(r"[^0-9+]")


@register.filter
def tel(number) -> str:
    """'028-83961234' → 'tel:02883961234'; '' for a number with a mask (*) or no digits."""
    number = str(number or "")
    digits = NOT_DIALLED.sub("", number)
    return f"tel:{digits}" if digits and "*" not in number else ""

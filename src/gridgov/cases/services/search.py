"""Finding cases in a work list (issue 17, item 6): what a dispatcher on the phone with a resident
types — a case number, the caller's phone number, an address or words of the report — and the
filters and orders of a long queue.

One text box answers all four: a mobile number (11 digits from 1) is looked up through the keyed
hash (``Case.contact_phone_hash``, and the reporter's ``Person.phone_hash``), never by decrypting,
and the search is logged like the people screen's number search (``people.RevealLog``, kind
*search*: who, when, why, the number's keyed hash, how many cases it found); other digits are
part of a case number; anything else is words, each of which must appear in the title, the
description or the address.

Every function here narrows a queryset the caller has already limited to what the user may see.
"""
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.crypto import keyed_hash
from gridgov.people.models import RevealLog
from gridgov.structure import codes

PHONE = re.compile(r"1\d{10}")
CASE_NUMBER = re.compile(r"\d{4,24}")
#: Separators people type inside numbers: "138 0000 0001", "138-0000-0001".
SEPARATORS = re.compile(r"[\s\-]")


class Sort(models.TextChoices):
    DUE = "due", gettext_lazy("Due first")
    NEWEST = "newest", gettext_lazy("Newest first")
    OLDEST = "oldest", gettext_lazy("Oldest first")


# Red first, then yellow, then green; within a colour the nearest deadline first.
URGENCY = models.Case(models.When(light="red", then=0), models.When(light="yellow", then=1), default=2)


def by_urgency(cases: QuerySet) -> QuerySet:
    return cases.annotate(urgency=URGENCY).order_by("urgency", models.F("resolution_due").asc(nulls_last=True), "pk")


def ordered(cases: QuerySet, sort: str) -> QuerySet:
    if sort == Sort.NEWEST:
        return cases.order_by("-reported_at", "-pk")
    if sort == Sort.OLDEST:
        return cases.order_by("reported_at", "pk")
    return by_urgency(cases)


@dataclass(frozen=True)
class Criteria:
    """What to look for; empty fields do not filter. ``unit`` is a unit code (its subtree),
    ``category`` a catalogue code (a class takes its subcategories)."""

    text: str = ""
    unit: str = ""
    category: str = ""
    status: str = ""
    light: str = ""
    channel: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def matching(user, cases: QuerySet, criteria: Criteria) -> QuerySet:
    """``cases`` narrowed to ``criteria``; a phone number search is logged for ``user``."""
    if criteria.text.strip():
        cases = cases.filter(_text_q(user, cases, criteria.text))
    if criteria.unit:
        cases = cases.filter(codes.subtree_q("unit__code", criteria.unit))
    if criteria.category:
        cases = cases.filter(category__code__startswith=criteria.category)
    for field in ("status", "light", "channel"):
        if getattr(criteria, field):
            cases = cases.filter(**{field: getattr(criteria, field)})
    if criteria.since:
        cases = cases.filter(reported_at__date__gte=criteria.since)
    if criteria.until:
        cases = cases.filter(reported_at__date__lte=criteria.until)
    return cases


def _text_q(user, cases: QuerySet, text: str) -> Q:
    number = SEPARATORS.sub("", text)
    if PHONE.fullmatch(number):
        return by_phone(user, cases, number)
    if CASE_NUMBER.fullmatch(number):
        return Q(code__contains=number)
    words = Q()
    for word in text.split():
        words &= Q(title__icontains=word) | Q(description__icontains=word) | Q(address__icontains=word)
    return words


def by_phone(user, cases: QuerySet, number: str) -> Q:
    """The cases whose contact or reporter has this phone number, through the keyed hash; the
    search is logged with the hash (never the number) and how many of ``cases`` it found."""
    digest = keyed_hash(number)
    found = Q(contact_phone_hash=digest) | Q(reporter__phone_hash=digest)
    RevealLog.objects.create(user=user, kind=RevealLog.Kind.SEARCH, field="phone", query_hash=digest,
                             reason=_("Searching the case lists by a caller's phone number"),
                             result_count=cases.filter(found).count())
    return found

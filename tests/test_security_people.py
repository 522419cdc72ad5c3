"""Masked personal data stays masked (security review, issue 15, item 2 and part of 10).

- Nothing shown beside a masked ID number completes it: for a generated person, each screen's
  masked number, gender, home unit and birth decade still fit at least 10,000 valid ID numbers,
  counted here by enumerating the candidates with the GB 11643 check character; a phone mask
  always hides at least four digits.
- The search by a whole number is a POST that needs the reveal permission and a reason, is limited
  per user and per hour, and is logged with the keyed hash of the number, never the number; a
  ``?number=`` in a URL does nothing.
- Every answer carrying personal data is sent ``Cache-Control: no-store`` and ``Pragma: no-cache``.
"""
import datetime as dt
import functools
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.models import ApiToken
from gridgov.cases.services import filing
from gridgov.core.crypto import keyed_hash, mask_id_number, mask_phone
from gridgov.people.idnumber import check_char, make_id_number
from gridgov.people.models import PHONE_RE, Person, RevealLog
from gridgov.people.services import SearchLimitReached, search_by_number

from .cases_world import IN_A1_1
from .test_admin import staff  # noqa: F401 - community staff with view-only back-office access

ENOUGH = 10**4
BORN = dt.date(1987, 6, 15)


@pytest.fixture
def person(district):
    """A generated resident whose ID number agrees with her gender and birth date (even sequence)."""
    unit = district.units["A1-1-1"]
    return Person.objects.create(name="测试居民", gender="F", birth_date=BORN, unit=unit, phone="13912345678",
                                 id_number=make_id_number(unit.code[:6], BORN, 42))


# -- counting the ID numbers that fit what is shown -----------------------------------------------
def _decade_dates(decade) -> tuple:
    """Every date in the decade shown (every date since 1900 when none is shown), up to today."""
    first, last = (dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31)) if decade else (dt.date(1900, 1, 1), None)
    last = min(last or timezone.localdate(), timezone.localdate())
    return tuple(first + dt.timedelta(days=n) for n in range((last - first).days + 1))


def _fits(candidate: str, masked: str) -> bool:
    return len(candidate) == len(masked) and all(m in ("*", c) for m, c in zip(masked, candidate))


@functools.lru_cache  # every screen shows the same; count each reading once
def ids_fitting(masked: str, gender: str, region: str, dates: tuple, limit=ENOUGH) -> int:
    """How many valid ID numbers (check character included) fit the mask, the gender and the birth
    dates, for an onlooker who also knows the region (the home unit gives it away); stops at
    ``limit``. The strongest reading of the screen, so a count at the limit is a real lower bound."""
    count = 0
    for born in dates:
        for sequence in range(1 if gender == "M" else 0, 1000, 2):
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            if _fits(first17 + check_char(first17), masked):
                count += 1
                if count >= limit:
                    return count
    return count


def test_the_count_finds_the_old_mask_complete(person):
    """The old mask (region and last four) with the birth date beside it fits exactly one number:
    the counting below would catch a screen that gives the date back."""
    old_mask = person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    assert ids_fitting(old_mask, person.gender, person.unit.code[:6], (BORN,)) == 1
    # and the new mask with the birth date instead of the decade leaves only a few dozen
    assert ids_fitting(person.masked_id_number, person.gender, person.unit.code[:6], (BORN,)) < 100


def _shown_in_html(html: str, person) -> tuple[str, int | None]:
    """The masked ID number and the birth decade as a page shows them; the page must show neither
    the number nor the birth date in any usual spelling."""
    for secret in [person.id_number, person.phone, f"{BORN:%Y-%m-%d}", f"{BORN:%Y%m%d}", f"{BORN:%Y/%m/%d}",
                   f"{BORN.year}年{BORN.month}月{BORN.day}日", f"{BORN.year}-{BORN.month}-{BORN.day}"]:
        assert secret not in html, secret
    masks = {m for m in re.findall(r"(?<![0-9X*])[0-9X*]{18}(?![0-9X*])", html) if "*" in m}
    assert masks == {person.masked_id_number}
    decades = set(re.findall(r"(\d{4})(?:s|年代)", html))
    assert decades == {"1980"}
    return masks.pop(), int(decades.pop())


def _assert_not_recoverable(person, masked, decade):
    region = person.unit.code[:6]
    assert _fits(person.id_number, masked)  # the true number is among the candidates
    assert ids_fitting(masked, person.gender, region, _decade_dates(decade)) >= ENOUGH


@pytest.mark.parametrize("screen", ["list", "person", "search"])
def test_web_screens_leave_at_least_ten_thousand_id_numbers(client, district, person, screen):
    client.force_login(district.users["community_staff"])
    if screen == "search":
        response = client.post(reverse("people-search"), {"number": person.phone, "reason": "核实身份"})
    else:
        response = client.get(reverse("people") if screen == "list" else reverse("person", args=[person.pk]),
                              {"name": person.name} if screen == "list" else {})
    assert response.status_code == 200
    _assert_not_recoverable(person, *_shown_in_html(response.content.decode(), person))


@pytest.mark.parametrize("path", ["list", "detail"])
def test_api_answers_leave_at_least_ten_thousand_id_numbers(client, district, person, path):
    headers = {"Authorization": f"Bearer {ApiToken.issue(district.users['district_admin'])}"}
    if path == "list":
        body = next(item for item in client.get("/api/v1/persons", {"q": person.name}, headers=headers).json()["items"])
    else:
        body = client.get(f"/api/v1/persons/{person.pk}", headers=headers).json()
    assert "birth_date" not in body
    assert BORN.isoformat() not in json.dumps(body) and person.id_number not in json.dumps(body)
    assert (body["gender"], body["unit"], body["birth_decade"]) == ("F", person.unit.code, 1980)
    _assert_not_recoverable(person, body["id_number"], body["birth_decade"])


@pytest.mark.parametrize("view", ["changelist", "change"])
def test_back_office_leaves_at_least_ten_thousand_id_numbers(staff, person, view):
    args = [person.pk] if view == "change" else []
    response = staff.get(reverse(f"admin:people_person_{view}", args=args), {"q": person.name} if not args else {})
    assert response.status_code == 200
    html = response.content.decode()
    if view == "changelist":  # the list shows no birth date or decade at all
        for secret in [person.id_number, f"{BORN:%Y-%m-%d}", f"{BORN.year}年{BORN.month}月{BORN.day}日"]:
            assert secret not in html
        assert person.masked_id_number in html
        _assert_not_recoverable(person, person.masked_id_number, None)
    else:
        _assert_not_recoverable(person, *_shown_in_html(html, person))


@pytest.mark.parametrize("phone", ["13912345678", "028-12345678", "028-1234567", "0281234567", "0831-1234567",
                                   "08311234567"])
def test_a_phone_mask_hides_at_least_four_digits(phone):
    assert PHONE_RE.fullmatch(phone)
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    hidden = [c for c, m in zip(phone, masked) if m == "*" and c.isdigit()]
    assert len(hidden) >= 4, masked
    assert all(m in ("*", c) for c, m in zip(phone, masked))


def test_a_mobile_mask_fits_ten_thousand_numbers(person):
    masked = person.masked_phone
    fits = sum(1 for n in range(10**4) if PHONE_RE.fullmatch(masked.replace("****", f"{n:04d}")))
    assert masked == "139****5678" and fits == ENOUGH


def test_an_id_mask_keeps_only_the_first_and_the_check_character():
    assert mask_id_number("11010519491231002X") == "1****************X"
    assert mask_id_number("110105194912310") == "*" * 15  # a short (old 15-digit) number keeps nothing


# -- the search by number --------------------------------------------------------------------------
def search(client, **data):
    return client.post(reverse("people-search"), data)


def test_search_finds_by_id_or_phone_in_scope_and_logs_the_hash_not_the_number(client, district, person):
    client.force_login(district.users["community_staff"])
    for number, field in [(person.id_number.lower(), "id_number"), (person.phone, "phone")]:
        response = search(client, number=number, reason="核实低保申请")
        assert response.status_code == 200
        assert list(response.context["people"]) == [person]
        assert person.masked_id_number in response.content.decode()
        log = RevealLog.objects.filter(field=field).get()
        assert (log.user, log.kind, log.person, log.reason, log.result_count) == (
            district.users["community_staff"], "search", None, "核实低保申请", 1)
        assert log.query_hash == keyed_hash(number)
        assert person.id_number not in str(vars(log)) and person.phone not in str(vars(log))
    outsider = next(p for p in district.persons if not p.unit.code.startswith(district.units["A1"].code))
    assert list(search(client, number=outsider.phone, reason="核实").context["people"]) == []
    assert RevealLog.objects.filter(kind="search", result_count=0).count() == 1


def test_search_without_the_permission_is_refused_and_not_logged(client, district, person):
    client.force_login(district.users["grid_worker"])
    response = search(client, number=person.phone, reason="上门走访")
    assert response.status_code == 403
    assert response.context["people"] is None
    with pytest.raises(PermissionDenied):
        search_by_number(district.users["grid_worker"], person.phone, "上门走访")
    assert not RevealLog.objects.exists()
    # nor is it offered
    assert reverse("people-search") not in client.get(reverse("people")).content.decode()


@pytest.mark.parametrize("reason", ["", "   ", "x"])
def test_search_without_a_reason_is_refused_and_not_logged(client, district, person, reason):
    client.force_login(district.users["community_staff"])
    response = client.post(reverse("people-search"), {"number": person.phone, "reason": reason},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["people"] is None
    assert "Say why you need to see this number." in response.content.decode()
    assert not RevealLog.objects.exists()


@pytest.mark.parametrize("number", ["", "1391234", "139****5678", "110105194912310021", "not a number"])
def test_search_needs_a_whole_valid_number(client, district, number):
    client.force_login(district.users["community_staff"])
    response = search(client, number=number, reason="核实身份")
    assert response.status_code == 400
    assert response.context["form"].errors["number"]
    assert not RevealLog.objects.exists()


def test_search_is_limited_per_user_and_hour(client, district, person, settings):
    settings.GRIDGOV_NUMBER_SEARCHES_PER_HOUR = 2
    client.force_login(district.users["community_staff"])
    for _ in range(2):
        assert search(client, number=person.phone, reason="核实身份").status_code == 200
    response = client.post(reverse("people-search"), {"number": person.phone, "reason": "核实身份"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "You have used your 2 number searches for this hour." in response.content.decode()
    assert response.context["people"] is None
    with pytest.raises(SearchLimitReached):
        search_by_number(district.users["community_staff"], person.phone, "核实身份")
    assert RevealLog.objects.filter(kind="search").count() == 2
    # the limit is the user's own: another user with the permission still searches
    assert search_by_number(district.users["district_admin"], person.phone, "核实身份") == [person]


def test_a_bad_number_does_not_spend_the_allowance(district, person, settings):
    settings.GRIDGOV_NUMBER_SEARCHES_PER_HOUR = 1
    staff = district.users["community_staff"]
    with pytest.raises(ValidationError):
        search_by_number(staff, "1391234", "核实身份")
    assert search_by_number(staff, person.phone, "核实身份") == [person]


@pytest.mark.parametrize("fields", [
    {"kind": "reveal"},                                                        # a reveal of nobody
    {"kind": "search", "result_count": 1},                                     # a search without its hash
    {"kind": "search", "query_hash": "0" * 64},                                # … or its count
    {"kind": "search", "query_hash": "0" * 64, "result_count": 1, "person": "p"},  # a search is nobody's
])
def test_the_log_refuses_half_entries(district, person, fields):
    fields = {**fields, "person": person} if fields.get("person") else fields
    with pytest.raises(IntegrityError), transaction.atomic():
        RevealLog.objects.create(user=district.users["community_staff"], field="phone", reason="核实", **fields)


def test_number_search_is_never_a_get(client, district, person):
    client.force_login(district.users["community_staff"])
    assert client.get(reverse("people-search"), {"number": person.phone, "reason": "核实"}).status_code == 405
    everyone = client.get(reverse("people")).context["page"].object_list
    response = client.get(reverse("people"), {"number": person.phone})
    assert list(response.context["page"].object_list) == list(everyone)  # ignored, not a filter
    html = response.content.decode()
    assert 'name="number"' in html.split(f'action="{reverse("people-search")}"')[1]  # only in the posted form
    assert f'<form method="post" action="{reverse("people-search")}"' in html
    assert not RevealLog.objects.exists()


# -- no-store -----------------------------------------------------------------------------------
def _not_stored(response):
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_people_pages_are_not_stored(client, district, person):
    client.force_login(district.users["community_staff"])
    _not_stored(client.get(reverse("people")))
    _not_stored(client.get(reverse("person", args=[person.pk])))
    _not_stored(search(client, number=person.phone, reason="核实身份"))
    _not_stored(search(client, number=person.phone, reason=""))  # a refusal echoes the number typed
    _not_stored(client.post(reverse("person-reveal", args=[person.pk]), {"field": "phone", "reason": "核实身份"}))
    _not_stored(client.post(reverse("person-reveal", args=[person.pk]), {"field": "phone"}))


def test_people_api_answers_are_not_stored(client, district, person):
    headers = {"Authorization": f"Bearer {ApiToken.issue(district.users['community_staff'])}"}
    _not_stored(client.get("/api/v1/persons", headers=headers))
    _not_stored(client.get(f"/api/v1/persons/{person.pk}", headers=headers))
    revealed = client.post(f"/api/v1/persons/{person.pk}/reveal", {"field": "phone", "reason": "核实身份"},
                           content_type="application/json", headers=headers)
    assert revealed.json()["value"] == person.phone
    _not_stored(revealed)


@pytest.fixture
def case(world):
    resident = world.users["resident"]
    return filing.report(district=world.units["district"], channel="app", title="楼下有暴露垃圾",
                         category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reporter=resident.person, reported_by=resident, contact_phone="13912345678")


def test_case_pages_with_the_reporter_are_not_stored(client, world, case):
    client.force_login(world.users["grid_worker"])
    page = client.get(reverse("case", args=[case.code]))
    assert case.masked_contact_phone in page.content.decode()
    _not_stored(page)
    done = client.post(reverse("case-action", args=[case.code, "acknowledge"]), HTTP_HX_REQUEST="true")
    assert done.status_code == 200
    _not_stored(done)
    client.force_login(world.users["resident"])
    _not_stored(client.post(reverse("case-action", args=[case.code, "acknowledge"]), HTTP_HX_REQUEST="true"))


def test_case_api_detail_is_not_stored(client, world, case):
    headers = {"Authorization": f"Bearer {ApiToken.issue(world.users['grid_worker'])}"}
    response = client.get(f"/api/v1/cases/{case.code}", headers=headers)
    assert response.json()["contact_phone"] == "139****5678"
    _not_stored(response)

"""People's personal data: ID numbers checked, numbers encrypted at rest, masked for display,
found by keyed hash, and unmasked only through the logged, scoped, permission-checked reveal.
(What the masks leave to guess, and the limits of the number search: test_security_people.py.)"""
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gridgov.core.crypto import decrypt, mask_id_number, mask_phone
from gridgov.core.errors import NotFound
from gridgov.people.idnumber import make_id_number, validate_id_number
from gridgov.people.models import Person, RevealLog
from gridgov.people.services import reveal, search_by_number


# Check characters worked by hand: sum(digit × weight) with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
# mod 11, then index into "10X98765432".
#   11010519491231002: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → X
#   44052418800101001: 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 → 4
@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_valid_id_numbers_pass(number):
    assert validate_id_number(number) == number


def test_lower_case_x_and_spaces_are_normalised():
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("number, code", [
    ("110105194912310021", "check_digit"),      # the valid sample's X changed to 1
    ("440524188001010015", "check_digit"),
    ("11010519490230002X", "birth_date"),       # 30 February
    ("110105194913010020", "birth_date"),       # month 13
    (make_id_number("110105", dt.date.today() + dt.timedelta(days=400), 2), "birth_date"),  # not born yet
    ("11010519491231002", "format"),            # 17 characters
    ("11010519491231002Y", "format"),
    ("１１０１０５１９４９１２３１００２X", "format"),  # full-width digits
    ("", "format"),
])
def test_invalid_id_numbers_are_refused(number, code):
    with pytest.raises(ValidationError) as refused:
        validate_id_number(number)
    assert refused.value.code == code


@pytest.mark.parametrize("mask, value, shown", [
    (mask_id_number, "510113199001011234", "5****************4"),
    (mask_id_number, "11010519491231002X", "1****************X"),
    (mask_phone, "13812345678", "138****5678"),
    (mask_phone, "028-12345678", "028*****5678"),
    (mask_phone, "0281234567", "028****567"),  # ten digits: the tail shrinks so four stay hidden
    (mask_id_number, "", ""),
    (mask_phone, "1234", "****"),  # too short to keep anything
])
def test_masking(mask, value, shown):
    assert mask(value) == shown


def test_full_clean_refuses_a_bad_id_number_and_normalises_a_good_one(district):
    person = Person(name="新居民", gender="F", unit=district.units["A1-1-1"], id_number="110105194912310021")
    with pytest.raises(ValidationError):
        person.full_clean()
    person.id_number = "11010519491231002x"
    person.full_clean()
    assert person.id_number == "11010519491231002X"


def test_numbers_are_encrypted_at_rest(district):
    person = Person.objects.create(name="新居民", gender="F", unit=district.units["A1-1-1"],
                                   id_number="11010519491231002X", phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_hash, phone_hash FROM people_person WHERE id = %s",
                       [person.pk])
        id_number, phone, id_hash, phone_hash = cursor.fetchone()
    stored = " ".join([id_number, phone, id_hash, phone_hash])
    assert "11010519491231002X" not in stored and "13912345678" not in stored
    assert (decrypt(id_number), decrypt(phone)) == ("11010519491231002X", "13912345678")
    person.refresh_from_db()
    assert (person.id_number, person.phone) == ("11010519491231002X", "13912345678")


def test_search_by_number_uses_the_keyed_hash_within_scope(district):
    person = district.persons[0]
    admin, staff_elsewhere = district.users["district_admin"], district.users["community_staff"]
    assert search_by_number(admin, person.id_number.lower(), "核实身份") == [person]
    assert search_by_number(admin, person.phone, "核实身份") == [person]
    assert search_by_number(admin, "13999999999", "核实身份") == []
    outsider = next(p for p in district.persons if not p.unit.code.startswith(district.units["A1"].code))
    assert search_by_number(staff_elsewhere, outsider.phone, "核实身份") == []
    assert list(RevealLog.objects.order_by("pk").values_list("result_count", flat=True)) == [1, 1, 0, 0]


def test_reveal_needs_the_permission(district):
    with pytest.raises(PermissionDenied):
        reveal(district.users["grid_worker"], district.persons[0].pk, "phone", "上门走访需要联系")
    assert not RevealLog.objects.exists()


@pytest.mark.parametrize("reason", ["", "  ", "x"])
def test_reveal_needs_a_reason(district, reason):
    with pytest.raises(ValidationError):
        reveal(district.users["community_staff"], district.persons[0].pk, "phone", reason)
    assert not RevealLog.objects.exists()


def test_reveal_refuses_other_fields(district):
    with pytest.raises(ValidationError):
        reveal(district.users["community_staff"], district.persons[0].pk, "name", "核实身份")
    assert not RevealLog.objects.exists()


def test_reveal_outside_the_scope_is_not_found(district):
    outside = next(p for p in district.persons if not p.unit.code.startswith(district.units["A1"].code))
    with pytest.raises(NotFound):
        reveal(district.users["community_staff"], outside.pk, "phone", "核实身份")
    assert not RevealLog.objects.exists()


@pytest.mark.parametrize("field", ["id_number", "phone"])
def test_reveal_returns_the_number_and_logs_it_once(district, field):
    user, person = district.users["community_staff"], district.persons[1]
    assert reveal(user, person.pk, field, "  核实低保申请  ") == getattr(person, field)
    log = RevealLog.objects.get()
    assert (log.user, log.person, log.field, log.reason) == (user, person, field, "核实低保申请")


def test_a_superuser_may_reveal_anyone(district):
    root = User.objects.create_superuser("root", password="x")
    person = district.persons[-1]
    assert reveal(root, person.pk, "id_number", "数据核查") == person.id_number
    assert RevealLog.objects.filter(user=root, person=person).count() == 1

"""Volunteering services: registration, orders, activities, verification and the ledger."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gridgov.core import journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.ledger.models import Entry
from gridgov.volunteering.actions import VolunteeringAction as A
from gridgov.volunteering.models import (
    ServiceOrder,
    ServiceRecord,
    SignUp,
    Volunteer,
    VolunteerStatus,
)
from gridgov.volunteering.services import activities, orders, records, volunteers
from gridgov.volunteering.services.common import MINUTES, POINTS, person_account, person_balance

from . import volunteering_world as vw


@pytest.fixture
def w(district):
    with translation.override("en"):
        yield vw.build(district)


# -- registration ---------------------------------------------------------------------------------
def test_register_volunteer_is_idempotent_and_journaled(w):
    again = volunteers.register_volunteer(w.staff, w.v1.person, community=w.community, skills=["别的"])
    assert again.pk == w.v1.pk and again.skills == "理发"
    assert w.v1.journal.filter(action=A.REGISTER).count() == 1
    assert journal.verify(w.v1)


def test_register_by_someone_outside_the_community_is_refused(w):
    with pytest.raises(PermissionDenied):
        volunteers.register_volunteer(w.d.users["grid_worker"], w.d.persons[3], community=w.community)
    assert not Volunteer.objects.filter(person=w.d.persons[3]).exists()


def test_resident_asks_and_staff_confirm(w):
    asked = volunteers.request_registration(w.resident, skills="修水管")
    assert asked.status == VolunteerStatus.REQUESTED and asked.community == w.community
    confirmed = volunteers.confirm(w.staff, asked)
    assert confirmed.status == VolunteerStatus.REGISTERED and confirmed.registered_on
    with pytest.raises(InvalidTransition):
        volunteers.confirm(w.staff, confirmed)


# -- the order's path --------------------------------------------------------------------------------
def test_order_runs_to_rated_and_posts_points(w):
    order = vw.run_order(w, until="rated", minutes=90)
    assert order.status == "rated" and order.rating == 5
    record = ServiceRecord.objects.get(order=order)
    # 10 points per hour × 90 minutes = 15 points.
    assert (record.minutes, record.points, record.rating) == (90, 15, 5)
    assert person_balance(w.v1.person, POINTS) == 15
    assert person_balance(w.v1.person, MINUTES) == 0  # not a care service
    assert list(order.journal.values_list("action", flat=True)) == [
        "order", "accept", "publish", "take", "check_in", "check_out", "verify", "rate"]
    assert journal.verify(order)


def test_care_service_deposits_minutes_from_issuance(w):
    order = vw.run_order(w, item=w.care, minutes=45)
    assert person_balance(w.v1.person, POINTS) == 20  # per service
    assert person_balance(w.v1.person, MINUTES) == 45
    assert ServiceRecord.objects.get(order=order).deposited_minutes == 45


def test_paying_with_minutes_needs_the_balance_and_moves_the_residents_minutes(w):
    with pytest.raises(ValidationError, match="time bank holds 0 minutes"):
        vw.run_order(w, item=w.care, pay_with_minutes=True)
    assert not ServiceOrder.objects.exists()
    # Give the resident 100 minutes by a service of their own, then pay 70 of them.
    from gridgov.ledger import services as ledger
    from gridgov.volunteering.services.common import issuance_account
    ledger.post([(issuance_account("510113", MINUTES), -100), (person_account(w.person, MINUTES), 100)],
                key="test:gift", memo="test")
    order = vw.run_order(w, item=w.care, pay_with_minutes=True, minutes=70)
    assert order.status == "verified"
    assert person_balance(w.person, MINUTES) == 30
    assert person_balance(w.v1.person, MINUTES) == 70


def test_verify_beyond_the_residents_minutes_is_refused_and_changes_nothing(w):
    from gridgov.ledger import services as ledger
    from gridgov.volunteering.services.common import issuance_account
    ledger.post([(issuance_account("510113", MINUTES), -60), (person_account(w.person, MINUTES), 60)],
                key="test:gift", memo="test")
    order = vw.run_order(w, item=w.care, pay_with_minutes=True, until="checked_out")
    with pytest.raises(ValidationError, match="Insufficient balance"):
        orders.verify(w.staff, order, 61)
    order.refresh_from_db()
    assert order.status == "checked_out" and not ServiceRecord.objects.exists()
    assert person_balance(w.person, MINUTES) == 60


def test_second_verification_is_refused_and_posts_nothing(w):
    order = vw.run_order(w)
    entries = Entry.objects.count()
    with pytest.raises(InvalidTransition, match="already been verified"):
        orders.verify(w.staff, order, 90)
    assert Entry.objects.count() == entries and ServiceRecord.objects.count() == 1


@pytest.mark.parametrize("minutes", [-5, 0, 1.5, "60", True, 100000])
def test_bad_minutes_are_refused_and_change_nothing(w, minutes):
    order = vw.run_order(w, until="checked_out")
    with pytest.raises(ValidationError):
        orders.verify(w.staff, order, minutes)
    order.refresh_from_db()
    assert order.status == "checked_out" and not ServiceRecord.objects.exists() and not Entry.objects.exists()


def test_verification_outside_the_community_is_refused(w):
    order = vw.run_order(w, until="checked_out")
    with pytest.raises(NotFound):
        orders.verify(w.d.users["grid_worker2"], order, 60)  # a grid of A1, but no staff: sees no order there
    other = w.d.units["A2"]
    from django.contrib.auth.models import User

    from gridgov.accounts.models import Role, RoleAssignment
    outsider = User.objects.create_user("a2_staff")
    RoleAssignment.objects.create(user=outsider, role=Role.COMMUNITY_STAFF, unit=other)
    with pytest.raises(NotFound):
        orders.verify(outsider, order, 60)
    with pytest.raises(PermissionDenied):
        orders.verify(w.d.users["grid_worker"], order, 60)  # sees the resident's order, is not staff
    order.refresh_from_db()
    assert order.status == "checked_out" and not ServiceRecord.objects.exists() and not Entry.objects.exists()


def test_check_out_before_check_in_is_refused(w):
    order = vw.run_order(w, until="taken")
    with pytest.raises(InvalidTransition, match="Check in before"):
        orders.check_out(w.u1, order)
    order.refresh_from_db()
    assert order.status == "taken"


def test_a_crash_while_posting_leaves_nothing_half_written(w, monkeypatch):
    order = vw.run_order(w, until="checked_out")
    from gridgov.ledger import services as ledger

    def broken(*args, **kwargs):
        raise RuntimeError("crash")
    monkeypatch.setattr(ledger, "post", broken)
    with pytest.raises(RuntimeError):
        orders.verify(w.staff, order, 60)
    order.refresh_from_db()
    assert order.status == "checked_out" and order.actual_minutes is None
    assert not ServiceRecord.objects.exists() and not order.journal.filter(action=A.VERIFY).exists()


def test_refuse_needs_a_reason_and_only_staff_refuse(w):
    order = orders.place_order(w.resident, item=w.haircut)
    with pytest.raises(ValidationError):
        orders.refuse(w.staff, order, "  ")
    with pytest.raises(PermissionDenied):
        orders.refuse(w.resident, order, "no")
    refused = orders.refuse(w.staff, order, "本周无人")
    assert refused.status == "refused" and refused.refuse_reason == "本周无人"


def test_dispatched_order_only_taken_by_its_team_and_cancel_only_before_taking(w):
    order = orders.accept(w.staff, orders.place_order(w.resident, item=w.haircut))
    order = orders.dispatch(w.staff, order, team=w.team)
    with pytest.raises(NotFound):  # vol2 is not in the team: the order is not theirs to see
        orders.take(w.u2, order)
    order = orders.take(w.u1, order)
    assert order.taker == w.v1
    with pytest.raises(InvalidTransition):
        orders.cancel(w.resident, order)
    fresh = orders.place_order(w.resident, item=w.haircut)
    assert orders.cancel(w.resident, fresh).status == "cancelled"


def test_order_from_another_communitys_menu_is_refused(w):
    from gridgov.volunteering.services import menu_items
    elsewhere = menu_items.save_item(None, community=w.d.units["A2"], name="别处", points=5)
    with pytest.raises(ValidationError, match="own community"):
        orders.place_order(w.resident, item=elsewhere)


def test_rating_only_by_the_resident_and_only_1_to_5(w):
    order = vw.run_order(w)
    with pytest.raises(PermissionDenied):
        orders.rate(w.u1, order, 5)
    with pytest.raises(ValidationError):
        orders.rate(w.resident, order, 6)
    assert orders.rate(w.resident, order, 3).rating == 3


# -- the deadline watch ----------------------------------------------------------------------------------
def test_watch_reminds_once_and_republishes_a_dispatched_order(w):
    order = orders.place_order(w.resident, item=w.haircut)
    later = order.due_at + dt.timedelta(minutes=1)
    orders.tick(now=later)
    orders.tick(now=later)
    assert order.journal.filter(action=A.REMIND).count() == 1
    order = orders.dispatch(w.staff, orders.accept(w.staff, order), volunteer=w.v2)
    orders.tick(now=order.due_at + dt.timedelta(minutes=1))
    order.refresh_from_db()
    assert order.status == "published" and order.assignee is None
    assert order.journal.filter(action=A.REPUBLISH).count() == 1
    assert journal.verify(order)


# -- activities ------------------------------------------------------------------------------------
def test_signup_past_the_limit_waits_and_moves_up_on_withdrawal(w):
    act = vw.activity(w, limit=1)
    activities.sign_up(w.u1, act)
    activities.sign_up(w.u2, act)
    assert SignUp.objects.get(volunteer=w.v2).status == "waiting"
    activities.withdraw(w.u1, act)
    assert SignUp.objects.get(volunteer=w.v2).status == "signed_up"
    assert act.journal.filter(action=A.MOVE_UP).count() == 1


def test_signup_past_the_limit_without_waiting_list_is_refused(w):
    act = vw.activity(w, limit=1, waiting_list=False)
    activities.sign_up(w.u1, act)
    with pytest.raises(ValidationError, match="full"):
        activities.sign_up(w.u2, act)
    assert not SignUp.objects.filter(volunteer=w.v2).exists()


def test_activity_verification_pays_the_attended_not_the_no_shows(w):
    act = vw.activity(w, limit=2, points=5)
    activities.sign_up(w.u1, act)
    activities.sign_up(w.u2, act)
    with pytest.raises(InvalidTransition, match="Check in before"):
        activities.check_out(w.u1, act)
    activities.check_in(w.u1, act)
    activities.check_out(w.u1, act)
    s1 = SignUp.objects.get(volunteer=w.v1)
    activities.verify(w.staff, act, {s1.pk: 120})
    assert SignUp.objects.get(volunteer=w.v2).status == "no_show"
    assert person_balance(w.v1.person, POINTS) == 5 and person_balance(w.v2.person, POINTS) == 0
    assert ServiceRecord.objects.filter(activity=act).count() == 1
    with pytest.raises(InvalidTransition, match="already been verified"):
        activities.verify(w.staff, act, {s1.pk: 120})
    assert ServiceRecord.objects.filter(activity=act).count() == 1


def test_signing_up_creates_no_record(w):
    act = vw.activity(w, limit=2)
    activities.sign_up(w.u1, act)
    activities.check_in(w.u1, act)
    assert not ServiceRecord.objects.exists() and not Entry.objects.exists()


# -- public reads ----------------------------------------------------------------------------------
def test_summaries_and_records_of(w):
    vw.run_order(w, until="rated", minutes=60, rating=5)
    vw.run_order(w, until="rated", minutes=30, rating=2)
    vw.run_order(w, until="verified", minutes=15)
    today = ServiceRecord.objects.first().day
    result = records.summaries([w.v1.person.pk, w.v2.person.pk], today, today)
    assert result[w.v1.person.pk] == records.ServiceSummary(w.v1.person.pk, 3, 105, 2, 3.5)
    assert result[w.v2.person.pk] == records.ServiceSummary(w.v2.person.pk, 0, 0, 0, None)
    lines = records.records_of(w.v1.person.pk, today, today)
    assert [(line.title, line.minutes, line.rating) for line in lines] == [
        ("上门理发", 60, 5), ("上门理发", 30, 2), ("上门理发", 15, None)]
    assert all(w.person.name not in str(line) for line in lines)
    assert records.records_of(w.v1.person.pk, today + dt.timedelta(days=1), today + dt.timedelta(days=2)) == []


def test_who_is_told_of_each_step(w):
    from gridgov.volunteering.services.notices import recipients
    order = orders.place_order(w.resident, item=w.haircut)
    (staff, _text), = recipients(order, A.ORDER)
    assert w.staff in staff
    order = orders.dispatch(w.staff, orders.accept(w.staff, order), team=w.team)
    told = recipients(order, A.DISPATCH)
    assert told[0][0] == [w.u1] and told[1][0] == [w.resident]
    order = orders.verify(w.staff, orders.check_out(w.u1, orders.check_in(w.u1, orders.take(w.u1, order))), 30)
    assert recipients(order, A.VERIFY)[0][0] == [w.resident]
    assert recipients(orders.rate(w.resident, order, 4), A.RATE)[0][0] == [w.u1]


def test_a_grid_worker_orders_for_a_resident_of_their_grid_only(w):
    order = orders.place_order(w.d.users["grid_worker"], item=w.haircut, resident=w.person)
    assert order.resident == w.person and order.ordered_by == w.d.users["grid_worker"]
    with pytest.raises(PermissionDenied):
        orders.place_order(w.d.users["grid_worker2"], item=w.haircut, resident=w.person)
    assert ServiceOrder.objects.count() == 1


@pytest.mark.parametrize("points", [-1, 2.5, "10", None])
def test_bad_points_are_refused(w, points):
    from gridgov.volunteering.models import Activity, ServiceItem
    from gridgov.volunteering.services import menu_items
    with pytest.raises(ValidationError):
        menu_items.save_item(w.staff, community=w.community, name="坏", points=points)
    with pytest.raises(ValidationError):
        vw.activity(w, points=points)
    assert not ServiceItem.objects.filter(name="坏").exists() and not Activity.objects.exists()

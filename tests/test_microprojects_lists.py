"""The needs and resources lists: needs from each source kind (prefilled from what the source's app
lets the caller see), closing unmet with a reason, 双报到 pledges listed as resources once; and who
is told of a project's steps (``notices.recipients``)."""
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.cases.models import Case
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.microprojects.actions import MicroprojectAction as A
from gridgov.microprojects.models import ListEntry, NeedStatus, Resource
from gridgov.microprojects.services import evaluations, lists, notices, projects, sources
from gridgov.reportin.services import units as reportin_units

from . import microprojects_world as mw
from . import volunteering_world as vw


@pytest.fixture
def w(district):
    return mw.build(district)


def test_a_need_is_listed_and_closed_unmet_with_a_reason(w):
    need = mw.need(w)
    assert need.status == NeedStatus.OPEN and ListEntry.objects.filter(object_id=need.pk, kind="need").count() == 1
    with pytest.raises(ValidationError):
        lists.close_need(w.staff, need, " ")
    with pytest.raises(PermissionDenied):
        lists.close_need(w.resident, need, "不做")
    need = lists.close_need(w.staff, need, "已由物业解决")
    assert need.status == NeedStatus.CLOSED and need.close_reason == "已由物业解决"
    with pytest.raises(InvalidTransition):
        lists.close_need(w.staff, need, "再次")


def test_a_need_refuses_a_place_outside_its_community_and_a_source_without_reference(w):
    with pytest.raises(ValidationError):
        lists.create_need(w.staff, community=w.community, title="x", place_unit=w.d.units["A2-1"])
    with pytest.raises(ValidationError):
        lists.create_need(w.staff, community=w.community, title="x", place_compound=w.d.units["compound A2-1"])
    with pytest.raises(ValidationError):
        lists.create_need(w.staff, community=w.community, title="x", source="visit")
    with pytest.raises(ValidationError):
        lists.create_need(w.staff, community=w.community, title="")
    with pytest.raises(PermissionDenied):
        lists.create_need(w.resident, community=w.community, title="我的需求")


def test_prefill_from_a_volunteering_order(district):
    v = vw.build(district)
    order = vw.run_order(v, until="accepted")
    fields = sources.prefill(v.staff, f"order:{order.pk}")
    assert fields["title"] == "上门理发" and fields["community"] == v.community
    assert fields["place_unit"] == order.resident.unit and fields["source"] == "order"
    need = lists.create_need(v.staff, **{k: fields[k] for k in ("community", "title", "description", "households",
                                                              "place_unit", "source", "source_ref")})
    assert need.source_ref == str(order.pk)
    outsider = User.objects.create_user("b_street", password="x")
    RoleAssignment.objects.create(user=outsider, role=Role.STREET_DISPATCHER, unit=district.units["B"])
    with pytest.raises(NotFound):  # another street's dispatcher does not see the order
        sources.prefill(outsider, f"order:{order.pk}")


def test_prefill_from_a_hot_spot_of_cases(world):
    w = mw.build(world)
    made = []
    for n, micro in enumerate(("A1-1-1", "A1-1-2")):
        made.append(Case.objects.create(
            district_code="510113", code=f"5101132026060100{n}", channel="app", title=f"垃圾{n}",
            category=world.categories["small"], unit=world.units[micro], queue=world.units["A1"],
            reported_at=timezone.now(), reporter=world.persons[n]))
    fields = sources.prefill(w.staff, "hotspot:" + ",".join(case.code for case in made))
    assert fields["community"] == w.community and fields["place_unit"] == world.units["A1-1"]
    assert fields["households"] == 2 and "暴露垃圾" in fields["title"]
    with pytest.raises(NotFound):
        sources.prefill(w.staff, "hotspot:nothing")
    with pytest.raises(NotFound):
        sources.prefill(w.staff, "lottery:1")


def test_a_pledge_is_listed_as_a_resource_once(w):
    unit = reportin_units.register_unit(w.staff, w.community, name="区税务局", kind="organ")
    pledge = reportin_units.pledge(w.staff, unit, kind="venue", description="会议室", quantity="每周 2 次")
    assert list(lists.unlisted_pledges(w.community)) == [pledge]
    resource = lists.list_pledge(w.staff, pledge)
    assert (resource.kind, resource.provider_kind, resource.provider_name) == ("venue", "pledge", "区税务局")
    assert not lists.unlisted_pledges(w.community).exists()
    with pytest.raises(InvalidTransition):
        lists.list_pledge(w.staff, pledge)
    assert Resource.objects.count() == 1


def test_a_resource_has_a_provider_and_a_sane_window(w):
    resource = lists.add_resource(w.staff, community=w.community, kind="skills", title="水电维修",
                                  provider_kind="person", provider_name="张师傅", quantity="每月 4 小时")
    assert resource.pk
    with pytest.raises(ValidationError):
        lists.add_resource(w.staff, community=w.community, kind="skills", title="x", provider_kind="pledge",
                           provider_name="y")
    with pytest.raises(ValidationError):
        lists.add_resource(w.staff, community=w.community, kind="funds", title="x", provider_kind="unit",
                           provider_name="y", available_from=dt.date(2026, 6, 2), available_until=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError):
        lists.add_resource(w.staff, community=w.community, kind="funds", title="x", provider_kind="unit",
                           provider_name="y", amount="12.345")


def test_notices_tell_the_served_households_and_the_staff(w, monkeypatch):
    decision = mw.Decision(monkeypatch)
    project = mw.run(w, decision, until="accepted")
    told = notices.recipients(project, A.OPEN_EVALUATION)
    assert {u.username for u in told[0][0]} == {"resident", "res2"} and project.title in told[0][1]
    project = projects.open_evaluation(w.staff, project)
    evaluations.evaluate(w.resident, project, score=5)
    assert {u.username for u in notices.recipients(project, A.REMIND)[0][0]} == {"res2"}
    assert [u.username for u in notices.recipients(project, A.END_EVALUATION)[0][0]] == ["community_staff"]
    assert {u.username for u in notices.recipients(project, A.MATTER)[0][0]} == {"district_admin",
                                                                                 "district_dispatcher"}
    assert notices.recipients(project, A.EVALUATE) == []

"""“Already reported?”: similar open cases are offered, the resident joins one instead of filing a
new case and then follows it (without rating it: tests/test_security_cases.py); a dispatcher sees
the likely duplicates of a case and merges them."""
import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.accounts.models import ApiToken, Role, RoleAssignment
from gridgov.accounts.scope import visible
from gridgov.cases.models import Case, Status
from gridgov.cases.services import filing, following, lifecycle
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import related_categories
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.core.geo import bounding_box, distance_m
from gridgov.intake.duplicates import join, similar_open_cases, similar_to_case
from gridgov.intake.models import IntakeSettings
from gridgov.intake.text import similarity

from .cases_world import IN_A1_1, IN_A1_2

DISTRICT = "510113"
MASTER_TEXT = "3栋楼顶有人违章搭建彩钢棚"
ALIKE = "3栋楼顶违章搭建了彩钢棚，好几天了"
NEAR = (IN_A1_1[0] + 0.0009, IN_A1_1[1])  # 100 m north


def report(world, title=MASTER_TEXT, category="big", at=IN_A1_1, by="grid_worker", **extra):
    user = world.users[by]
    return filing.report(district=world.units["district"], channel="patrol" if by == "grid_worker" else "app",
                         title=title, category=world.categories[category], lat=at[0] if at else None,
                         lng=at[1] if at else None, reported_by=user,
                         reporter=user.person if by.startswith("resident") else None, **extra)


def offered(world, text=ALIKE, category="big", place=NEAR, **extra):
    found = similar_open_cases(DISTRICT, world.categories[category], place[0] if place else None,
                               place[1] if place else None, text, **extra)
    return [case for case, _score in found]


@pytest.fixture
def resident2(world):
    """A second resident, living in micro-grid A1-1-2."""
    user = User.objects.create_user("resident2", password="x")
    RoleAssignment.objects.create(user=user, role=Role.RESIDENT, unit=world.units["A1-1"])
    person = world.persons[1]
    person.user = user
    person.save()
    world.users["resident2"] = user
    return user


def test_geometry():
    assert distance_m(30.0, 104.0, 30.0, 104.0) == 0
    assert 110_000 < distance_m(30.0, 104.0, 31.0, 104.0) < 112_000
    south, north, west, east = bounding_box(30.0, 104.0, 300)
    assert distance_m(30.0, 104.0, north, 104.0) == pytest.approx(300, rel=1e-3)
    assert distance_m(30.0, 104.0, 30.0, east) == pytest.approx(300, rel=1e-2)
    assert similarity("楼下垃圾没人清", "楼下垃圾没人清") == 1 and similarity("路灯不亮", "楼下垃圾") == 0


def test_a_nearby_recent_similar_case_of_the_same_category_is_offered(world):
    master = report(world)
    found = similar_open_cases(DISTRICT, world.categories["big"], *NEAR, ALIKE)
    assert [case for case, _ in found] == [master]
    case, score = found[0]
    assert 90 < case.distance_m < 110 and 0.3 <= case.text_similarity <= 1 and 0 < score <= case.text_similarity


def other_class(world):
    """A category of another top-level class (98, not the test categories' 99)."""
    top = Category.objects.create(code="98", name="另一大类", plain_name="另一", handling_level="grid",
                                  lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)
    world.categories["other"] = Category.objects.create(
        code="9801", name="违法建设其他", plain_name="违建其他", parent=top, handling_level="grid",
        lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)


def test_far_other_category_old_dissimilar_or_closed_cases_are_not_offered(world):
    master = report(world)
    other_class(world)
    assert offered(world, place=IN_A1_2) == []  # about 12 km away
    assert offered(world, category="other") == []  # a category of another class
    assert offered(world, text="路灯坏了晚上很黑") == []  # another problem
    assert offered(world, place=None) == []  # no place given at all
    assert offered(world, place=(IN_A1_1[0] + 0.004, IN_A1_1[1])) == []  # 445 m: beyond the 300 m radius
    assert offered(world, at=clock.now() + dt.timedelta(hours=71)) == [master]
    assert offered(world, at=clock.now() + dt.timedelta(hours=73)) == []  # older than the 72-hour window
    Case.objects.filter(pk=master.pk).update(status=Status.CLOSED)
    assert offered(world) == []


def test_a_related_category_with_the_same_parent_counts_as_the_same_problem(world):
    # Issue 17, item 2/7: “already reported” needed the very same category, so a resident choosing
    # 邻里纠纷 never saw the 违法建设 case of the same roof. Siblings under one parent now match.
    master = report(world)  # 9903 违法建设, under 99
    other_class(world)
    assert offered(world, category="community") == [master]  # 9904, the same parent
    assert offered(world, category="small") == [master]
    assert offered(world, category="other") == []  # 9801, under 98
    top = world.categories["other"].parent  # a top-level class has no siblings: only itself
    assert list(related_categories(top)) == [top]


def test_the_district_settings_decide(world):
    report(world)
    IntakeSettings.objects.create(district=world.units["district"], duplicate_radius_m=50,
                                  duplicate_window_hours=24, duplicate_text_similarity=0.9)
    assert offered(world) == []
    IntakeSettings.objects.update_or_create(district=world.units["district"],
                                            defaults={"duplicate_radius_m": 200, "duplicate_text_similarity": 0.2})
    assert len(offered(world)) == 1


def test_without_coordinates_the_same_grid_counts_as_near(world):
    master = report(world)  # located to grid A1-1 by its coordinates
    assert offered(world, place=None, unit=world.units["A1-1-2"]) == [master]
    assert offered(world, place=None, unit=world.units["A1-2"]) == []
    assert offered(world, place=None, unit=world.units["A1"]) == []  # a community is too vague
    placeless = report(world, at=None, title="3栋楼顶有人搭了彩钢棚，违章搭建")  # the grid worker's own grid
    assert placeless.unit == world.units["A1-1"]
    assert set(offered(world)) == {master, placeless}  # a point in the grid matches a case without one


def test_the_best_come_first(world):
    far_alike = report(world, at=(IN_A1_1[0] + 0.0025, IN_A1_1[1]))  # 280 m, the same words
    near_alike = report(world, at=(IN_A1_1[0] + 0.0002, IN_A1_1[1]))  # 22 m
    assert offered(world, text=MASTER_TEXT, place=IN_A1_1) == [near_alike, far_alike]


def test_a_resident_joins_and_follows_the_master_without_rating_it(world, resident2):
    # Changed with the case scope fix (security review, item 1): a follower sees the master in its
    # public form only and does not rate it; before, the master opened in full and they rated it.
    master = report(world)
    merged = join(resident2, master, description="我也看到了", lat=NEAR[0], lng=NEAR[1])
    assert merged.status == Status.MERGED and merged.merged_into == master
    # Titled by the category, not by the master's title (its reporter's words, never shown to them).
    assert merged.reporter == world.persons[1] and merged.title == master.category.plain_name
    assert not visible(resident2, Case.objects.all()).filter(pk=master.pk).exists()
    assert following.public_case(resident2, master.code).own == [merged.code]
    with pytest.raises(ValidationError):
        join(resident2, master, lat=NEAR[0], lng=NEAR[1])  # already following it
    dispatcher, chengguan = world.users["street_dispatcher"], world.users["dept_chengguan"]
    master = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, master), lead=world.departments["chengguan"])
    master = lifecycle.handle(chengguan, lifecycle.acknowledge(chengguan, master), "已拆除")
    assert master.status == Status.CLOSED
    assert following.public_case(resident2, master.code).status == Status.CLOSED  # they follow its progress
    with pytest.raises(NotFound):
        lifecycle.rate(resident2, master, "unsatisfied", "不满意")
    master.refresh_from_db()
    assert (master.status, master.rating, master.reopen_count) == (Status.CLOSED, "", 0)


def test_joining_needs_a_similar_open_case_near_the_resident(world, resident2):
    master = report(world)
    with pytest.raises(ValidationError):
        join(resident2, master, lat=IN_A1_2[0], lng=IN_A1_2[1])  # far from it
    with pytest.raises(ValidationError):
        join(resident2, master, title="路灯坏了晚上很黑", lat=NEAR[0], lng=NEAR[1])  # another problem
    with pytest.raises(PermissionDenied):
        join(world.users["street_dispatcher"], master, lat=NEAR[0], lng=NEAR[1])  # files no reports
    # Without coordinates the resident's home (micro-grid A1-1-2, in the master's grid) is the place.
    assert join(resident2, master).merged_into == master
    assert not Case.objects.filter(merged_into__isnull=True, reporter=world.persons[1]).exists()


def test_the_dispatcher_sees_likely_duplicates_and_merges(world):
    master = report(world)
    duplicate = report(world, title=ALIKE, at=NEAR, by="resident")
    assert [case for case, _ in similar_to_case(duplicate)] == [master]
    assert [case for case, _ in similar_to_case(master)] == [duplicate]  # reported after it, still offered
    duplicate = lifecycle.merge(world.users["street_dispatcher"], duplicate, master, "重复上报")
    assert duplicate.status == Status.MERGED
    assert similar_to_case(master) == []  # a merged case is not offered again


# -- the API --------------------------------------------------------------------------------------
@pytest.fixture
def api(world, client):
    def call(method, url, data=None, username="district_admin"):
        headers = {"Authorization": f"Bearer {ApiToken.issue(world.users[username])}"}
        if method == "post":
            return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)
        return client.get(url, data or {}, headers=headers)

    return call


def test_api_already_reported_and_join(world, resident2, api):
    master = report(world)
    body = {"category": world.categories["big"].code, "title": ALIKE, "lat": NEAR[0],
            "lng": NEAR[1]}
    found = api("post", "/api/v1/intake/similar", body, "resident2").json()
    assert [item["code"] for item in found] == [master.code]
    # The public form (changed with the case scope fix): nothing the reporter wrote, no distance or likeness.
    assert found[0]["full"] is False and found[0]["unit_name"] == world.units["A1-1"].short_name
    assert all(found[0][key] is None for key in ("title", "distance_m", "similarity", "score"))
    staff = api("post", "/api/v1/intake/similar", body, "street_dispatcher").json()
    assert staff[0]["full"] is True and staff[0]["title"] == MASTER_TEXT and 90 < staff[0]["distance_m"] < 110
    assert api("post", "/api/v1/intake/similar", {**body, "lng": None}, "resident2").status_code == 422
    joined = api("post", f"/api/v1/intake/cases/{master.code}/join", {"lat": NEAR[0], "lng": NEAR[1]}, "resident2")
    assert joined.status_code == 201 and joined.json()["master"] == master.code
    assert Case.objects.get(code=joined.json()["case"]).merged_into == master
    assert api("post", "/api/v1/intake/cases/999999/join", {}, "resident2").status_code == 404
    # The address text locates a report without coordinates.
    by_address = api("post", "/api/v1/intake/similar",
                     {**body, "lat": None, "lng": None, "address": "测试A1社区第1网格小区1栋"}, "resident").json()
    assert [item["code"] for item in by_address] == [master.code] and by_address[0]["distance_m"] is None


def test_api_similar_to_a_case_is_scoped(world, api):
    master = report(world)
    duplicate = report(world, title=ALIKE, at=NEAR, by="resident")
    url = f"/api/v1/intake/cases/{duplicate.code}/similar"
    assert [item["code"] for item in api("get", url, username="street_dispatcher").json()] == [master.code]
    assert api("get", url, username="resident").json() == []  # the resident may not see the grid worker's case
    assert api("get", url, username="grid_worker2").status_code == 404  # another grid's case

"""The menu is assembled from what each app registers (core/menu.py), and each role sees what the
base template used to spell out role by role."""
import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from gridgov.accounts.models import RoleAssignment
from gridgov.core import menu
from gridgov.home.context import navigation

EVERY_STAFF_PAGE = ["case-queues", "hotspots", "assessment", "screen"]
#: What those running a unit's participation see: its time bank, volunteers and 双报到, proposals and
#: meetings, micro-projects, care, visits, party building and the facilities.
PARTICIPATION = ["timebank-communities", "volunteering-queue"]
RUNNING = ["deliberation-queue", "reportin-home", "microprojects-home", "care-plans", "visits-staff",
           "partybuilding-home", "facilities"]
SEEN = {
    "district_admin": EVERY_STAFF_PAGE + ["inbox"] + PARTICIPATION + RUNNING + ["unit", "people"],
    "district_dispatcher": EVERY_STAFF_PAGE + ["inbox"] + PARTICIPATION + RUNNING + ["unit", "people"],
    "street_dispatcher": EVERY_STAFF_PAGE + ["inbox"] + PARTICIPATION + RUNNING + ["unit", "people"],
    "community_staff": ["my-tasks"] + EVERY_STAFF_PAGE + ["inbox"] + PARTICIPATION + ["shop-keeper"] + RUNNING
    + ["unit", "people"],
    "grid_worker": ["my-tasks", "assessment", "case-report", "my-cases", "care-today", "visits-mine",
                    "volunteering-order-for", "inbox", "unit", "people"],
    "dept_chengguan": ["assessment", "department-inbox", "inbox", "unit"],
    "resident": ["case-report", "my-cases", "timebank-mine", "shop", "volunteering-services", "volunteering-tasks",
                 "deliberation-proposals", "deliberation-my-meetings", "microprojects-mine", "inbox", "unit"],
}


def _request(user, path="/inbox/"):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    request.user = user
    return request


def _menu(user, path="/inbox/"):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    request.user = user
    with translation.override("en"):
        return [{**entry, "label": str(entry["label"])} for item in navigation(request)["menu"]
                for entry in item.get("children", [item])]


@pytest.mark.parametrize("username", sorted(SEEN))
def test_each_role_sees_its_pages_in_order(district, username):
    assert [item["url_name"] for item in _menu(district.users[username])] == SEEN[username]


def test_labels_follow_the_role(district):
    def report_label(username):
        return next(item["label"] for item in _menu(district.users[username]) if item["url_name"] == "case-report")

    assert report_label("grid_worker") == "Report from patrol"
    assert report_label("resident") == "Report a problem"


def test_the_structure_entry_opens_the_users_own_unit(district):
    unit = next(item for item in _menu(district.users["grid_worker"]) if item["url_name"] == "unit")
    assert unit["href"] == f"/units/{district.units['A1-1'].code}/"


def test_superuser_sees_the_back_office_last(district):
    names = [item["url_name"] for item in _menu(User.objects.create_superuser("root", password="x"))]
    assert names[-1] == "admin:index" and "department-inbox" not in names


def test_a_new_apps_entry_appears_without_touching_the_template(district, client, monkeypatch):
    monkeypatch.setattr(menu, "_ENTRIES", dict(menu._ENTRIES))
    menu.register(menu.Entry("Volunteering", "inbox-badge", 5, lambda request, scope: "resident" in scope.roles))
    assert _menu(district.users["resident"])[0]["label"] == "Volunteering"
    assert all(item["label"] != "Volunteering" for item in _menu(district.users["grid_worker"]))
    client.force_login(district.users["resident"])
    assert "Volunteering" in client.get("/inbox/").content.decode()


def test_the_current_page_is_marked(district):
    marked = [item["url_name"] for item in _menu(district.users["district_admin"], "/assessment/") if item["active"]]
    assert marked == ["assessment"]
    assert [item["url_name"] for item in _menu(district.users["district_admin"]) if item["active"]] == ["inbox"]


def test_the_participation_pages_open_from_one_section(district):
    """Nine apps' staff pages side by side overflow a desktop bar: they share the 'Taking part'
    dropdown; a user who sees one of them only finds it in the bar itself."""
    request = RequestFactory().get("/care/board/")
    request.resolver_match = resolve("/care/board/")
    request.user = district.users["community_staff"]
    with translation.override("en"):
        menu_items = navigation(request)["menu"]
        [section] = [item for item in menu_items if item.get("children")]
        assert str(section["label"]) == "Taking part" and section["active"]
    assert [child["url_name"] for child in section["children"]] == PARTICIPATION + ["shop-keeper"] + RUNNING
    assert [item["url_name"] for item in menu_items if not item.get("children")][:1] == ["my-tasks"]
    keeper = User.objects.create_user("keeper")
    RoleAssignment.objects.create(user=keeper, role="shop_keeper", unit=district.units["A1"])
    assert "shop-keeper" in [item["url_name"] for item in _menu(keeper)]
    assert not [item for item in navigation(_request(keeper))["menu"] if item.get("children")]

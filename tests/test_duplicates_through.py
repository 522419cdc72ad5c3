"""Duplicates carried through (issue 17, item 7): an “already reported” case opens (its page, or its
public progress) and a grid worker adds their observation to it instead of filing a duplicate; a
merge can be undone; a merged report's reporter follows the master on “My cases”, is told of it by
their own title and rates their own report; nobody is offered “me too” on their own report. The
confirmation step of the merge: tests/test_web_cases.py and tests/test_intake_web.py; related
categories: tests/test_duplicates.py."""
import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from gridgov.cases.actions import CaseAction
from gridgov.cases.models import AssignmentStatus, Case, Status
from gridgov.cases.services import following, lifecycle
from gridgov.cases.services.available import available_actions
from gridgov.cases.views import present
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.intake.duplicates import join, similar_for_report
from gridgov.notifications.models import Notification

from .cases_world import IN_A1_1, photo
from .test_duplicates import ALIKE, DISTRICT, NEAR, report, resident2  # noqa: F401 - resident2 is a fixture


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def in_chinese(msgid, **values) -> str:
    """A message as the inbox writes it: in the district's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid) % values


def offers_for(world, username, text=ALIKE, place=NEAR):
    return {offer.code: offer for offer in similar_for_report(
        world.users[username], DISTRICT, world.categories["big"], title=text, lat=place[0], lng=place[1])}


def similar_page(client, world, username, place=NEAR) -> str:
    client.force_login(world.users[username])
    response = client.post(reverse("case-report-similar"), {
        "title": ALIKE, "category": world.categories["big"].pk, "lat": place[0], "lng": place[1]},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def item(html, code) -> str:
    return html.split(f'data-similar-case="{code}"')[1].split("</li>")[0]


# -- rule 4: never “me too” on one's own report ---------------------------------------------------
def test_nobody_is_offered_to_join_their_own_report(world, resident2, client):
    mine = report(world, by="resident2", at=NEAR)
    offer = offers_for(world, "resident2")[mine.code]
    assert offer.own and offer.openable
    html = item(similar_page(client, world, "resident2"), mine.code)
    assert "data-own-report" in html and "data-join" not in html and f'data-open="{mine.code}"' in html
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        join(world.users["resident2"], mine, title=ALIKE, lat=NEAR[0], lng=NEAR[1])
    assert refused.value.error_list[0].code == "own"
    # Someone else's report is offered to join, until they follow it.
    other = report(world)  # the grid worker's, on patrol
    assert not offers_for(world, "resident2")[other.code].own
    assert f'data-join="{other.code}"' in item(similar_page(client, world, "resident2"), other.code)
    join(world.users["resident2"], other, title=ALIKE, lat=NEAR[0], lng=NEAR[1])
    assert offers_for(world, "resident2")[other.code].own
    assert "data-join" not in item(similar_page(client, world, "resident2"), other.code)
    # The grid worker's own patrol report is theirs too.
    assert offers_for(world, "grid_worker", place=IN_A1_1)[other.code].own


# -- rule 1: open it, or add an observation -------------------------------------------------------
def test_an_offered_case_opens_where_the_scope_allows_and_shows_its_public_progress_elsewhere(world, client):
    master = report(world, by="resident", at=IN_A1_1)  # in grid A1-1
    lifecycle.accept(world.users["street_dispatcher"], master)
    own_grid = item(similar_page(client, world, "grid_worker"), master.code)
    assert f'data-open="{master.code}"' in own_grid and "data-public-progress" not in own_grid
    other_grid = item(similar_page(client, world, "grid_worker2"), master.code)  # A1-2: not theirs to open
    assert reverse("case", args=[master.code]) not in other_grid and "data-public-progress" in other_grid
    steps = offers_for(world, "grid_worker2")[master.code].steps
    assert [(step.action, step.status) for step in steps] == [(CaseAction.REPORT, Status.REPORTED),
                                                               (CaseAction.ACCEPT, Status.ACCEPTED)]
    assert offers_for(world, "grid_worker")[master.code].steps == ()  # its page opens instead


def test_a_grid_worker_adds_an_observation_with_photos_and_follows_the_case(world, client):
    master = report(world, by="resident", at=IN_A1_1)
    worker = world.users["grid_worker2"]
    observation = join(worker, master, title=ALIKE, description="彩钢棚还在加高", lat=NEAR[0], lng=NEAR[1],
                       photos=[photo()])
    assert (observation.status, observation.merged_into, observation.channel) == (Status.MERGED, master, "patrol")
    assert observation.reporter is None and observation.reported_by == worker and observation.photos.count() == 1
    assert following.own_reports_merged_into(worker, master) == [observation.code]
    assert following.public_case(worker, master.code).own == [observation.code]  # they follow it
    with pytest.raises(ValidationError):
        join(worker, master, title=ALIKE, lat=NEAR[0], lng=NEAR[1])  # once is enough
    with pytest.raises(PermissionDenied):
        join(world.users["dept_chengguan"], master, title=ALIKE, lat=NEAR[0], lng=NEAR[1])  # files no reports
    # Through the report screen: the fragment's button posts the form's words and photos.
    client.force_login(world.users["grid_worker"])
    second = report(world, by="resident", at=IN_A1_1, title="3栋楼顶有人违章搭建彩钢棚，又加了一层")
    response = client.post(reverse("case-report-join", args=[second.code]), {
        "title": ALIKE, "description": "现场照片", "lat": NEAR[0], "lng": NEAR[1], "photos": [photo()]},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("case", args=[second.code])
    added = Case.objects.get(merged_into=second)
    assert added.reported_by == world.users["grid_worker"] and added.photos.count() == 1


# -- rule 2: a merge can be undone -----------------------------------------------------------------
def test_a_merge_is_undone_back_to_where_it_was(world):
    dispatcher, departments = world.users["street_dispatcher"], world.departments
    duplicate = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, report(world, title=ALIKE, at=NEAR)),
                                   lead=departments["chengguan"], assisting=[departments["gongan"]])
    lifecycle.acknowledge(world.users["dept_chengguan"], duplicate)
    master = report(world)
    merged = lifecycle.merge(dispatcher, duplicate, master, "重复上报")
    assert set(merged.assignments.values_list("status", flat=True)) == {AssignmentStatus.CANCELLED}
    with pytest.raises((NotFound, PermissionDenied)):
        lifecycle.unmerge(world.users["resident"], merged)
    back = lifecycle.unmerge(dispatcher, merged, "并错了")
    assert (back.status, back.merged_into) == (Status.ACKNOWLEDGED, None)
    assert dict(back.assignments.values_list("department__code", "status")) == {
        "chengguan": AssignmentStatus.ACKNOWLEDGED, "gongan": AssignmentStatus.DISPATCHED}
    assert back.timeline.order_by("-seq").first().action == CaseAction.UNMERGE
    last = master.timeline.order_by("-seq").first()
    assert (last.action, last.data) == (CaseAction.UNMERGED_OUT, {"case": duplicate.code})
    assert journal.verify(back) and journal.verify(master)
    rows = present.timeline_rows(back, for_reporter=False)
    assert master.code in rows[-1]["detail"]  # the step says which case it left
    with pytest.raises(InvalidTransition):
        lifecycle.unmerge(dispatcher, back)  # not merged any more


def test_a_merge_into_a_finished_case_is_undone_only_within_the_time_limit(world):
    dispatcher, chengguan = world.users["street_dispatcher"], world.users["dept_chengguan"]
    master = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, report(world)),
                                lead=world.departments["chengguan"])
    duplicate = lifecycle.merge(dispatcher, report(world, title=ALIKE, at=NEAR), master)
    merged_at = clock.now()
    lifecycle.handle(chengguan, lifecycle.acknowledge(chengguan, master), "已拆除")  # closes: no verification
    with clock.frozen(merged_at + dt.timedelta(hours=lifecycle.UNMERGE_HOURS, minutes=1)):
        assert not lifecycle.merge_undoable(Case.objects.get(pk=duplicate.pk))
        assert CaseAction.UNMERGE not in available_actions(dispatcher, Case.objects.get(pk=duplicate.pk))
        with pytest.raises(ValidationError) as refused:
            lifecycle.unmerge(dispatcher, duplicate)
        assert refused.value.error_list[0].code == "too_late"
    with clock.frozen(merged_at + dt.timedelta(hours=lifecycle.UNMERGE_HOURS - 1)):
        assert lifecycle.unmerge(dispatcher, duplicate).status == Status.REPORTED


# -- rule 3: the follower follows, is told by their own title, and rates their own report ------------
def test_a_follower_sees_the_master_on_my_cases_is_told_by_their_title_and_rates_their_report(
        world, resident2, client, django_capture_on_commit_callbacks):
    dispatcher, chengguan = world.users["street_dispatcher"], world.users["dept_chengguan"]
    master = report(world)
    own_title = "我家对面3栋楼顶违章搭建彩钢棚"
    with django_capture_on_commit_callbacks(execute=True):
        mine = join(world.users["resident2"], master, title=own_title, lat=NEAR[0], lng=NEAR[1])
        master = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, master), lead=world.departments["chengguan"])
    with translation.override("en"), pytest.raises(ValidationError):
        lifecycle.rate(world.users["resident2"], mine, "satisfied")  # the master is not closed yet
    client.force_login(world.users["resident2"])
    card = client.get(reverse("my-cases")).content.decode().split(f'data-case="{mine.code}"')[1]
    assert f'data-master="{master.code}"' in card and "gg-status-dispatched" in card.split("data-master")[1]
    assert "3栋楼顶有人违章搭建彩钢棚" not in card  # never the master's title (its reporter's words)
    with django_capture_on_commit_callbacks(execute=True):
        master = lifecycle.handle(chengguan, lifecycle.acknowledge(chengguan, master), "已拆除")
    told = Notification.objects.filter(user=world.users["resident2"]).order_by("at", "pk")
    texts = [notification.text for notification in told]
    assert all(own_title in text for text in texts) and "3栋楼顶有人违章搭建彩钢棚" not in "".join(texts)
    closed = told.last()
    assert closed.target == mine and closed.text == in_chinese(
        "Your report “%(title)s” was merged into %(code)s, which has been closed: please rate it.",
        title=own_title, code=master.code)
    assert CaseAction.RATE in available_actions(world.users["resident2"], Case.objects.get(pk=mine.pk))
    rated = lifecycle.rate(world.users["resident2"], mine, "unsatisfied", "还没拆干净")
    assert (rated.status, rated.rating) == (Status.MERGED, "unsatisfied")
    master.refresh_from_db()
    assert (master.status, master.rating, master.reopen_count) == (Status.CLOSED, "", 0)  # the master's own
    with pytest.raises(InvalidTransition):
        lifecycle.rate(world.users["resident2"], mine, "satisfied")  # once


def test_the_reporter_of_a_merged_case_is_told_it_was_merged_and_unmerged(world, django_capture_on_commit_callbacks):
    dispatcher = world.users["street_dispatcher"]
    master = report(world)
    duplicate = report(world, title=ALIKE, at=NEAR, by="resident")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.merge(dispatcher, duplicate, master)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.unmerge(dispatcher, duplicate)
    merged, undone = Notification.objects.filter(user=world.users["resident"]).order_by("pk")
    assert merged.target == undone.target == duplicate
    assert merged.text == in_chinese("Your report “%(title)s” was merged into %(code)s, the same problem: you will be "
                                     "told of its progress and asked to rate it once it is closed.",
                                     title=ALIKE, code=master.code)
    assert undone.text == in_chinese("The merge of your report “%(title)s” into %(code)s was undone: it is handled "
                                     "on its own again.", title=ALIKE, code=master.code)

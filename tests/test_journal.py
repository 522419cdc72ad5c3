"""The kernel journal (core/journal.py): the hash chain any subject can keep (the case timeline's is
unchanged), the transition machinery, its two moments (projections inside the transaction, the
``changed`` signal on commit), the domain errors and how the edges answer them, the deadline watch
as recorded events, notifications about any target, and the back office's own journal."""
import ast
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from gridgov.accounts.models import ApiToken
from gridgov.assessment.models import CaseTally
from gridgov.cases.models import Case, Status, TimelineEntry
from gridgov.cases.services import lifecycle, watch
from gridgov.catalogue.models import Category
from gridgov.core import journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.core.middleware_errors import DomainErrorMiddleware
from gridgov.core.models import BackOfficeAction, BackOfficeEntry
from gridgov.intake import services as intake_services
from gridgov.intake.models import TrainingExample
from gridgov.notifications import services as notifications
from gridgov.notifications.models import Kind, Notification
from gridgov.structure.models import Department

from .test_cases_lifecycle import close_small_case, report

SRC = Path(__file__).resolve().parent.parent / "src" / "gridgov"


def old_digest(entry, case_code: str) -> str:
    """``cases/services/timeline.py::_digest`` as it was before the kernel (commit f9f47fe)."""
    payload = json.dumps(
        [case_code, entry.seq, entry.actor_id, entry.action, entry.from_status, entry.to_status, entry.note,
         entry.data, entry.at.astimezone(dt.timezone.utc).isoformat(), entry.prev_hash],
        cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@pytest.fixture
def heard():
    """What ``journal.changed`` said about cases, and when: ``(action, subject status)`` per entry."""
    said = []

    def listen(sender, subject, action, actor, entry, **kwargs):
        said.append((action, subject.status))

    journal.changed.connect(listen, sender=Case, weak=False, dispatch_uid="test_journal")
    yield said
    journal.changed.disconnect(sender=Case, dispatch_uid="test_journal")


def zh(text: str, **values) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(text) % values


# -- the chain ---------------------------------------------------------------------------------
def test_a_chain_written_by_the_old_code_still_verifies_and_grows(world):
    case = report(world)
    TimelineEntry.objects.filter(case=case).delete()  # rebuilt by hand below, as the old code wrote it
    worker = world.users["grid_worker"]
    local = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))  # a local time: the hash takes it in UTC
    previous = ""
    for seq, (actor, action, from_status, to_status, data) in enumerate([
            (None, "report", "", "reported", {"channel": "app", "unit": case.unit.code, "photos": 0}),
            (None, "accept", "reported", "accepted", {}),
            (None, "dispatch", "accepted", "dispatched", {"to_user": worker.username, "备注": "网格员"})], start=1):
        entry = TimelineEntry(case=case, district_code=case.district_code, seq=seq, actor=actor, action=action,
                              from_status=from_status,
                              to_status=to_status, note="", data=data, at=local + dt.timedelta(minutes=seq),
                              prev_hash=previous)
        entry.hash = previous = old_digest(entry, case.code)
        TimelineEntry.objects.bulk_create([entry])
    assert journal.verify(case)
    # The kernel appends to it as the old code would have: the same formula, the chain unbroken.
    case = lifecycle.acknowledge(worker, case)
    entries = list(TimelineEntry.objects.filter(case=case).order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4] and entries[3].prev_hash == entries[2].hash
    assert all(e.hash == old_digest(e, case.code) for e in entries)
    assert journal.verify(case)
    TimelineEntry.objects.filter(pk=entries[1].pk).update(note="改过")
    assert not journal.verify(case)


def test_a_removed_entry_breaks_the_chain(world):
    case = close_small_case(world)
    assert journal.verify(case)
    TimelineEntry.objects.filter(case=case, seq=2).delete()
    assert not journal.verify(case)


def test_the_timeline_is_found_as_the_cases_journal():
    assert journal.journal_of(Case) is TimelineEntry
    with pytest.raises(LookupError):
        journal.journal_of(Department)


# -- the transition machinery, on a subject other than a case ------------------------------------
def _active_only(actor, rows):
    return rows.filter(active=True)


@journal.transition(Category, visible=_active_only)
def _rename(actor, category, name, refuse=False):
    category.name = name
    category.save()
    journal.append(category, actor, BackOfficeAction.CHANGED, journal=BackOfficeEntry, data={"fields": ["name"]})
    if refuse:
        raise InvalidTransition("refused after the change")


def test_a_transition_relocks_rereads_through_the_scope_and_appends(world, django_capture_on_commit_callbacks):
    category, user = world.categories["small"], world.users["street_dispatcher"]
    stale = Category.objects.get(pk=category.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        renamed = _rename(user, stale, "新名字")
    assert renamed is not stale and renamed.name == "新名字" == Category.objects.get(pk=category.pk).name
    assert BackOfficeEntry.objects.get().action == BackOfficeAction.CHANGED
    assert journal.verify(category, journal=BackOfficeEntry)
    assert len(callbacks) == 1  # the change signal waits for the commit
    Category.objects.filter(pk=category.pk).update(active=False)
    with pytest.raises(NotFound):  # outside what the actor may see: as if it did not exist
        _rename(user, category, "别的")
    assert _rename(None, category, "平台改名").name == "平台改名"  # the platform sees everything


def test_a_refused_transition_leaves_nothing_behind(world, django_capture_on_commit_callbacks):
    category = world.categories["small"]
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(InvalidTransition):
            _rename(world.users["street_dispatcher"], category, "半途", refuse=True)
    assert Category.objects.get(pk=category.pk).name == category.name
    assert not BackOfficeEntry.objects.exists() and callbacks == []
    assert issubclass(InvalidTransition, ValidationError)  # every handler of a broken rule shows it too


# -- the two moments -----------------------------------------------------------------------------
def test_tallies_move_inside_the_transaction_and_the_inbox_after_commit(world, heard,
                                                                       django_capture_on_commit_callbacks):
    case = report(world, "big")
    before = CaseTally.objects.get(case=case).rows
    dispatcher = world.users["street_dispatcher"]
    with django_capture_on_commit_callbacks() as callbacks:
        case = lifecycle.accept(dispatcher, case)
        assert CaseTally.objects.get(case=case).rows != before  # the projection committed with the change
        assert heard == [] and not Notification.objects.about(case).filter(kind=Kind.PROGRESS).exists()
    for callback in callbacks:
        callback()
    assert heard == [("accept", Status.ACCEPTED)]
    assert Notification.objects.about(case).filter(user__person=case.reporter, kind=Kind.PROGRESS).exists()


def test_a_rolled_back_change_tells_no_one(world, heard, django_capture_on_commit_callbacks):
    case = report(world)
    told = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            lifecycle.supervise(world.users["district_dispatcher"], case, "请尽快处理")
            raise RuntimeError("the surrounding work failed")
    assert callbacks == [] and heard == [] and Notification.objects.count() == told
    assert not Case.objects.get(pk=case.pk).supervised


def test_the_signal_carries_the_subject_as_each_entry_left_it(world, heard, django_capture_on_commit_callbacks):
    case = close_small_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.rate(world.users["resident"], case, "unsatisfied", "没有解决")  # rate, then reopen: one commit
    assert heard == [("rate", Status.CLOSED), ("reopen", Status.ACCEPTED)]


# -- domain errors at the edges ------------------------------------------------------------------
def test_not_found_answers_404_json_in_the_api(world):
    case = report(world)
    token = ApiToken.issue(world.users["grid_worker2"])
    response = Client().get(f"/api/v1/cases/{case.code}", headers={"Authorization": f"Bearer {token}",
                                                                   "Accept-Language": "en"})
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_not_found_answers_the_404_page_on_the_web(world, client):
    case = report(world)
    client.force_login(world.users["grid_worker2"])
    response = client.get(reverse("case", args=[case.code]), headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This page does not exist, or it is outside your area." in response.content.decode()


def test_the_middleware_translates_only_domain_errors(rf: RequestFactory):
    middleware = DomainErrorMiddleware(lambda request: None)
    request = rf.get("/anything/")
    assert middleware.process_exception(request, NotFound()).status_code == 404
    assert middleware.process_exception(request, ValueError("a bug stays a bug")) is None


# -- the deadline watch records events; notifications react --------------------------------------
def test_the_watch_records_light_changes_and_the_inbox_reacts(world, django_capture_on_commit_callbacks):
    start = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))  # a Monday; limit 1 working day
    case = report(world, reported_at=start)
    label = f"{case.code} {case.title}"
    handlers = {u.pk for u in notifications.handlers(case)}
    everyone = handlers | {u.pk for u in notifications.dispatchers(case)}
    assert handlers == {world.users["grid_worker"].pk} and world.users["community_staff"].pk in everyone
    with django_capture_on_commit_callbacks(execute=True):
        watch.tick(now=start + dt.timedelta(hours=20))
    near = Notification.objects.about(case).filter(kind=Kind.NEAR_DUE)
    assert {n.user_id for n in near} == handlers and {n.text for n in near} == {zh("Near due: %(case)s", case=label)}
    with django_capture_on_commit_callbacks(execute=True):
        watch.tick(now=start + dt.timedelta(hours=25))
    overdue = Notification.objects.about(case).filter(kind=Kind.OVERDUE)
    assert {n.user_id for n in overdue} == everyone and {n.text for n in overdue} == {zh("Overdue: %(case)s",
                                                                                           case=label)}
    actions = list(case.timeline.order_by("seq").values_list("action", flat=True))
    assert actions[3:] == ["near_due", "overdue", "escalate", "supervise"]
    assert journal.verify(case)


def test_an_unacknowledged_dispatch_is_recorded_and_told(world, django_capture_on_commit_callbacks):
    case = report(world)
    expected = {u.pk for u in notifications.handlers(case) + notifications.dispatchers(case)}
    with django_capture_on_commit_callbacks(execute=True):
        watch.tick(now=case.response_due + dt.timedelta(minutes=1))
    assert case.timeline.filter(action="response_overdue", actor=None).count() == 1
    told = Notification.objects.about(case).filter(kind=Kind.OVERDUE)
    assert {n.user_id for n in told} == expected
    assert {n.text for n in told} == {zh("Not acknowledged in time: %(case)s", case=f"{case.code} {case.title}")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def test_cases_do_not_reach_up_to_notifications_nor_notifications_into_the_lifecycle():
    up = [str(p.relative_to(SRC)) for p in (SRC / "cases").rglob("*.py")
          if any(m.startswith("gridgov.notifications") for m in _imports(p))]
    assert up == []
    assert not any("lifecycle" in m for m in _imports(SRC / "notifications" / "apps.py"))


# -- recategorise is a transition ----------------------------------------------------------------
def test_recategorise_and_its_training_example_commit_together(world, monkeypatch):
    dispatcher = world.users["street_dispatcher"]
    case = lifecycle.accept(dispatcher, report(world, "big"))

    def broken(**fields):
        raise RuntimeError("the example could not be written")

    monkeypatch.setattr(TrainingExample.objects, "create", broken)
    with pytest.raises(RuntimeError):
        intake_services.recategorise(dispatcher, case, world.categories["community"])
    assert Case.objects.get(pk=case.pk).category == world.categories["big"]
    assert not case.timeline.filter(action="recategorise").exists()
    monkeypatch.undo()
    case = intake_services.recategorise(dispatcher, case, world.categories["community"], "是邻里纠纷")
    example = TrainingExample.objects.get(case=case)
    assert (example.previous_category, example.category) == (world.categories["big"], world.categories["community"])
    entry = case.timeline.get(action="recategorise")
    assert entry.data["from"] == world.categories["big"].code and entry.at == example.at
    with pytest.raises(InvalidTransition):  # the lifecycle's state check applies
        lifecycle.recategorise(dispatcher, lifecycle.dispatch(dispatcher, case, lead=world.departments["chengguan"]),
                               world.categories["big"])


# -- notifications about any target -------------------------------------------------------------
def test_a_notification_about_a_unit_renders_and_leads_to_its_page(world, client):
    worker, unit = world.users["grid_worker"], world.units["A1-1"]
    notifications.notify([worker], unit, Kind.QUEUE, "网格边界已调整")
    notifications.notify([worker], None, Kind.QUEUE, "系统维护通知")
    note = Notification.objects.about(unit).get(user=worker)
    assert note.target == unit and note.url == reverse("unit", args=[unit.code])
    client.force_login(worker)
    html = client.get(reverse("inbox")).content.decode()
    assert "网格边界已调整" in html and reverse("notification", args=[note.pk]) in html
    assert "系统维护通知" in html  # without a target: shown, linked nowhere
    untargeted = Notification.objects.get(text="系统维护通知")
    assert reverse("notification", args=[untargeted.pk]) not in html
    response = client.get(reverse("notification", args=[note.pk]))
    assert response.status_code == 302 and response.url == unit.get_absolute_url()
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("notification", args=[untargeted.pk])).url == reverse("inbox")


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_case_notifications_to_their_target(world):
    case = report(world)
    Notification.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", "0001_initial")])
    old = executor.loader.project_state([("notifications", "0001_initial")]).apps.get_model(
        "notifications", "Notification")
    old.objects.create(user_id=world.users["grid_worker"].pk, case_id=case.pk, kind="dispatch", text="旧通知")
    old.objects.create(user_id=world.users["grid_worker"].pk, case_id=None, kind="queue", text="无案件")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Notification.objects.get(text="旧通知").target == case
    assert Notification.objects.get(text="无案件").target is None


# -- the back office's journal -------------------------------------------------------------------
def _form_data(response) -> dict:
    """The admin change form's own values, as a browser would post them back."""
    data = {}
    for field in response.context["adminform"].form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = value
        if field.field.show_hidden_initial:  # a field with a callable default also posts its initial value
            data[field.html_initial_name] = value
    return data


def test_a_back_office_change_is_journaled_and_verifiable(world, client):
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    category = world.categories["small"]
    url = reverse("admin:catalogue_category_change", args=[category.pk])
    data = {**_form_data(client.get(url)), "resolution_limit_days": "2", "_save": "1"}
    assert client.post(url, data).status_code == 302
    assert Category.objects.get(pk=category.pk).resolution_limit_days == 2
    entry = BackOfficeEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id, entry.data) == (
        BackOfficeAction.CHANGED, root, str(category.pk), {"fields": ["resolution_limit_days"]})
    client.post(url, {**data, "_save": "1"})  # saved again unchanged: nothing to record
    assert BackOfficeEntry.objects.count() == 1
    assert journal.verify(category, journal=BackOfficeEntry)
    BackOfficeEntry.objects.filter(pk=entry.pk).update(data={"fields": []})
    assert not journal.verify(category, journal=BackOfficeEntry)


def test_the_scoped_back_office_journals_creation_and_deletion(world, client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    district = world.units["district"]
    response = client.post(reverse("admin:structure_department_add"), {
        "district": district.pk, "code": "shuiwu", "name": "区水务局", "short_name": "水务", "_save": "1"})
    assert response.status_code == 302
    department = Department.objects.get(code="shuiwu")
    client.post(reverse("admin:structure_department_delete", args=[department.pk]), {"post": "yes"})
    assert not Department.objects.filter(code="shuiwu").exists()
    entries = list(BackOfficeEntry.objects.order_by("seq").values_list("action", "seq", "object_id"))
    assert entries == [(BackOfficeAction.CREATED, 1, str(department.pk)), (BackOfficeAction.DELETED, 2,
                                                                             str(department.pk))]
    assert journal.verify(department, journal=BackOfficeEntry)  # the deleted object's record stays checkable
    with pytest.raises(ValueError):
        BackOfficeEntry.objects.first().delete()

"""The dispatch records of every case dispatched before they were kept, replayed from its timeline
by the same rule the lifecycle now follows live (``services.dispatches.replay``), reading the
timelines in one pass.

Entries written before dispatches carried their response limit get the limit the case's category
gives now, counted from the dispatch (``workdays.add_hours``, as ``deadlines.response_due`` does)."""
from functools import partial
from itertools import groupby

from django.conf import settings
from django.db import migrations

from gridgov.cases.services.dispatches import Step, Target, replay
from gridgov.workdays.services import add_hours


def rebuild(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Dispatch = apps.get_model("cases", "Dispatch")
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Unit = apps.get_model("structure", "Unit")
    Department = apps.get_model("structure", "Department")
    dispatched = TimelineEntry.objects.filter(action="dispatch")
    sent = list(dispatched.values_list("data", flat=True))
    users = dict(User.objects.filter(username__in={d["to_user"] for d in sent if "to_user" in d})
                 .values_list("username", "pk"))
    units = dict(Unit.objects.filter(code__in={d["to_grid"] for d in sent if "to_grid" in d}).values_list("code", "pk"))
    departments = {(d, code): pk for d, code, pk in Department.objects.values_list("district__code", "code", "pk")}

    def target(district_code, data) -> Target:
        if "to_user" in data:
            return Target(user_id=users.get(data["to_user"]))
        if "to_grid" in data:
            return Target(grid_id=units.get(data["to_grid"]))
        return Target(department_id=departments.get((district_code, data["lead"])))

    cases = {pk: (district, limit) for pk, district, limit in Case.objects.filter(
        pk__in=dispatched.values("case")).values_list("pk", "district_code", "category__response_limit_hours")}
    entries = TimelineEntry.objects.filter(case__in=dispatched.values("case")).order_by("case", "seq").iterator(chunk_size=5000)
    batch = []
    for case_id, timeline in groupby(entries, key=lambda e: e.case_id):
        district, limit = cases[case_id]
        batch += replay([_step(e, limit) for e in timeline],
                        partial(Dispatch, case_id=case_id, district_code=district), partial(target, district))
        if len(batch) >= 5000:
            Dispatch.objects.bulk_create(batch)
            batch = []
    Dispatch.objects.bulk_create(batch)


def _step(entry, response_limit_hours) -> Step:
    data = entry.data
    if entry.action == "dispatch" and "response_due" not in data:
        data = {**data, "response_due": add_hours(entry.at, response_limit_hours).isoformat()}
    return Step(entry.action, entry.at, entry.actor_id, entry.from_status, entry.to_status, data)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_dispatch"),
        ("workdays", "0003_statutory_source"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]

"""Distribution by district: what lets the hot tables be spread over several database nodes (Citus,
distributed by ``district_code``) or split into partitions (PostgreSQL ``PARTITION BY LIST
(district_code)``) without changing the application — docs/deployment.md, "Past one machine".

A distributed database routes a statement to the node holding its rows by the distribution column
alone: a statement that does not name the district is sent to every node. So a hot model carries
``district_code`` in its row and in every unique key, and mixes in :class:`DistrictKeyed`, which
makes Django's own statements about one saved row — the ``UPDATE`` of a ``save()``, the re-read of
``refresh_from_db()`` — name the district besides the primary key. ``tests/test_district_keys.py``
captures the SQL of the hot paths and fails on a statement about a hot table that does not.
"""
from django.db.models import Prefetch, prefetch_related_objects


class DistrictKeyed:
    """Mixed into a model with a ``district_code`` field (before ``models.Model``): its saved rows
    are updated and re-read by primary key *and* district. A row never changes district."""

    def _do_update(self, base_qs, *args, **kwargs):
        # Django's save() updates by primary key alone: this is the one place every save passes.
        return super()._do_update(base_qs.filter(district_code=self.district_code), *args, **kwargs)

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        if from_queryset is None:
            from_queryset = type(self)._base_manager.filter(district_code=self.district_code)
        return super().refresh_from_db(using, fields, from_queryset)


def row_key(obj) -> dict:
    """The lookups that find ``obj``'s row: its primary key, and its district when its model is
    :class:`DistrictKeyed` (a re-read under lock is routed like any other statement)."""
    if isinstance(obj, DistrictKeyed):
        return {"pk": obj.pk, "district_code": obj.district_code}
    return {"pk": obj.pk}


def prefetch(objects, lookup: str, queryset) -> None:
    """``prefetch_related_objects`` for rows of a district-keyed model (a page of cases): their
    ``lookup`` rows are read in one statement naming the districts of ``objects``, which the
    related manager's own read (``case_id IN …``) does not."""
    objects = list(objects)
    queryset = queryset.filter(district_code__in=sorted({obj.district_code for obj in objects}))
    prefetch_related_objects(objects, Prefetch(lookup, queryset=queryset))

"""The back office keeps a journal: every admin page of a governed object built on
:class:`JournaledAdmin` appends a :class:`~gridgov.core.models.BackOfficeEntry` for each object it
creates, changes or deletes, in the transaction of the edit (``journal.verify(obj,
journal=BackOfficeEntry)`` checks an object's chain).

It is a module of its own, without registrations, so that any app's ``admin.py`` may build on it
(``accounts.admin_scope.ScopedAdmin`` does, and so every scoped admin page).
"""
from django.contrib import admin
from django.db import router, transaction

from . import journal
from .models import BackOfficeAction, BackOfficeEntry


class JournaledAdmin(admin.ModelAdmin):
    """An admin whose edits are journaled. A save that changed nothing appends nothing."""

    def _record(self, request, obj, action: str, fields=()) -> None:
        journal.append(obj, request.user, action, journal=BackOfficeEntry, data={"fields": sorted(fields)})

    def save_model(self, request, obj, form, change):
        with transaction.atomic(using=router.db_for_write(self.model)):
            super().save_model(request, obj, form, change)
            if not change:
                self._record(request, obj, BackOfficeAction.CREATED, form.changed_data)
            elif form.changed_data:
                # The UPDATE holds the object's row lock until commit: a second edit waits, then
                # reads the chain this one extended.
                self._record(request, obj, BackOfficeAction.CHANGED, form.changed_data)

    def delete_model(self, request, obj):
        with transaction.atomic(using=router.db_for_write(self.model)):
            self._lock([obj.pk])
            self._record(request, obj, BackOfficeAction.DELETED)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The "delete selected" action: one entry per object."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            objects = list(queryset)
            self._lock([obj.pk for obj in objects])
            for obj in objects:
                self._record(request, obj, BackOfficeAction.DELETED)
            super().delete_queryset(request, queryset)

    def _lock(self, pks) -> None:
        """Lock the rows about to be deleted before their chains are extended (see ``journal.append``)."""
        list(self.model._default_manager.select_for_update().filter(pk__in=pks).values_list("pk", flat=True))

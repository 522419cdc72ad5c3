"""The base of every back-office page of a scoped model: the admin is not a way around the scope.

It lives in ``accounts`` because that is where the scope is (:mod:`gridgov.accounts.scope`, computed
from role assignments); ``core`` sits below every app and imports none of them. It is a module of its
own, without registrations, so that any app's ``admin.py`` may build on it without importing (and so
registering) the accounts admin. It builds on the kernel's :class:`~gridgov.core.admin_journal.JournaledAdmin`,
so every edit made through a scoped page is also journaled.
"""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gridgov.core.admin_journal import JournaledAdmin

from .scope import in_scope, is_scoped, visible

OUTSIDE = _("This would lie outside your area of responsibility: you may only keep records of your own units.")


class ScopedAdmin(JournaledAdmin):
    """An admin for a scoped model. A superuser sees everything; any other staff account:

    - lists, opens, changes and deletes (one by one or through an action) only what :func:`visible`
      grants it; anything else answers 404, exactly like something that does not exist;
    - is offered, in every related field (select, autocomplete or raw id), only visible objects, so
      an object of another district is refused as an invalid choice;
    - cannot save a record that would lie outside its scope (a form error, checked on the object as
      the form left it, before anything is written);

    and its permissions (``has_*_permission``) are the ordinary ones: the scope narrows what a
    permission reaches, it grants nothing. Every creation, change and deletion is journaled
    (:class:`~gridgov.core.admin_journal.JournaledAdmin`).
    """

    def get_queryset(self, request):
        return visible(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # the admin's own answer is a redirect saying "does not exist"; the same, as HTTP
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_foreignkey(db_field, request, **kwargs), db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_manytomany(db_field, request, **kwargs), db_field, request)

    @staticmethod
    def _scoped(formfield, db_field, request):
        if formfield is not None and is_scoped(db_field.related_model):
            formfield.queryset = visible(request.user, formfield.queryset)
        return formfield

    def check_scope(self, request, obj):
        """Raise ValidationError unless ``request.user`` may keep ``obj`` as the form left it.
        Subclasses add their model's own limits (and call this)."""
        if not in_scope(request.user, obj):
            raise ValidationError(OUTSIDE)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The admin's form, which also runs :meth:`check_scope` once the object is built from the
        input, so a refusal is a form error and nothing is saved."""
        form = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ScopedForm(form):
            def _post_clean(self):
                super()._post_clean()
                if not self.errors:  # refused already: the object may be half-built
                    try:
                        model_admin.check_scope(request, self.instance)
                    except ValidationError as error:
                        self.add_error(None, error)

        ScopedForm.__name__ = form.__name__
        return ScopedForm

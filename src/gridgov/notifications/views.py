"""The inbox: a user's notifications, unread first; opening one marks it read. The navbar's unread
badge is a small fragment htmx loads (and refreshes) on every page."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification
from .services import actionable, badge_text, mark_read, unread

PAGE_SIZE = 30


@login_required
def inbox(request):
    rows = request.user.notifications.prefetch_related("target").order_by(F("read_at").asc(nulls_first=True), "-at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread(request.user).count()})


@login_required
@require_POST
def read(request):
    """Mark one notification (``pk``) or all of them read, then show the inbox again."""
    pk = request.POST.get("pk")
    if pk is not None and not pk.isdigit():
        return HttpResponseBadRequest(_("Unknown notification."))
    mark_read(request.user, None if pk is None else [int(pk)])
    return redirect("inbox")


@login_required
def open_notification(request, pk):
    """Follow a notification to its target's page, marking it read on the way (back to the inbox
    when it has none)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(request.user, [notification.pk])
    return redirect(notification.url or "inbox")


@login_required
def badge(request):
    """The navbar's count: only what still asks something of the user, capped (``services.actionable``)."""
    count = actionable(request.user).count()
    return render(request, "notifications/_badge.html", {"unread": count, "shown": badge_text(count)})

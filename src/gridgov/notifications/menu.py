"""The inbox in the menu, for everyone, with its unread count fetched after the page loads."""
from django.utils.translation import gettext_lazy as _

from gridgov.core.menu import Entry, register


def register_entries() -> None:
    register(Entry(_("Inbox"), "inbox", 70, lambda request, scope: True, badge_url_name="inbox-badge"))

"""Every step the deliberation journals record. A value is stored and hashed: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliberationAction(models.TextChoices):
    # micro-proposals (微提案)
    PROPOSE = "propose", _("Proposed")
    SUPPORT = "support", _("Supported")
    THRESHOLD = "threshold", _("Support threshold reached")
    WITHDRAW = "withdraw", _("Withdrawn")
    ANSWER = "answer", _("Answered")
    PUBLISH_ANSWER = "publish_answer", _("Answer published")
    IMPLEMENT = "implement", _("Implemented")
    # meetings (议事会)
    SCHEDULE = "schedule", _("Scheduled")
    OPEN = "open", _("Opened")
    CHECK_IN = "check_in", _("Checked in")
    ADD_ITEM = "add_item", _("Agenda item added")
    VOTE = "vote", _("Vote cast")
    RESOLVE = "resolve", _("Resolution recorded")
    MINUTES = "minutes", _("Minutes recorded")
    CLOSE = "close", _("Closed")
    CANCEL = "cancel", _("Cancelled")
    # four deliberations, two publications (四议两公开)
    DRAFT = "draft", _("Drafted")
    ADVANCE = "advance", _("Advanced a step")
    RETURN = "return", _("Returned to draft")
    PUBLISH = "publish", _("Published")
    TAKE_DOWN = "take_down", _("Publication taken down")
    # set-up (series, rosters, settings)
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")

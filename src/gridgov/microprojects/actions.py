"""Every step the micro-project journals record. A value is stored and hashed: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class MicroprojectAction(models.TextChoices):
    # projects
    PROPOSE = "propose", _("Proposed")
    REVIEW = "review", _("Feasibility reviewed")
    DECIDE = "decide", _("Decided")
    START = "start", _("Started")
    FUND = "fund", _("Funding line added")
    SPEND = "spend", _("Spending recorded")
    MILESTONE = "milestone", _("Milestone recorded")
    ACCEPT = "accept", _("Accepted (验收)")
    OPEN_EVALUATION = "open_evaluation", _("Evaluation opened")
    EVALUATE = "evaluate", _("Evaluated by a household")
    REMIND = "remind", _("Households reminded to evaluate")
    END_EVALUATION = "end_evaluation", _("Evaluation window ended")
    CLOSE = "close", _("Project closed")
    CLOSE_UNEVALUATED = "close_unevaluated", _("Closed unevaluated")
    AGENDA = "agenda", _("Put on a meeting's agenda")
    MATTER = "matter", _("四议两公开 matter opened")
    # the lists and the district's settings
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    CLOSE_UNMET = "close_unmet", _("Closed unmet")

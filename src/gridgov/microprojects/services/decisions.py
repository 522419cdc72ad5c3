"""How a project is decided: through deliberation's public services (``deliberation.services.public``).

A project below the district's threshold is approved by a passing meeting resolution about it
(``passed_resolution("project:<pk>")``); from the threshold up, by a 四议两公开 matter about it whose
resolution has been published (``matter_for("project:<pk>").resolution_published``).
"""
from __future__ import annotations

from gridgov.deliberation.services import public


def passed_resolution(ref: str):
    """The passing meeting resolution about ``ref``, or None."""
    resolution = public.passed_resolution(ref)
    return resolution if resolution is not None and resolution.passed else None


def published_matter(ref: str):
    """The 四议两公开 matter about ``ref`` once its resolution is published, or None."""
    matter = public.matter_for(ref)
    return matter if matter is not None and matter.resolution_published else None


def add_agenda_item(actor, meeting, project):
    return public.add_agenda_item(actor, meeting, title=project.title, subject_ref=project.ref,
                                  description=project.description[:2000])


def open_matter(actor, project):
    return public.open_matter(actor, community=project.community, title=project.title,
                              description=project.description[:2000], subject_ref=project.ref)

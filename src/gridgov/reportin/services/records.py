"""The one door to volunteering's public services: verified service records and volunteer
registration. Reports, figures and registration call these names (tests replace them here)."""
import datetime as dt

from gridgov.volunteering.services import records as volunteering_records
from gridgov.volunteering.services import volunteers


def summaries(person_ids, start: dt.date, end: dt.date) -> dict:
    """``{person_id: ServiceSummary}`` (services, minutes, rated, rating_mean) for every id."""
    return volunteering_records.summaries(list(person_ids), start, end)


def records_of(person_id: int, start: dt.date, end: dt.date) -> list:
    """The verified services (day, title, community, minutes, rating) of one person."""
    return volunteering_records.records_of(person_id, start, end)


def register_volunteer(actor, person, *, community, party_org_name: str = ""):
    """Make ``person`` a volunteer of ``community`` (idempotent). ``actor`` is the community's staff,
    or ``None`` — the platform — when a member registered themself (the checks are done)."""
    return volunteers.register_volunteer(actor, person, community=community, party_org_name=party_org_name)

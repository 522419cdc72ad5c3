"""Which actions a user may take on a case now: the buttons a screen shows and the list the API
returns. It reads the action registry (``gridgov.cases.actions``): each party is asked in turn
whether the user is it, and its offers that fit the state are listed — the same checks and states
the transitions enforce, so the two cannot disagree."""
from ..actions import Asking, registry


def available_actions(user, case) -> list[str]:
    """The actions, by party (dispatcher, assisting department, handler, verifier, reporter, upper
    level, street, called department) and within a party in workflow order. A party is asked only
    when one of its offers fits the case's status, so a list of cases costs no question per case
    that cannot matter."""
    reg, asking = registry(), Asking(user, case)
    found: list[str] = []
    for party in reg.parties:
        offers = [(item.action, offer) for item in reg for offer in item.offers if offer.party is party]
        if party.by_case_status and not any(case.status in offer.states for _action, offer in offers):
            continue
        position = party.position(asking)
        if position is None:
            continue
        for action, offer in offers:
            if position in offer.states and action not in found and (offer.when is None or offer.when(case)):
                found.append(action)
    return found

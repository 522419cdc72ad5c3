"""The demo district's partybuilding data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's partybuilding data through the app's services; answer summary counts."""
    return {}

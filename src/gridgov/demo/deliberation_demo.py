"""The demo district's deliberation data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's deliberation data through the app's services; answer summary counts."""
    return {}

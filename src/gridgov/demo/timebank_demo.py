"""The demo district's time-bank data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's time-bank data through the app's services; answer summary counts."""
    return {}

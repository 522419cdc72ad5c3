"""The demo district's volunteering data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's volunteering data through the app's services; answer summary counts."""
    return {}

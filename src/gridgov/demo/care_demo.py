"""The demo district's care data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's care data through the app's services; answer summary counts."""
    return {}

"""The demo district's shop data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's shop data through the app's services; answer summary counts."""
    return {}

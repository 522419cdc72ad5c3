"""The demo district's visits data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's visits data through the app's services; answer summary counts."""
    return {}

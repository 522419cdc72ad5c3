"""The demo district's reportin data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's reportin data through the app's services; answer summary counts."""
    return {}

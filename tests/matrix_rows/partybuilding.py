"""The partybuilding app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py)."""

ROWS: dict = {}
ENDPOINTS: dict = {}

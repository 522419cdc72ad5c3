"""The double-entry ledger for points and time-bank minutes (kernel floor; docs/ledger.md)."""

"""Fixtures of the parity suites (tests/integration/_parity.py), for every module here."""

from tests.integration._parity import kind, parity_search_attribute

__all__ = ["kind", "parity_search_attribute"]

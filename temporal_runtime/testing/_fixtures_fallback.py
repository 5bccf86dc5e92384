"""Stand-ins for the plugin's async fixtures when pytest-asyncio is missing.

The entry point loads the plugin in every pytest run of an environment that has
temporal-runtime, so a missing pytest-asyncio must not break unrelated test suites: only
a test that asks for a Temporal fixture fails, saying what to install.
"""

from __future__ import annotations

import pytest

NEEDS_ASYNCIO = (
    "temporal_runtime's Temporal fixtures are async and need pytest-asyncio: "
    "pip install 'temporal-runtime[testing]' (or pytest-asyncio)"
)


@pytest.fixture
def temporal_engine() -> None:
    """A started engine on the Temporal dev server (needs pytest-asyncio)."""
    pytest.fail(NEEDS_ASYNCIO, pytrace=False)


@pytest.fixture
def temporal_time_skipping_engine() -> None:
    """A started engine on the time-skipping test server (needs pytest-asyncio)."""
    pytest.fail(NEEDS_ASYNCIO, pytrace=False)

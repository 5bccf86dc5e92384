"""Unit tests define workflows and activities inside test functions: keep them out of the
process-wide registries once each test is done, so no later engine sees them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from temporal_runtime._internal import _registry


@pytest.fixture(autouse=True)
def isolated_registries() -> Iterator[None]:
    saved = {reg: dict(reg._items) for reg in (_registry.workflows, _registry.activities)}
    yield
    for reg, items in saved.items():
        reg._items.clear()
        reg._items.update(items)

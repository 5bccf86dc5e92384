"""Unit tests define workflows and activities inside test functions: keep them out of the
process-wide registries once each test is done, so no later engine sees them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from temporal_runtime._internal import _registry


@pytest.fixture(autouse=True)
def isolated_registries() -> Iterator[None]:
    saved = {reg: dict(reg._items) for reg in (_registry.workflows, _registry.activities)}
    yield
    for reg, items in saved.items():
        reg._items.clear()
        reg._items.update(items)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No TEMPORAL_* variable, and an empty temporal.toml: the user's own settings never leak in."""
    for var in list(os.environ):
        if var.startswith("TEMPORAL_"):
            monkeypatch.delenv(var)
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(empty))
    return tmp_path

"""Which modules the workflow sandbox shares with the process: only those that define no
workflow and hold nothing a run could change or read non-deterministically."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from temporalio.worker.workflow_sandbox import SandboxRestrictions

from temporal_runtime._internal._passthrough import decisions
from temporal_runtime._internal._workers import DEFAULT_PASSTHROUGH

RESTRICTIONS = SandboxRestrictions.default.with_passthrough_modules(*DEFAULT_PASSTHROUGH)

# Each helper module, and a fragment of the reason it is re-imported (None: it is shared).
HELPERS: dict[str, tuple[str, str | None]] = {
    "models": (
        """
        import enum
        import logging
        import re
        from datetime import datetime, timedelta
        from typing import Annotated, ClassVar

        from pydantic import BaseModel, Field

        from temporal_runtime import activity_def

        logger = logging.getLogger(__name__)
        LIMIT = 10
        PATTERN = re.compile(r"^[a-z]+$")
        WINDOW = (timedelta(seconds=5), "five seconds")
        Sku = Annotated[str, Field(min_length=1)]

        class Color(enum.Enum):
            RED = "red"

        class Order(BaseModel):
            sku: Sku
            color: Color = Color.RED
            placed: datetime | None = None
            RULES: ClassVar[tuple[str, ...]] = ("a", "b")

            def label(self) -> str:
                return self.sku.upper()

        @activity_def("NAME_charge")
        async def charge(order: Order) -> Order:
            return order
        """,
        None,
    ),
    "state": ("CACHE: dict[str, int] = {}\n", "CACHE (dict) is module state"),
    "class_state": ("class Registry:\n    seen = []\n", "Registry.seen (list) is class state"),
    "clock": (
        "from datetime import datetime\n\ndef stamp():\n    return datetime.now()\n",
        "datetime.now",
    ),
    "factory": (
        "from datetime import datetime\nfrom pydantic import BaseModel, Field\n\n"
        "class Stamped(BaseModel):\n    at: datetime = Field(default_factory=datetime.now)\n",
        "datetime.now",
    ),
    "ids": ("from uuid import uuid4\n\ndef new_id():\n    return uuid4()\n", "uuid4"),
    "files": ("def read(path):\n    return open(path).read()\n", "open()"),
    "system": ("import os\n\ndef home():\n    return os.environ['HOME']\n", "it uses os"),
    "counter": ("N = 0\n\ndef bump():\n    global N\n    N += 1\n", "assigns the global N"),
    "waits": ("import asyncio\n\nasync def both(a):\n    return await asyncio.wait(a)\n", "asyncio.wait"),
    "late_import": ("def later():\n    import random\n    return random.random()\n", "imports random"),
    "relies": ("from HELPER_clock import stamp\n", "which is re-imported"),
    # A cycle: b is judged while a is (a looks shared then), and a turns out to hold state.
    "cycle_a": ("import HELPER_cycle_b\n\nSTATE = []\n", "STATE (list) is module state"),
    "cycle_b": ("import HELPER_cycle_a\n\ndef helper():\n    return 1\n", "cycle_a, which is re-imported"),
}


@pytest.fixture
def helper_modules(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Write the helpers and a workflow module importing them; `name(key)` is a helper's module."""
    prefix = f"pt_{uuid.uuid4().hex[:6]}_"
    for key, (source, _) in HELPERS.items():
        text = textwrap.dedent(source).replace("NAME", prefix).replace("HELPER_", prefix)
        (tmp_path / f"{prefix}{key}.py").write_text(text)
    imports = "\n".join(f"import {prefix}{key}" for key in HELPERS)
    (tmp_path / f"{prefix}workflows.py").write_text(
        f"{imports}\nfrom temporal_runtime import Workflow\n\n"
        f"class Flow(Workflow, name='{prefix}flow'):\n    async def run(self) -> None: ...\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield lambda key: prefix + key
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith(prefix)]:
            del sys.modules[name]


def test_each_module_is_shared_only_when_nothing_in_it_can_leak(helper_modules: Callable[[str], str]) -> None:
    workflows = importlib.import_module(helper_modules("workflows"))
    verdicts = decisions([workflows.Flow], RESTRICTIONS)
    for key, (_, reason) in HELPERS.items():
        verdict = verdicts[helper_modules(key)]
        if reason is None:
            assert verdict is None, (key, verdict)
        else:
            assert verdict is not None and reason in verdict, (key, verdict)
    # The workflow module itself is never a candidate: its state is each run's own.
    assert helper_modules("workflows") not in verdicts


def test_a_module_that_defines_or_imports_a_workflow_is_re_imported(
    helper_modules: Callable[[str], str], tmp_path: Path
) -> None:
    workflows = importlib.import_module(helper_modules("workflows"))
    (tmp_path / f"{helper_modules('uses_flow')}.py").write_text(
        f"from {helper_modules('workflows')} import Flow\n"
    )
    (tmp_path / f"{helper_modules('entry')}.py").write_text(
        f"import {helper_modules('uses_flow')}\nfrom temporal_runtime import Workflow\n\n"
        f"class Entry(Workflow, name='{helper_modules('entry')}'):\n    async def run(self) -> None: ...\n"
    )
    entry = importlib.import_module(helper_modules("entry"))
    verdicts = decisions([entry.Entry], RESTRICTIONS)
    assert "workflow class Flow" in (verdicts[helper_modules("uses_flow")] or "")
    assert workflows.Flow.__temporal_runtime__.name.endswith("flow")


def test_installed_packages_and_configured_modules_are_left_to_the_user(
    helper_modules: Callable[[str], str],
) -> None:
    workflows = importlib.import_module(helper_modules("workflows"))
    verdicts = decisions([workflows.Flow], RESTRICTIONS)
    # pydantic and temporal_runtime pass through already; nothing is decided for them.
    assert not any(name.startswith(("pydantic", "temporal_runtime", "datetime")) for name in verdicts)

"""In temporalio's real sandbox, a re-imported class reuses its registered definition while its
code is the same, validates into the sandbox's own classes, and is read in full once it changed."""

from __future__ import annotations

import importlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import temporalio.workflow

from temporal_runtime._internal._workers import DEFAULT_PASSTHROUGH, sandbox_runner
from tests.unit import _sandbox_probe

SOURCE = """
from pydantic import BaseModel

from temporal_runtime import Workflow, activity_def, wf_signal, wf_update
from tests.unit._sandbox_probe import SEEN, Shared


class Local(BaseModel):
    n: int


@activity_def("{name}_shared_act")
async def shared_act(x: Shared) -> Shared:
    return x


@activity_def("{name}_local_act")
async def local_act(x: Local) -> Local:
    return x


class Probed(Workflow, name="{name}"):
    @wf_signal("poke")
    async def poke(self, n: int) -> None: ...

    @wf_update("set")
    async def set_value(self, n: int) -> int:
        return n

    @set_value.validator
    def check(self, n: int) -> None: ...

    async def shared(self, x: Shared) -> Shared:
        return x

    async def local(self, x: {local_type}) -> int:
        return 1


SEEN.append({{"workflow": Probed.__temporal_runtime__, "shared_act": shared_act.definition,
             "local_act": local_act.definition, "Local": Local}})
"""


@pytest.fixture
def probed(tmp_path: Path) -> Iterator[tuple[ModuleType, Path]]:
    """A module defining `Probed`, written to disk and imported (removed again afterwards)."""
    name = f"probed_{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.py"
    path.write_text(SOURCE.format(name=name, local_type="Local"))
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(name), path
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)
        _sandbox_probe.SEEN.clear()


def _in_sandbox(module: ModuleType) -> dict[str, Any]:
    """What the module defines when temporalio's sandbox re-imports it for a run (on the loop,
    as a worker does)."""
    definition = module.Probed.__temporal_runtime__
    runner = sandbox_runner(
        [*DEFAULT_PASSTHROUGH, "tests.unit._sandbox_probe"], [definition], auto_passthrough=False
    )
    runner.prepare_workflow(temporalio.workflow._Definition.must_from_class(definition.adapter))
    return _sandbox_probe.SEEN[-1]


async def test_an_unchanged_class_reuses_the_registered_definition(probed: tuple[ModuleType, Path]) -> None:
    module, _ = probed
    outside = module.Probed.__temporal_runtime__
    seen = _in_sandbox(module)
    inside = seen["workflow"]
    assert inside.cls is not module.Probed and inside.fingerprint == outside.fingerprint
    # Types the sandbox shares with the process: the registered entries serve as they are.
    assert inside.methods["shared"] is outside.methods["shared"]
    assert inside.signals["poke"] is outside.signals["poke"]
    assert seen["shared_act"].result_adapter is module.shared_act.definition.result_adapter
    # The temporalio class is a copy bound to the sandbox's definition.
    temporal = temporalio.workflow._Definition.must_from_class(inside.adapter)
    assert inside.adapter is not outside.adapter and temporal.cls is inside.adapter
    assert temporal.name == outside.name and set(temporal.signals) == {"poke"}


async def test_a_class_of_the_sandbox_is_never_validated_into_the_process_copy(
    probed: tuple[ModuleType, Path],
) -> None:
    module, _ = probed
    outside = module.Probed.__temporal_runtime__
    seen = _in_sandbox(module)
    inside, sandbox_local = seen["workflow"], seen["Local"]
    assert sandbox_local is not module.Local
    # `local` takes a model the sandbox re-created: it is read again from the sandbox's class.
    method = inside.methods["local"]
    assert method is not outside.methods["local"]
    assert type(method.params[0].adapter.validate_python({"n": 1})) is sandbox_local
    # So is an activity whose types are the sandbox's own, and an update validator is the
    # sandbox class's function, never the process's.
    assert seen["local_act"] is not module.local_act.definition
    assert type(seen["local_act"].convert_result({"n": 2})) is sandbox_local
    assert inside.updates["set"].validator is inside.cls.check
    assert outside.updates["set"].validator is module.Probed.check


async def test_a_class_changed_on_disk_is_read_in_full(probed: tuple[ModuleType, Path]) -> None:
    module, path = probed
    outside = module.Probed.__temporal_runtime__
    assert _in_sandbox(module)["workflow"].fingerprint == outside.fingerprint  # compiled, cached
    # A deploy replaced the file after the process imported it: the sandbox runs the new code.
    path.write_text(SOURCE.format(name=module.__name__, local_type="str") + "\n# changed\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    inside = _in_sandbox(module)["workflow"]
    assert inside.fingerprint != outside.fingerprint
    assert inside.methods["local"].params[0].annotation is str
    assert outside.methods["local"].params[0].annotation is module.Local

"""Fuzzing dispatch: every input a client can send either validates or fails with our typed error.

Inputs go through what a worker does to them before the library sees them: a client encodes
them, and temporalio hands a single one over undecoded but decodes any other count itself
(with the engines' converter). Hypothesis runs derandomized, so the suite stays repeatable.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from temporal_runtime import Workflow, wf_query, wf_signal, wf_update
from temporal_runtime._internal import _dispatch, _envelope, _registry
from temporal_runtime._internal._activity_defn import _decode_args
from temporal_runtime._internal._metaclass import DEFINITION_ATTR
from temporal_runtime._internal._payloads import DATA_CONVERTER
from temporal_runtime._internal._signatures import make_type_adapter
from temporal_runtime._internal._workflow_defn import InputError, WorkflowDefinition

CONVERTER = DATA_CONVERTER.payload_converter
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)


class FuzzOrder(BaseModel):
    order_id: str
    quantity: int = Field(ge=1)
    tags: list[str] = []


class FuzzWorkflow(Workflow, name="UnitFuzzWorkflow"):
    async def place(self, order: FuzzOrder, rush: bool = False) -> str:
        return order.order_id

    async def count(self, n: int) -> int:
        return n

    async def nothing(self) -> None:
        return None

    async def _hidden(self) -> None:
        return None

    @wf_signal("poke")
    async def poke(self, note: str) -> None: ...

    @wf_query("peek")
    def peek(self, depth: int = 1) -> int:
        return depth

    @wf_update("bump")
    async def bump(self, by: int) -> int:
        return by


DEFN: WorkflowDefinition = getattr(FuzzWorkflow, DEFINITION_ATTR)
# Defined at import for the strategies below, then taken out of the process-wide registry: an
# engine that serves every registered workflow must not meet it (its module imports
# hypothesis, which the workflow sandbox refuses).
_registry.workflows._items.pop(DEFN.name)
NAMES = [
    *DEFN.methods,
    "_hidden",
    "__init__",
    "__class__",
    "poke",
    "peek",
    "bump",
    "exec",
    "sleep",
    "client",
    "info",
    "run",
    "",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=16,
)
param_names = st.sampled_from(["order", "rush", "n", "depth", "by", "note", "extra"]) | st.text(max_size=6)
kwargs = st.dictionaries(param_names, json_values, max_size=4) | json_values
envelopes = st.fixed_dictionaries(
    {"method": st.sampled_from(NAMES) | st.text(max_size=10) | json_values},
    optional={"kwargs": kwargs, "priority": json_values},
)
raw_payloads = st.builds(
    lambda encoding, data: RawValue(Payload(metadata={"encoding": encoding}, data=data)),
    st.sampled_from([b"json/plain", b"binary/null", b"binary/plain", b"json/protobuf", b"binary/encrypted"])
    | st.binary(max_size=12),
    st.binary(max_size=40) | json_values.map(lambda v: json.dumps(v).encode()),
)
one_input = envelopes | json_values | raw_payloads
inputs = st.lists(one_input, max_size=3)


def worker_receives(values: list[Any]) -> tuple[Any, ...]:
    """What the generated run method or handler gets for `values` sent by a client."""
    payloads = CONVERTER.to_payloads(values)
    if len(payloads) == 1:
        return (RawValue(payloads[0]),)  # declared as one RawValue: handed over undecoded
    return tuple(CONVERTER.from_payloads(payloads))  # any other count: temporalio decodes


@FUZZ
@given(inputs)
def test_every_start_input_validates_or_fails_cleanly(values: list[Any]) -> None:
    try:
        method, validated = _envelope.decode(DEFN, worker_receives(values), CONVERTER)
    except ApplicationError as err:
        assert err.type == "InvalidWorkflowInput" and err.non_retryable
        assert err.message.startswith(f"{DEFN.name}: ")
        assert "entry methods: " in err.message
        return
    # Accepted: only with one JSON object naming an entry method, its kwargs valid.
    assert len(values) == 1 and isinstance(values[0], dict)
    assert method.name in DEFN.methods and values[0]["method"] == method.name
    assert set(validated) <= {p.name for p in method.params}


orders = st.builds(
    FuzzOrder,
    order_id=st.text(max_size=20),
    quantity=st.integers(min_value=1),
    tags=st.lists(st.text(max_size=5), max_size=3),
)


@FUZZ
@given(orders, st.none() | st.booleans(), st.integers())
def test_every_good_start_input_validates(order: FuzzOrder, rush: bool | None, n: int) -> None:
    place: dict[str, Any] = {"order": order.model_dump()} | ({} if rush is None else {"rush": rush})
    method, validated = _envelope.decode(
        DEFN, worker_receives([{"method": "place", "kwargs": place}]), CONVERTER
    )
    assert method.name == "place"
    assert validated["order"] == order
    assert validated.get("rush", False) is bool(rush)
    count = worker_receives([{"method": "count", "kwargs": {"n": n}}])
    method, validated = _envelope.decode(DEFN, count, CONVERTER)
    assert validated == {"n": n}


@FUZZ
@given(st.sampled_from(sorted(DEFN.handlers)), st.lists(json_values | raw_payloads, max_size=3))
def test_every_handler_input_validates_or_fails_cleanly(attr: str, values: list[Any]) -> None:
    handler = DEFN.handlers[attr]
    try:
        call_args = _dispatch.call_args(handler, worker_receives(values), CONVERTER)
    except InputError as err:
        assert handler.qualname in str(err)
        return
    assert len(call_args) == len(values)
    assert not any(isinstance(arg, RawValue) for arg in call_args)


@FUZZ
@given(st.integers(), st.integers(min_value=0, max_value=2))
def test_every_good_handler_input_validates(value: int, extra: int) -> None:
    assert _dispatch.call_args(DEFN.handlers["bump"], worker_receives([value]), CONVERTER) == [value]
    peek = DEFN.handlers["peek"]
    given = [value] * min(extra, 1)
    assert _dispatch.call_args(peek, worker_receives(given), CONVERTER) == given


ACTIVITY_ARGS = make_type_adapter(FuzzOrder)


@FUZZ
@given(st.lists(json_values | orders.map(lambda o: o.model_dump()), max_size=3))
def test_every_activity_input_validates_or_fails_cleanly(values: list[Any]) -> None:
    try:
        args = _decode_args("unit_fuzz_activity", ACTIVITY_ARGS, tuple(values))
    except ApplicationError as err:
        assert err.type == "InvalidActivityInput" and err.non_retryable
        assert "activity 'unit_fuzz_activity'" in err.message
        return
    assert isinstance(args, FuzzOrder) and len(values) == 1

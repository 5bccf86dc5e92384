"""Inside the workflow sandbox, signature adapters are built on first use, and behave the same."""

from __future__ import annotations

from unittest.mock import patch

import pytest
import temporalio.activity
import temporalio.workflow
from pydantic import BaseModel, TypeAdapter, ValidationError

from temporal_runtime._internal._activity_defn import build_activity_definition
from temporal_runtime._internal._signatures import _DeferredTypeAdapter, make_type_adapter, read_signature
from temporal_runtime.options import ActivityOptions


class Item(BaseModel):
    sku: str
    quantity: int = 1


async def handler(self: object, item: Item, count: int = 2) -> list[Item]:
    return [item] * count


def test_outside_the_sandbox_adapters_are_built_at_once() -> None:
    sig = read_signature(handler, where="X.handler", skip_self=True)
    assert all(type(p.adapter) is TypeAdapter for p in sig.params)
    assert type(sig.return_adapter) is TypeAdapter


def test_inside_the_sandbox_adapters_are_deferred_until_used() -> None:
    with patch.object(temporalio.workflow.unsafe, "in_sandbox", return_value=True):
        sig = read_signature(handler, where="X.handler", skip_self=True)
    item_param, count_param = sig.params
    assert isinstance(item_param.adapter, _DeferredTypeAdapter)
    assert item_param.adapter._adapter is None
    assert item_param.adapter.validate_python({"sku": "a"}) == Item(sku="a")
    assert isinstance(item_param.adapter._adapter, TypeAdapter)
    assert count_param.adapter.validate_python("3") == 3
    assert sig.return_adapter is not None
    assert sig.return_adapter.validate_python([{"sku": "b", "quantity": 4}]) == [Item(sku="b", quantity=4)]


def test_a_deferred_adapter_raises_the_same_validation_error() -> None:
    with patch.object(temporalio.workflow.unsafe, "in_sandbox", return_value=True):
        deferred = make_type_adapter(Item)
    with pytest.raises(ValidationError) as deferred_err:
        deferred.validate_python({"quantity": "x"})
    with pytest.raises(ValidationError) as eager_err:
        TypeAdapter(Item).validate_python({"quantity": "x"})
    assert deferred_err.value.errors() == eager_err.value.errors()


async def echo_item(item: Item) -> Item:
    return item


def test_activity_copies_made_in_the_sandbox_are_not_decorated_for_a_worker() -> None:
    def build() -> object:
        return build_activity_definition(
            "unit_echo_item", echo_item, args_type=None, result_type=None, defaults=ActivityOptions()
        )

    outside = build()
    with patch.object(temporalio.workflow.unsafe, "in_sandbox", return_value=True):
        inside = build()
    outside_defn = temporalio.activity._Definition.from_callable(outside.temporal_fn)  # type: ignore[attr-defined]
    assert outside_defn is not None and outside_defn.name == "unit_echo_item"
    assert temporalio.activity._Definition.from_callable(inside.temporal_fn) is None  # type: ignore[attr-defined]
    assert inside.convert_result({"sku": "a"}) == Item(sku="a")  # type: ignore[attr-defined]

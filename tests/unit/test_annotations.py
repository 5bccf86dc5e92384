"""One reader of annotations at definition time, for each form they are written in.

This file has no `from __future__ import annotations`, so its annotations are evaluated as
written (eagerly before Python 3.14, lazily from 3.14); `_future_annotations` holds the
string forms.
"""

import functools
from typing import Annotated

from pydantic import BaseModel

from temporal_runtime._internal._annotations import plain_signature, read_annotations
from tests.unit import _future_annotations
from tests.unit._future_annotations import Item


class Order(BaseModel):
    order_id: str


def test_plain_annotations_are_the_objects_written() -> None:
    def plain(order: Order, items: list[Item], n: int = 1) -> Order | None:
        return order

    annotations = read_annotations(plain)
    assert dict(annotations.resolved) == {
        "order": Order,
        "items": list[Item],
        "n": int,
        "return": Order | None,
    }
    assert not annotations.unresolved


def test_a_local_type_in_a_plain_annotation_is_resolved() -> None:
    class Local(BaseModel):
        x: int

    def uses_local(local: Local) -> list[Local]:
        return [local]

    assert dict(read_annotations(uses_local).resolved) == {"local": Local, "return": list[Local]}


def test_string_annotations_are_resolved_in_the_module() -> None:
    def quoted(order: "Order", items: list["Item"]) -> "Order | None":
        return order

    annotations = read_annotations(quoted)
    assert dict(annotations.resolved) == {"order": Order, "items": list[Item], "return": Order | None}
    assert not annotations.unresolved


def test_future_annotations_are_resolved_with_their_extras() -> None:
    annotations = read_annotations(_future_annotations.future_form)
    assert dict(annotations.resolved) == {
        "item": Item,
        "tags": Annotated[list[str], "meta"],
        "n": int,
        "return": Item | None,
    }
    assert not annotations.unresolved
    # The signature keeps them as written: reading it evaluates nothing.
    assert plain_signature(_future_annotations.future_form).parameters["item"].annotation == "Item"


def test_a_local_type_under_future_annotations_is_named_and_the_rest_resolved() -> None:
    annotations = read_annotations(_future_annotations.with_a_local_type())
    assert dict(annotations.resolved) == {"count": int, "return": Item}
    assert list(annotations.unresolved) == ["local"]
    unresolved = annotations.unresolved["local"]
    assert unresolved.written == "Local"
    assert unresolved.reason.startswith(
        "'Local' is not defined in module 'tests.unit._future_annotations' when the definition is read; "
        "define or import 'Local' at module level"
    )
    assert "a string annotation is looked up there" in unresolved.reason


def test_a_missing_name_nested_in_an_annotation_is_named() -> None:
    def nested(items: list["Missing"], n: int) -> None:  # type: ignore[name-defined]  # noqa: F821
        return None

    annotations = read_annotations(nested)
    assert dict(annotations.resolved) == {"n": int, "return": type(None)}
    assert (
        "'Missing' is not defined in module 'tests.unit.test_annotations'"
        in annotations.unresolved["items"].reason
    )


def test_an_annotation_that_is_not_an_expression_says_what_is_wrong() -> None:
    def broken(x: "list[int") -> None:  # noqa: F722
        return None

    unresolved = read_annotations(broken).unresolved["x"]
    assert unresolved.written == "list[int"
    assert unresolved.reason.startswith("SyntaxError: ")
    assert "write a type that can be evaluated in module 'tests.unit.test_annotations'" in unresolved.reason


def test_a_decorated_function_resolves_in_the_module_it_was_written_in() -> None:
    @functools.wraps(_future_annotations.returns_receipt)
    def wrapper() -> object:
        return _future_annotations.returns_receipt()

    assert read_annotations(wrapper).resolved == {"return": _future_annotations.Receipt}

"""Functions written under `from __future__ import annotations`: every annotation is a string."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel


class Item(BaseModel):
    sku: str


class Receipt(BaseModel):
    """Not imported by the tests: only a lookup in this module finds it."""

    total: int


def returns_receipt() -> Receipt:
    return Receipt(total=1)


def future_form(item: Item, tags: Annotated[list[str], "meta"], n: int = 1) -> Item | None:
    return item


def with_a_local_type() -> Callable[..., Any]:
    """A local type is invisible to a string annotation, which is looked up in the module."""

    class Local(BaseModel):
        x: int

    def uses_local(local: Local, count: int) -> Item:
        return Item(sku=str(local.x * count))

    return uses_local

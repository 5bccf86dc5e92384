"""Search attributes from plain dicts: ``{"Customer": "acme", "Priority": 3}`` to typed pairs.

Temporal needs each attribute's type. A `SearchAttributeKey` key says it exactly; a string
key takes its type from the value: str -> Keyword, bool -> Bool, int -> Int, float ->
Double, datetime -> Datetime, a list of str -> KeywordList. Use
``SearchAttributeKey.for_text("Notes")`` for a Text attribute.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeAlias, cast

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from temporal_runtime.errors import ConfigError

SearchAttributesInput: TypeAlias = "Mapping[str | SearchAttributeKey[Any], Any] | TypedSearchAttributes"


def _key_for(name: str, value: Any) -> SearchAttributeKey[Any]:
    kind = type(value).__name__  # pyright: ignore[reportUnknownArgumentType]
    # bool before int: a bool is an int in Python, but a different Temporal type.
    if isinstance(value, bool):
        return SearchAttributeKey.for_bool(name)
    if isinstance(value, int):
        return SearchAttributeKey.for_int(name)
    if isinstance(value, float):
        return SearchAttributeKey.for_float(name)
    if isinstance(value, str):
        return SearchAttributeKey.for_keyword(name)
    if isinstance(value, datetime):
        return SearchAttributeKey.for_datetime(name)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in cast("list[Any]", value)):
        return SearchAttributeKey.for_keyword_list(name)
    raise ConfigError(
        f"search attribute {name!r}: cannot tell the Temporal type of {value!r} "
        f"({kind}); use a str, int, float, bool, datetime or list of str, or key it "
        f"with a typed key such as SearchAttributeKey.for_text({name!r})"
    )


def search_attribute_pairs(attributes: SearchAttributesInput) -> list[tuple[SearchAttributeKey[Any], Any]]:
    """Typed (key, value) pairs; a None value (only with a typed key) means "remove"."""
    if isinstance(attributes, TypedSearchAttributes):
        typed: list[SearchAttributePair[Any]] = list(attributes)
        return [(pair.key, pair.value) for pair in typed]
    pairs: list[tuple[SearchAttributeKey[Any], Any]] = []
    for key, value in attributes.items():
        if isinstance(key, SearchAttributeKey):
            pairs.append((key, list(value) if isinstance(value, tuple) else value))  # pyright: ignore[reportUnknownArgumentType]
            continue
        if value is None:
            raise ConfigError(
                f"search attribute {key!r}: None removes an attribute and needs a typed key, "
                f"e.g. SearchAttributeKey.for_keyword({key!r}): None"
            )
        pairs.append((_key_for(key, value), list(value) if isinstance(value, tuple) else value))  # pyright: ignore[reportUnknownArgumentType]
    return pairs


def typed_search_attributes(attributes: SearchAttributesInput) -> TypedSearchAttributes:
    """The `TypedSearchAttributes` Temporal's start calls take (no removals at start)."""
    if isinstance(attributes, TypedSearchAttributes):
        return attributes
    return TypedSearchAttributes(
        [
            SearchAttributePair(key, value)
            for key, value in search_attribute_pairs(attributes)
            if value is not None
        ]
    )

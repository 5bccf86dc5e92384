"""Turn Pydantic validation errors into one line that names the field."""

from __future__ import annotations

from pydantic import ValidationError


def describe_validation_error(err: ValidationError, *, prefix: str = "") -> str:
    """`prefix`.field.sub: message; ... for every error (at most five)."""
    parts: list[str] = []
    errors = err.errors(include_url=False)
    for item in errors[:5]:
        loc = ".".join(str(p) for p in item["loc"])
        path = ".".join(p for p in (prefix, loc) if p)
        parts.append(f"{path or 'value'}: {item['msg']}")
    if len(errors) > 5:
        parts.append(f"... and {len(errors) - 5} more")
    return "; ".join(parts)

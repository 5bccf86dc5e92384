"""Read a callable's signature once, with its annotations resolved (as FastAPI does)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Never, NoReturn, cast

import temporalio.workflow
from pydantic import TypeAdapter

from temporal_runtime._internal._annotations import Annotations, Unresolved, plain_signature, read_annotations

_EMPTY = inspect.Parameter.empty
# The return annotations of a function that only raises.
NO_RETURN: tuple[Any, ...] = (NoReturn, Never)


class _DeferredTypeAdapter:
    """A `TypeAdapter` built on first use; every attribute is the real adapter's.

    The workflow sandbox re-imports user modules for every workflow run, so each run
    rebuilds every class's definition, while a run uses only the adapters of the one entry
    method it starts and the handlers it receives. The class was already checked outside
    the sandbox, so nothing is lost by building its adapters only when they are needed.
    """

    __slots__ = ("_adapter", "_annotation")

    def __init__(self, annotation: Any) -> None:
        self._annotation = annotation
        self._adapter: TypeAdapter[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        adapter = self._adapter
        if adapter is None:
            adapter = self._adapter = TypeAdapter(self._annotation)
        return getattr(adapter, name)

    def __repr__(self) -> str:
        return f"DeferredTypeAdapter({self._annotation!r})"


def make_type_adapter(annotation: Any) -> TypeAdapter[Any]:
    """`TypeAdapter(annotation)`, deferred to first use inside the workflow sandbox."""
    if temporalio.workflow.unsafe.in_sandbox():
        return cast("TypeAdapter[Any]", _DeferredTypeAdapter(annotation))
    return TypeAdapter(annotation)


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """One parameter of a user method, with its resolved annotation and a validator."""

    name: str
    annotation: Any
    default: Any
    adapter: TypeAdapter[Any]

    @property
    def required(self) -> bool:
        return self.default is _EMPTY


@dataclass(frozen=True, slots=True)
class TypedSignature:
    """A signature whose annotations are real objects, plus the problems found reading it."""

    signature: inspect.Signature
    params: tuple[ParamInfo, ...]
    return_annotation: Any
    return_adapter: TypeAdapter[Any] | None
    problems: tuple[str, ...]


def _unresolved_problem(where: str, what: str, unresolved: Unresolved) -> str:
    return f"{where}: {what} ({unresolved.written!r}) cannot be resolved: {unresolved.reason}"


def read_signature(
    fn: Callable[..., Any],
    *,
    where: str,
    skip_self: bool,
    require_annotations: bool = True,
    allow_positional_only: bool = False,
) -> TypedSignature:
    """Resolve annotations and build one `TypeAdapter` per parameter and for the return.

    `where` names the method for messages ("OrderWorkflow.process_order"). Problems are
    collected, not raised, so that a class definition reports all of them at once.
    """
    problems: list[str] = []
    signature = plain_signature(fn)
    try:
        annotations: Annotations | None = read_annotations(fn)
    except Exception as err:  # only an annotation that raises while being read (3.14) gets here
        problems.append(f"{where}: cannot read its annotations ({type(err).__name__}: {err}); fix them")
        annotations = None
    hints: Mapping[str, Any] = annotations.resolved if annotations is not None else {}
    unresolved: Mapping[str, Unresolved] = annotations.unresolved if annotations is not None else {}
    params: list[ParamInfo] = []
    for index, param in enumerate(signature.parameters.values()):
        if skip_self and index == 0:
            continue
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            problems.append(
                f"{where}: parameter '{param.name}' is *args/**kwargs; workflow and activity "
                "inputs travel by name, so declare each parameter explicitly"
            )
            continue
        if param.kind is inspect.Parameter.POSITIONAL_ONLY and not allow_positional_only:
            problems.append(
                f"{where}: parameter '{param.name}' is positional-only; inputs travel as "
                "keyword arguments, so remove the '/'"
            )
            continue
        if param.name in unresolved:
            what = f"the annotation of parameter '{param.name}'"
            problems.append(_unresolved_problem(where, what, unresolved[param.name]))
            continue
        annotation = hints.get(param.name, _EMPTY)
        if annotation is _EMPTY:
            if annotations is None:
                continue  # its annotations could not be read at all: already reported
            if require_annotations:
                problems.append(
                    f"{where}: parameter '{param.name}' has no type annotation; annotate it "
                    "(for example '{0}: str') so inputs can be validated".format(param.name)
                )
                continue
            annotation = Any
        try:
            adapter: TypeAdapter[Any] = make_type_adapter(annotation)
        except Exception as err:
            problems.append(
                f"{where}: parameter '{param.name}' has a type Pydantic cannot validate "
                f"({annotation!r}: {err}); use a Pydantic model or a standard type"
            )
            continue
        params.append(ParamInfo(param.name, annotation, param.default, adapter))
    return_annotation = hints.get("return", Any)
    return_adapter: TypeAdapter[Any] | None = None
    if "return" in unresolved:
        problems.append(_unresolved_problem(where, "the return annotation", unresolved["return"]))
    # Nothing to validate when there is no value: None, Any, or a function that never returns.
    if return_annotation not in (None, type(None), Any, *NO_RETURN):
        try:
            return_adapter = make_type_adapter(return_annotation)
        except Exception as err:
            problems.append(
                f"{where}: return type {return_annotation!r} cannot be validated by Pydantic "
                f"({err}); return a Pydantic model or a standard type"
            )
    return TypedSignature(
        signature=signature,
        params=tuple(params),
        return_annotation=return_annotation,
        return_adapter=return_adapter,
        problems=tuple(problems),
    )

"""The frozen definition behind every `activity_def`, and the function the worker runs."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import temporalio.activity
import temporalio.workflow
from pydantic import TypeAdapter, ValidationError
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._payloads import DATA_CONVERTER, encode_checked
from temporal_runtime._internal._signatures import NO_RETURN, make_type_adapter, read_signature
from temporal_runtime._internal._validation import describe_validation_error
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.errors import RegistrationError
from temporal_runtime.options import ActivityOptions

INVALID_INPUT = "InvalidActivityInput"
INVALID_RESULT = "InvalidActivityResult"


@dataclass(frozen=True, slots=True)
class ActivityDefinition:
    """Everything the worker and `exec` need to know about one activity, built once."""

    name: str
    fn: Callable[..., Any]
    origin: str
    is_async: bool
    takes_args: bool
    args_type: Any
    result_type: Any
    args_adapter: TypeAdapter[Any] | None
    result_adapter: TypeAdapter[Any] | None
    defaults: ActivityOptions
    # Declared ``-> NoReturn``: it only raises, and a return is reported as a failure.
    no_return: bool
    temporal_fn: Callable[..., Any] = field(repr=False)
    # What the builder read (see _sandbox_copy.activity_print): the copy a workflow sandbox
    # re-creates from the same code reuses this definition.
    fingerprint: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    # This activity's defaults over each configuration's, merged once per configuration
    # (keyed by identity, which is cheaper than hashing the model; the entry keeps it alive).
    _resolved: dict[int, tuple[RuntimeConfig, ActivityOptions]] = field(
        default_factory=dict[int, tuple[RuntimeConfig, ActivityOptions]], repr=False, compare=False
    )

    @property
    def task_queue(self) -> str | None:
        return self.defaults.task_queue

    def options_for(self, call: ActivityOptions, config: RuntimeConfig) -> ActivityOptions:
        """A call's options over this activity's defaults over the configuration's."""
        found = self._resolved.get(id(config))
        if found is None:
            found = self._resolved[id(config)] = (
                config,
                self.defaults.over(ActivityOptions.from_config(config)),
            )
        base = found[1]
        return base if call.is_empty() else call.over(base)

    def convert_result(self, value: Any) -> Any:
        """Turn the JSON value an activity returned into its declared `Result` type.

        A value that does not fit (a result given by a client completing the activity from
        outside, say) fails the workflow with a non-retryable error naming the field, never
        its workflow task.
        """
        if self.result_adapter is None:
            return value
        try:
            return self.result_adapter.validate_python(value)
        except ValidationError as err:
            detail = describe_validation_error(err, prefix="result")
            raise _fail(
                f"the result of activity '{self.name}' does not match its Result: {detail}", INVALID_RESULT
            ) from None

    def decode_args(self, payloads: tuple[Any, ...]) -> Any:
        """The validated input from the decoded payloads a worker received (raises non-retryably)."""
        return _decode_args(self.name, self.args_adapter, payloads)

    def check_result(self, value: Any) -> Any:
        """The implementation's return value, validated against `Result` (raises non-retryably)."""
        return _check_result(self.name, self.result_adapter, value, no_return=self.no_return)

    def with_implementation(self, fn: Callable[..., Any]) -> ActivityDefinition:
        """This activity served by `fn` instead (a test fake): same name, same validation.

        `fn` takes the validated input (or nothing) and may be sync or async; it runs on the
        event loop.
        """

        async def call(*args: Any) -> Any:
            value = fn(*args)
            return await value if inspect.isawaitable(value) else value

        return dataclasses.replace(
            self,
            fn=fn,
            is_async=True,
            temporal_fn=_make_temporal_fn(
                self.name, call, True, self.args_adapter, self.result_adapter, no_return=self.no_return
            ),
            _resolved={},
        )


def _fail(message: str, kind: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)


def _decode_args(defn_name: str, adapter: TypeAdapter[Any] | None, payloads: tuple[Any, ...]) -> Any:
    expected = 0 if adapter is None else 1
    if len(payloads) != expected:
        raise _fail(
            f"activity '{defn_name}' takes {expected} argument(s), got {len(payloads)}; "
            "schedule it with self.exec(activity, args)",
            INVALID_INPUT,
        )
    if adapter is None:
        return None
    try:
        return adapter.validate_python(payloads[0])
    except ValidationError as err:
        detail = describe_validation_error(err, prefix="args")
        raise _fail(f"activity '{defn_name}' input is invalid: {detail}", INVALID_INPUT) from None


def _check_result(
    defn_name: str, adapter: TypeAdapter[Any] | None, value: Any, *, no_return: bool = False
) -> Any:
    if no_return:
        raise _fail(
            f"activity '{defn_name}' is declared -> NoReturn but returned {value!r}; it must raise "
            "(an ApplicationError says why), or declare what it returns",
            INVALID_RESULT,
        )
    if adapter is None:
        return value
    try:
        return adapter.validate_python(value)
    except ValidationError as err:
        detail = describe_validation_error(err, prefix="result")
        raise _fail(
            f"activity '{defn_name}' returned a value that does not match its Result: {detail}",
            INVALID_RESULT,
        ) from None


def _send(name: str, adapter: TypeAdapter[Any] | None, value: Any, *, no_return: bool) -> RawValue:
    # Checked, then encoded here, once, so that a result over the payload limit fails for good
    # instead of temporalio's retryable failure that the default policy retries forever.
    checked = _check_result(name, adapter, value, no_return=no_return)
    in_worker = temporalio.activity.in_activity()
    converter = temporalio.activity.payload_converter() if in_worker else DATA_CONVERTER.payload_converter
    return encode_checked(converter, checked, f"the result of activity '{name}'")


# The entries of `def` activities built in this process, by activity name: how an entry sent
# to another process (pickled by name) finds itself again there.
_SYNC_ENTRIES: dict[str, SyncEntry] = {}


def sync_entry(name: str, module: str) -> SyncEntry:
    """The entry of `def` activity `name`, importing `module` (which defines it) if needed."""
    found = _SYNC_ENTRIES.get(name)
    if found is None:
        importlib.import_module(module)
        found = _SYNC_ENTRIES.get(name)
    if found is None:
        raise _fail(
            f"activity '{name}' cannot run in this process: importing {module} does not define it; "
            "define the activity at the top level of an importable module",
            "ActivityNotImportable",
        )
    return found


class SyncEntry:
    """What a worker calls for a `def` activity: validate, run, validate.

    It pickles as the activity's name and module, so a process pool can run it: the other
    process imports the module, which defines the activity (and its entry) again.
    """

    def __init__(
        self,
        name: str,
        fn: Callable[..., Any],
        args_adapter: TypeAdapter[Any] | None,
        result_adapter: TypeAdapter[Any] | None,
        *,
        no_return: bool,
    ) -> None:
        self._name = name
        self._module = str(getattr(fn, "__module__", ""))
        self._fn = fn
        self._args_adapter = args_adapter
        self._result_adapter = result_adapter
        self._no_return = no_return
        self.__name__ = self.__qualname__ = f"activity_{name}"

    def __call__(self, *payloads: Any) -> Any:
        args = _decode_args(self._name, self._args_adapter, payloads)
        result = self._fn(args) if self._args_adapter is not None else self._fn()
        return _send(self._name, self._result_adapter, result, no_return=self._no_return)

    def __reduce__(self) -> tuple[Callable[[str, str], SyncEntry], tuple[str, str]]:
        return (sync_entry, (self._name, self._module))


def _make_temporal_fn(
    name: str,
    fn: Callable[..., Any],
    is_async: bool,
    args_adapter: TypeAdapter[Any] | None,
    result_adapter: TypeAdapter[Any] | None,
    *,
    no_return: bool,
) -> Callable[..., Any]:
    # The entry takes *payloads with no annotations, so temporalio hands over plain JSON
    # values and all validation (and its error messages) stays ours.
    entry: Callable[..., Any]
    if is_async:
        takes_args = args_adapter is not None

        async def run_async(*payloads: Any) -> Any:
            args = _decode_args(name, args_adapter, payloads)
            result = await (fn(args) if takes_args else fn())
            return _send(name, result_adapter, result, no_return=no_return)

        run_async.__name__ = run_async.__qualname__ = f"activity_{name}"
        entry = run_async
    else:
        entry = SyncEntry(name, fn, args_adapter, result_adapter, no_return=no_return)
    if temporalio.workflow.unsafe.in_sandbox():
        # Only workers (outside the sandbox) register activities; the copies a workflow
        # run's re-import creates never reach one, so skip temporalio's checks there.
        return entry
    if isinstance(entry, SyncEntry):
        _SYNC_ENTRIES[name] = entry
    return temporalio.activity.defn(name=name)(entry)


def build_activity_definition(
    name: str,
    fn: Callable[..., Any],
    *,
    args_type: Any,
    result_type: Any,
    defaults: ActivityOptions,
) -> ActivityDefinition:
    """Read `fn` once, infer Args/Result where not given, and validate everything together."""
    where = f"activity '{name}' ({getattr(fn, '__qualname__', fn)!r})"
    problems: list[str] = []
    if not name or not isinstance(name, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        problems.append(f"{where}: the activity name must be a non-empty string")
    if not callable(fn):
        raise RegistrationError(f"{where}: activity_def must decorate a function, got {fn!r}")
    is_async = inspect.iscoroutinefunction(fn)
    sig = read_signature(fn, where=where, skip_self=False, require_annotations=args_type is None)
    problems.extend(sig.problems)
    # *args/**kwargs are already reported by read_signature; do not count them twice.
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    params = [p for p in sig.signature.parameters.values() if p.kind not in variadic]
    required = [p for p in params if p.default is inspect.Parameter.empty]
    if len(params) > 1 and len(required) > 1:
        problems.append(
            f"{where}: takes {len(params)} parameters; an activity takes one input "
            "(a Pydantic model holding all fields) or none"
        )
    takes_args = bool(params)
    if args_type is None and takes_args and sig.params:
        args_type = sig.params[0].annotation
    if result_type is None and sig.return_annotation not in (None, type(None), Any):
        result_type = sig.return_annotation
    no_return = result_type in NO_RETURN
    args_adapter: TypeAdapter[Any] | None = None
    result_adapter: TypeAdapter[Any] | None = None
    try:
        if takes_args:
            args_adapter = make_type_adapter(args_type if args_type is not None else Any)
        if result_type is not None and not no_return:
            result_adapter = make_type_adapter(result_type)
    except Exception as err:
        problems.append(f"{where}: Args/Result cannot be validated by Pydantic: {err}")
    if problems:
        raise RegistrationError(
            f"Invalid activity '{name}' for {len(problems)} reason(s):\n- " + "\n- ".join(problems)
        )
    return ActivityDefinition(
        name=name,
        fn=fn,
        origin=f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}",
        is_async=is_async,
        takes_args=takes_args,
        args_type=args_type,
        result_type=result_type,
        args_adapter=args_adapter,
        result_adapter=result_adapter,
        defaults=defaults,
        no_return=no_return,
        temporal_fn=_make_temporal_fn(name, fn, is_async, args_adapter, result_adapter, no_return=no_return),
    )

"""The engines' payload codec: which one (argument, else configuration), under temporalio's interface.

Both engines and the codec server go through `TemporalCodec`: it takes our `PayloadCodec` or
temporalio's own, and turns a codec's failure into what the ground rules ask for. On a worker
temporalio fails the workflow, rather than its task, exactly when decoding raises a
non-retryable `ApplicationError`; so every failure becomes one, typed ``PayloadCodecError``,
except an `OSError` (a key service that is down), which leaves the task to be retried. On a
client, `translate` turns that error into our `PayloadCodecError`.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import temporalio.api.common.v1
import temporalio.client
import temporalio.converter
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._payloads import DATA_CONVERTER
from temporal_runtime.codec import Payload, PayloadCodec
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.encryption import EncryptionCodec
from temporal_runtime.errors import ConfigError, PayloadCodecError

PAYLOAD_CODEC_ERROR = "PayloadCodecError"
AnyCodec = PayloadCodec | temporalio.converter.PayloadCodec
ProtoPayload = temporalio.api.common.v1.Payload
T = TypeVar("T")


class TemporalCodec(temporalio.converter.PayloadCodec):
    """A codec under temporalio's interface: ours converted, temporalio's as it is."""

    def __init__(self, codec: AnyCodec) -> None:
        self.codec = codec
        self.name: str = type(codec).__name__
        self._native = isinstance(codec, temporalio.converter.PayloadCodec)

    async def encode(self, payloads: Sequence[ProtoPayload]) -> list[ProtoPayload]:
        return await self.apply("encode", payloads)

    async def decode(self, payloads: Sequence[ProtoPayload]) -> list[ProtoPayload]:
        return await self.apply("decode", payloads)

    async def apply(
        self, action: str, payloads: Sequence[ProtoPayload], what: str = ""
    ) -> list[ProtoPayload]:
        try:
            if self._native:
                done: list[ProtoPayload] = await getattr(self.codec, action)(payloads)
                return done
            ours = [Payload(dict(p.metadata), p.data) for p in payloads]
            result: list[Payload] = await getattr(self.codec, action)(ours)
            return [ProtoPayload(metadata=dict(p.metadata), data=p.data) for p in result]
        except OSError:
            raise
        except Exception as err:
            subject = f" {what}" if what else ""
            reason = str(err) if isinstance(err, PayloadCodecError) else f"{type(err).__name__}: {err}"
            # Not `from err`: the failure recorded in the history would repeat the message.
            raise ApplicationError(
                f"the payload codec ({self.name}) cannot {action}{subject}: {reason}",
                type=PAYLOAD_CODEC_ERROR,
                non_retryable=True,
            ) from None

    def __repr__(self) -> str:
        return repr(self.codec)


def as_temporal(codec: AnyCodec | None) -> TemporalCodec | None:
    """`codec` under temporalio's interface (None stays None)."""
    if codec is None or isinstance(codec, TemporalCodec):
        return codec
    given: object = codec
    if not all(callable(getattr(given, name, None)) for name in ("encode", "decode")):
        raise ConfigError(
            f"codec={codec!r} is not a payload codec: give an object with async encode(payloads) and "
            "decode(payloads) methods (temporal_runtime.PayloadCodec), or a temporalio PayloadCodec"
        )
    return TemporalCodec(codec)


def data_converter(codec: TemporalCodec | None) -> temporalio.converter.DataConverter:
    """The engines' converter (Pydantic) with `codec` on its payloads."""
    if codec is None:
        return DATA_CONVERTER
    return dataclasses.replace(DATA_CONVERTER, payload_codec=codec)


async def readable(read: Coroutine[Any, Any, T], unreadable: T) -> T:
    """What `read` decodes, or `unreadable` when the engine's codec cannot: a status still tells the rest."""
    try:
        return await read
    except ApplicationError as err:
        if err.type != PAYLOAD_CODEC_ERROR:
            raise
        return unreadable
    except KeyError:
        # temporalio decodes a run's user metadata whole: a schedule's run with a summary and no
        # details carries an empty details payload, which no converter reads.
        return unreadable


async def readable_memo(desc: temporalio.client.WorkflowExecutionDescription) -> dict[str, Any]:
    """A run's memo, or {} when the engine's codec cannot read it."""
    return dict(await readable(desc.memo(), {}))


def _imported(path: str) -> AnyCodec:
    module_name, colon, attribute = path.partition(":")
    if not colon or not module_name or not attribute:
        raise ConfigError(f"codec = {path!r}: use 'module:attribute', e.g. 'myapp.codecs:codec'")
    try:
        found: Any = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"codec = {path!r}: cannot import it: {err}") from err
    if isinstance(found, type):
        found = found()
    return found  # type: ignore[no-any-return]


def resolve_codec(given: AnyCodec | None, config: RuntimeConfig) -> TemporalCodec | None:
    """The codec an engine uses: `given`, else ``codec = "module:attr"``, else ``[encryption]``."""
    if given is not None:
        return as_temporal(given)
    encryption = config.encryption
    if config.codec is not None and encryption.enabled:
        raise ConfigError(
            "both codec and [encryption] keys are configured; choose one (a codec of your own "
            "can wrap EncryptionCodec)"
        )
    if config.codec is not None:
        return as_temporal(_imported(config.codec))
    if encryption.enabled:
        return TemporalCodec(EncryptionCodec.from_settings(encryption))
    if encryption.key_id is not None or encryption.compress:
        raise ConfigError(
            "[encryption] sets key_id or compress but no keys; set keys_file, or keys "
            "(TEMPORAL_RUNTIME_ENCRYPTION__KEYS)"
        )
    return None


def run_now(coro: Coroutine[Any, Any, T], codec: TemporalCodec) -> T:
    """Finish a codec call that never waits, without turning the event loop (InMemoryEngine)."""
    try:
        while True:
            if coro.send(None) is not None:
                coro.close()
                raise ConfigError(
                    f"InMemoryEngine runs the payload codec in place, and {codec.name} waited for I/O "
                    "(it awaited a future); use a codec that does not wait, or test this one with "
                    "local_engine on a real server"
                )
    except StopIteration as done:
        result: T = done.value
        return result


def through_codec(codec: TemporalCodec, payloads: Sequence[ProtoPayload], what: str) -> list[ProtoPayload]:
    """`payloads` encoded and decoded again, as a client and then a worker would (in memory)."""
    encoded = run_now(codec.apply("encode", payloads, what), codec)
    return run_now(codec.apply("decode", encoded, what), codec)

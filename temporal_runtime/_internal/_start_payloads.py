"""The text every start repeats, encoded once per client: the entry method in the memo and the summary.

A start made here records its entry method in the memo (`_envelope.METHOD_MEMO_KEY`) and, unless
told otherwise, shows it as the run's summary; temporalio would convert both to payloads on
every start, which costs more than the rest of what a start adds. A payload of a string depends
only on the string and the converter, so when the client's converter cannot vary (no payload
codec, which may rotate keys; no external storage; no serialization context) and no client
interceptor but the engine's own size check (which reads only the arguments) may read those
values as text, each method's payload is made once and temporalio takes it as it is (it passes
`Payload` memo values and summaries through). Otherwise every start
passes the strings and temporalio encodes them as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import temporalio.api.common.v1
import temporalio.client
import temporalio.converter

from temporal_runtime._internal._envelope import METHOD_MEMO_KEY
from temporal_runtime._internal._payloads import PayloadLimitInterceptor
from temporal_runtime._internal._temporal_options import workflow_start_kwargs
from temporal_runtime.options import StartOptions


def _reusable(client: temporalio.client.Client) -> bool:
    converter = client.data_converter
    if converter.payload_codec is not None or converter.external_storage is not None:
        return False
    # The engine's own size check reads only the arguments; any other interceptor might read
    # the memo or the summary as text.
    if any(not isinstance(i, PayloadLimitInterceptor) for i in client.config()["interceptors"]):
        return False
    context = temporalio.converter.WorkflowSerializationContext(namespace=client.namespace, workflow_id="")
    return converter.with_context(context) is converter


class StartPayloads:
    """Builds a client's ``start_workflow`` keywords, with the method's text pre-encoded where safe.

    Example:
        >>> def demo(client):  # doctest: +SKIP
        ...     kwargs = StartPayloads(client).start_kwargs(
        ...         StartOptions(), workflow_id="w-1", task_queue="q", memo={METHOD_MEMO_KEY: "go"})
    """

    __slots__ = ("_payloads", "_reuse", "_templates", "client")

    def __init__(self, client: temporalio.client.Client) -> None:
        self.client = client
        self._reuse = _reusable(client)
        # One entry per entry-method name ever started (the memo's method key holds only those).
        self._payloads: dict[str, temporalio.api.common.v1.Payload] = {}
        # Every keyword but the id, by options object, method and queue: a proxy's options
        # (the shared defaults above all) start many runs. Each entry holds its options, so
        # their id cannot be reused while the entry lives.
        self._templates: dict[tuple[int, str, str], tuple[StartOptions, dict[str, Any]]] = {}

    def start_kwargs(
        self, options: StartOptions, *, workflow_id: str, task_queue: str, memo: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The keywords of ``start_workflow`` for resolved `options`, id, queue and memo."""
        method = memo.get(METHOD_MEMO_KEY)
        if not self._reuse or not isinstance(method, str):
            return workflow_start_kwargs(options, workflow_id=workflow_id, task_queue=task_queue, memo=memo)
        if len(memo) > 1:  # the caller's own memo entries: encoded by temporalio, as given
            return self._encoded(options, workflow_id, task_queue, memo, method)
        key = (id(options), method, task_queue)
        found = self._templates.get(key)
        if found is None:  # an entry holds its options, so their id stays theirs
            if len(self._templates) >= _MAX_TEMPLATES:
                self._templates.clear()  # options made per call: keep the cache bounded
            template = self._encoded(options, workflow_id, task_queue, memo, method)
            del template["id"]
            found = self._templates[key] = (options, template)
        return {"id": workflow_id, **found[1]}

    def _encoded(
        self, options: StartOptions, workflow_id: str, task_queue: str, memo: Mapping[str, Any], method: str
    ) -> dict[str, Any]:
        kwargs = workflow_start_kwargs(options, workflow_id=workflow_id, task_queue=task_queue, memo=memo)
        payload = self._payloads.get(method)
        if payload is None:
            # With no codec and no external storage, encoding is the payload converter alone.
            converter = self.client.data_converter.payload_converter
            payload = self._payloads[method] = converter.to_payloads([method])[0]
        kwargs["memo"] = {**memo, METHOD_MEMO_KEY: payload}
        if kwargs.get("static_summary") == method:
            kwargs["static_summary"] = payload
        return kwargs


_MAX_TEMPLATES = 256

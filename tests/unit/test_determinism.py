"""The determinism check made when a workflow class is defined: what it finds, and what it must not."""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import sys
import textwrap
import time
import time as t
import uuid
from datetime import datetime
from datetime import datetime as dt
from os import environ
from pathlib import Path
from random import Random
from random import randint as roll
from time import sleep
from unittest.mock import patch
from uuid import uuid4 as new_id

import httpx
import pytest

from temporal_runtime import (
    RegistrationError,
    Workflow,
    activity_def,
    allow_nondeterminism,
    wf_query,
    wf_signal,
    wf_update,
)
from tests.unit import _determinism_helpers

now = dt.now  # a module-level alias of a method
HOSTS = Path("/etc/hosts")
SESSION = httpx.Client()


def _findings(err: pytest.ExceptionInfo[RegistrationError]) -> list[str]:
    return [line[2:] for line in str(err.value).splitlines() if line.startswith("- ")]


# -- each kind of finding ------------------------------------------------------------------

HEADER = """\
import asyncio, datetime, os, random, secrets, socket, subprocess, threading, time, uuid
import urllib.request
from pathlib import Path

import httpx

from temporal_runtime import Workflow


class Checked(Workflow):
    async def run(self) -> None:
"""
CALL_LINE = HEADER.count("\n") + 1

KINDS = [
    ("datetime.datetime.now()", "reads the wall clock", "use self.now()"),
    ("datetime.datetime.utcnow()", "reads the wall clock", "use self.now()"),
    ("datetime.datetime.today()", "reads the wall clock", "use self.now()"),
    ("datetime.date.today()", "reads the wall clock", "use self.now()"),
    ("time.time()", "reads the wall clock", "use self.now()"),
    ("time.time_ns()", "reads the wall clock", "use self.now()"),
    ("time.monotonic()", "reads the wall clock", "use self.now()"),
    ("time.perf_counter()", "reads the wall clock", "use self.now()"),
    ("time.localtime()", "reads the wall clock", "use self.now()"),
    ("time.sleep(1)", "blocks the worker's event loop", "use await self.sleep(seconds)"),
    ("await asyncio.sleep(5)", "waits in real time in InMemoryEngine", "use await self.sleep(seconds)"),
    ("random.random()", "a generator the workflow does not seed", "use self.random().random(...)"),
    ("random.choice([1, 2])", "a generator the workflow does not seed", "use self.random().choice(...)"),
    ("random.Random()", "seeded from the operating system", "use self.random()"),
    ("uuid.uuid4()", "a replay gets another id", "use self.uuid4()"),
    ("uuid.uuid1()", "a replay gets another id", "use self.uuid4()"),
    ("os.urandom(8)", "the operating system's entropy", "use self.random()"),
    ("secrets.token_hex(8)", "the operating system's entropy", "use self.random()"),
    ("os.environ['HOME']", "reads the worker's environment", "pass the value in as an input"),
    ("os.environ.get('HOME')", "reads the worker's environment", "pass the value in as an input"),
    ("os.getenv('HOME')", "reads the worker's environment", "pass the value in as an input"),
    ("open('/etc/hosts')", "does file I/O", "move it into an activity"),
    ("Path('/etc/hosts').read_text()", "does file I/O", "move it into an activity"),
    ("os.listdir('/')", "does file I/O", "move it into an activity"),
    ("socket.gethostname()", "does network I/O", "move it into an activity"),
    ("subprocess.run(['true'])", "starts or signals a process", "move it into an activity"),
    ("threading.Thread(target=print)", "uses threads", "move it into an activity"),
    ("httpx.get('http://example.com')", "does network I/O", "move it into an activity"),
    ("urllib.request.urlopen('http://example.com')", "does network I/O", "move it into an activity"),
    ("await asyncio.wait([])", "an order that can differ between runs", "use self.gather(...)"),
]


def _define(tmp_path: Path, source: str) -> None:
    name = "determinism_case"
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]


@pytest.mark.parametrize(("call", "why", "instead"), KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_of_call_is_reported_with_what_to_write_instead(
    tmp_path: Path, call: str, why: str, instead: str
) -> None:
    with pytest.raises(RegistrationError) as err:
        _define(tmp_path, HEADER + f"        {call}\n")
    (finding,) = _findings(err)
    node = ast.parse(call.removeprefix("await "), mode="eval").body
    shown = f"{ast.unparse(node.func)}()" if isinstance(node, ast.Call) else "os.environ"
    assert finding.startswith(f"Checked.run (determinism_case.py:{CALL_LINE}): {shown} ")
    assert why in finding
    assert instead in finding


# -- names followed through aliases -------------------------------------------------------


def test_names_imported_under_other_names_are_followed() -> None:
    with pytest.raises(RegistrationError) as err:

        class Aliased(Workflow):
            async def run(self) -> None:
                dt.now()
                t.time()
                sleep(1)
                roll(1, 6)
                new_id()
                environ.get("HOME")
                now()
                HOSTS.read_text()
                SESSION.get("http://example.com")

    shown = [f.split(": ", 1)[1].split(" ", 2)[:2] for f in _findings(err)]
    assert shown == [
        ["dt.now()", "(datetime.datetime.now)"],
        ["t.time()", "(time.time)"],
        ["sleep()", "(time.sleep)"],
        ["roll()", "(random.randint)"],
        ["new_id()", "(uuid.uuid4)"],
        ["environ.get()", "(os.environ.get)"],
        ["now()", "(datetime.datetime.now)"],
        ["HOSTS.read_text()", "(pathlib.PosixPath.read_text)"],
        ["SESSION.get()", "(httpx.Client.get)"],
    ]


def test_a_call_on_what_a_reported_call_made_is_not_reported_again() -> None:
    with pytest.raises(RegistrationError) as err:

        class Threaded(Workflow):
            async def run(self) -> None:
                import threading

                threading.Thread(target=print).start()

    (finding,) = _findings(err)
    assert ": threading.Thread() uses threads" in finding


def test_an_import_inside_the_method_and_code_in_nested_functions_are_read() -> None:
    with pytest.raises(RegistrationError) as err:

        class Nested(Workflow):
            async def run(self) -> list[float]:
                import time as clock
                from datetime import date

                def later() -> float:
                    return clock.perf_counter()

                date.today()
                return [later(), *(clock.time() for _ in range(2))]

    found = _findings(err)
    assert [f.split(": ", 1)[1].split(" ")[0] for f in found] == [
        "clock.perf_counter()",
        "date.today()",
        "clock.time()",
    ]


def test_every_function_the_class_defines_is_read() -> None:
    with pytest.raises(RegistrationError) as err:

        class Everywhere(Workflow):
            def __init__(self) -> None:
                self.created = datetime.now()

            async def run(self) -> None:
                self._helper()

            def _helper(self) -> float:
                return time.time()

            @wf_signal
            async def poke(self) -> None:
                sleep(1)

            @wf_query
            def age(self) -> float:
                return time.monotonic()

            @wf_update
            async def bump(self, n: int) -> int:
                return n

            @bump.validator
            def check_bump(self, n: int) -> None:
                if uuid.uuid4().int % 2:
                    raise ValueError(n)

            @property
            def stamp(self) -> str:
                return dt.utcnow().isoformat()

            @staticmethod
            def _roll() -> int:
                return roll(1, 6)

    methods = [f.split(" ", 1)[0] for f in _findings(err)]
    assert methods == [
        "Everywhere.__init__",
        "Everywhere._helper",
        "Everywhere.poke",
        "Everywhere.age",
        "Everywhere.check_bump",
        "Everywhere.stamp",
        "Everywhere._roll",
    ]


def test_all_findings_come_in_one_error_with_the_other_definition_problems() -> None:
    with pytest.raises(RegistrationError) as err:

        class Many(Workflow):
            async def sleep(self) -> None:  # a helper's name: another definition error
                pass

            async def run(self) -> float:
                return time.time() + t.monotonic()

    message = str(err.value)
    assert "for 3 reason(s)" in message
    found = _findings(err)
    assert found[0].startswith("Many.sleep: 'sleep' is a Workflow helper")
    assert [f.split(": ", 1)[1].split(" ")[0] for f in found[1:]] == ["time.time()", "t.monotonic()"]
    assert message.endswith(
        "A call that is safe where it stands (it only logs, say) is left alone when its line ends "
        "with '# temporal-runtime: allow-nondeterminism'; a whole method, when it is decorated with "
        "@allow_nondeterminism."
    )


# -- same-module helpers, activities, and what is not checked -------------------------------


def _stamp() -> str:
    return dt.now().isoformat()


def _label(order_id: str) -> str:
    return f"{order_id} at {_stamp()}"


def _read_impl(path: str) -> str:
    return Path(path).read_text()


read = activity_def("determinism_read")(_read_impl)


class _ClockMixin:
    def _started(self) -> float:
        return t.monotonic()


@activity_def("determinism_fetch")
def fetch(url: str) -> str:
    # An activity does I/O freely, even in the workflow's own module.
    return Path(url).read_text() + str(time.time()) + str(environ.get("HOME"))


def test_helpers_of_the_same_module_are_followed_and_named() -> None:
    with pytest.raises(RegistrationError) as err:

        class Labels(Workflow):
            async def run(self, order_id: str) -> str:
                return _label(order_id)

    (finding,) = _findings(err)
    assert finding.startswith("Labels.run (test_determinism.py:")
    assert ") calls _label(), which calls _stamp() (test_determinism.py:" in finding
    assert ", where dt.now() (datetime.datetime.now) on line " in finding
    assert finding.endswith("use self.now()")


def test_a_mixin_of_the_same_module_is_read() -> None:
    with pytest.raises(RegistrationError) as err:

        class Mixed(Workflow, _ClockMixin):
            async def run(self) -> float:
                return self._started()

    (finding,) = _findings(err)
    assert finding.startswith("Mixed._started (test_determinism.py:")


def test_activities_helpers_mentions_and_other_modules_are_not_reported() -> None:
    class Clean(Workflow, _determinism_helpers.Mixin):
        async def run(self, url: str) -> str:
            started = self.now()
            random = self.random()  # a local, not the module
            self.uuid4()
            await self.sleep(1)
            await asyncio.sleep(0)  # only yields to the other tasks
            text = await self.exec(fetch, url, timeout=10)
            text += await self.exec(read, url, timeout=10)
            _read_impl(url)  # an activity's own code is not workflow code
            clock = time.time  # a mention, not a call
            factories = [datetime.now, uuid.uuid4]
            random.random()
            seeded = Random(42).random()
            _determinism_helpers.elapsed_since(0)  # another module: the replay's to find
            self.logger.info("%s %s %s %s", started, clock, factories, seeded)
            return text

    assert Clean.__temporal_runtime__.name == "Clean"


def test_a_line_or_a_method_can_be_left_out() -> None:
    class Silenced(Workflow):
        async def run(self) -> float:
            return time.perf_counter()  # temporal-runtime: allow-nondeterminism (timing a log line)

        @allow_nondeterminism
        def _elapsed(self, started: float) -> float:
            return time.perf_counter() - started

        @wf_signal
        @allow_nondeterminism
        def poke(self) -> None:
            self.logger.info("poked at %s", time.time())

        @allow_nondeterminism
        @staticmethod
        def _now() -> datetime:
            return dt.now()

        @allow_nondeterminism
        @property
        def wall(self) -> float:
            return time.time()

    assert Silenced.__temporal_runtime__.signals["poke"].attr == "poke"


def test_without_source_nothing_is_checked() -> None:
    namespace: dict[str, object] = {"Workflow": Workflow}
    source = textwrap.dedent(
        """
        import time

        class Exec(Workflow):
            async def run(self) -> float:
                return time.time()
        """
    )
    exec(compile(source, "<generated>", "exec"), namespace)
    assert "Exec" in namespace


def test_nothing_is_checked_inside_the_workflow_sandbox() -> None:
    with patch("temporalio.workflow.unsafe.in_sandbox", return_value=True):

        class Sandboxed(Workflow):
            async def run(self) -> float:
                return time.time()

    assert Sandboxed.__temporal_runtime__.methods["run"].name == "run"

"""The command line's pieces that need no server: parsing, input mapping, schema, exit codes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from temporal_runtime import Workflow
from temporal_runtime.cli import build_parser, main
from temporal_runtime.cli._commands import input_model, visibility_query
from temporal_runtime.cli._discovery import (
    UsageError,
    handler_args,
    import_modules,
    method_kwargs,
    read_json,
    resolve_method,
)
from temporal_runtime.cli._output import Output, Progress, table


class CliUnitOrder(BaseModel):
    order_id: str
    quantity: int = 1


class CliUnitWorkflow(Workflow):
    async def place(self, order: CliUnitOrder) -> str:
        return order.order_id

    async def pair(self, a: int, b: str = "x") -> str:
        return f"{a}{b}"


def test_resolve_registered_name() -> None:
    definition, method = resolve_method("CliUnitWorkflow.place")
    assert (definition.cls, method.name) == (CliUnitWorkflow, "place")


def test_resolve_module_path() -> None:
    definition, method = resolve_method(f"{__name__}:CliUnitWorkflow.pair")
    assert (definition.name, method.name) == ("CliUnitWorkflow", "pair")


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("CliUnitWorkflow", "is not WORKFLOW.METHOD"),
        ("NoSuchWorkflow.run", "no workflow named 'NoSuchWorkflow'"),
        ("CliUnitWorkflow.nope", "has no entry method 'nope'; entry methods: place(order), pair(a, b)"),
        ("no_such_module_xyz:Thing.run", "cannot import module 'no_such_module_xyz'"),
    ],
)
def test_resolve_errors(target: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        resolve_method(target)


def test_method_kwargs_rules() -> None:
    _, place = resolve_method("CliUnitWorkflow.place")
    _, pair = resolve_method("CliUnitWorkflow.pair")
    # One parameter: an object of its name, or the value itself.
    assert method_kwargs(place, {"order": {"order_id": "A"}}) == {"order": {"order_id": "A"}}
    assert method_kwargs(place, {"order_id": "A"}) == {"order": {"order_id": "A"}}
    # Several: an object of names, or a list in order.
    assert method_kwargs(pair, {"a": 1}) == {"a": 1}
    assert method_kwargs(pair, [1, "y"]) == {"a": 1, "b": "y"}
    assert method_kwargs(pair, None) == {}
    with pytest.raises(UsageError, match=r"takes \(a, b\); give a JSON object"):
        method_kwargs(pair, {"c": 1})
    with pytest.raises(UsageError, match="takes 2 argument"):
        method_kwargs(pair, [1, 2, 3])


def test_read_json_inline_file_and_errors(tmp_path: Path) -> None:
    assert read_json('{"a": 1}') == {"a": 1}
    path = tmp_path / "in.json"
    path.write_text("[1, 2]")
    assert read_json(f"@{path}") == [1, 2]
    with pytest.raises(UsageError, match="--input is not valid JSON"):
        read_json("{a: 1}")
    with pytest.raises(UsageError, match="cannot read"):
        read_json(f"@{tmp_path / 'missing.json'}")


def test_handler_args() -> None:
    assert handler_args(None) == []
    assert handler_args("reason") == ["reason"]
    assert handler_args([1, 2]) == [1, 2]


def test_schema_from_annotations() -> None:
    definition, method = resolve_method("CliUnitWorkflow.place")
    schema = input_model(definition, method).model_json_schema()
    assert schema["required"] == ["order"]
    order = schema["$defs"]["CliUnitOrder"]
    assert order["properties"]["quantity"]["default"] == 1
    assert order["required"] == ["order_id"]
    definition, method = resolve_method("CliUnitWorkflow.pair")
    schema = input_model(definition, method).model_json_schema()
    assert schema["properties"]["a"]["type"] == "integer"
    assert schema["required"] == ["a"]


def test_visibility_query() -> None:
    ns = argparse.Namespace(status="running", type="Orders", query="StartTime > '2020-01-01T00:00:00Z'")
    assert visibility_query(ns) == (
        "ExecutionStatus = 'Running' AND WorkflowType = 'Orders' AND (StartTime > '2020-01-01T00:00:00Z')"
    )
    assert visibility_query(argparse.Namespace(status=None, type=None, query=None)) == ""
    with pytest.raises(UsageError, match="--status 'sleeping' is unknown"):
        visibility_query(argparse.Namespace(status="sleeping", type=None, query=None))


def test_parser_accepts_common_options_after_command() -> None:
    args = build_parser().parse_args(
        [
            "execute",
            "W.m",
            "--input",
            "{}",
            "--address",
            "h:1",
            "--json",
            "-m",
            "a",
            "-m",
            "b",
            "--after",
            "5",
        ]
    )
    assert (args.address, args.json, args.module, args.after) == ("h:1", True, ["a", "b"], 5.0)
    args = build_parser().parse_args(["worker", "app", "other", "-q", "x", "--health-port", "0"])
    assert (args.modules, args.queue, args.health_port) == (["app", "other"], ["x"], 0)


def test_main_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["schema", "NoSuchWorkflowAnywhere.run"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "no workflow named 'NoSuchWorkflowAnywhere'" in err
    assert "Traceback" not in err


def test_main_schema_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", f"{__name__}:CliUnitWorkflow.place"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "CliUnitWorkflow.place"


def test_main_bad_json_error_in_json_mode(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["start", f"{__name__}:CliUnitWorkflow.place", "--input", "{oops", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert out["exit_code"] == 2
    assert "not valid JSON" in out["error"]


def test_main_invalid_kwargs_fail_before_connecting(capsys: pytest.CaptureFixture[str]) -> None:
    # The address is unreachable: a validation error must come first, with exit code 2.
    code = main(
        ["start", f"{__name__}:CliUnitWorkflow.pair", "--input", '{"a": "nope"}', "--address", "127.0.0.1:1"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "kwarg 'a' is invalid" in err


def test_main_unreachable_server_exit_4(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["status", "some-id", "--address", "127.0.0.1:1"])
    assert code == 4
    assert "cannot reach Temporal at 127.0.0.1:1" in capsys.readouterr().err


def test_import_modules_walks_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "cli_unit_pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("A = 1\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("B = 2\n")
    (pkg / "__main__.py").write_text("raise SystemExit('must not run')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = [m.__name__ for m in import_modules(["cli_unit_pkg"])]
    assert names == ["cli_unit_pkg", "cli_unit_pkg.a", "cli_unit_pkg.sub", "cli_unit_pkg.sub.b"]


def test_import_error_inside_module_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cli_unit_broken.py").write_text("import not_installed_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(UsageError, match="module 'cli_unit_broken' failed to import"):
        import_modules(["cli_unit_broken"])


def test_table_and_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert table([("a", "bb")], ("X", "Y")) == "X  Y\na  bb"
    Output(True).emit({"k": 1}, "text", line=True)
    Output(False).emit({"k": 1}, "text")
    assert capsys.readouterr().out == '{"k": 1}\ntext\n'


async def test_progress_writes_only_when_enabled(tmp_path: Path) -> None:
    import asyncio
    import io

    stream = io.StringIO()
    async with Progress("waiting", stream, enabled=True):
        await asyncio.sleep(0.25)
    assert "waiting (" in stream.getvalue()
    quiet = io.StringIO()
    async with Progress("waiting", quiet):  # StringIO is not a TTY
        await asyncio.sleep(0.05)
    assert quiet.getvalue() == ""


def test_worker_processes_get_the_same_command_line_and_their_own_ports() -> None:
    import argparse

    from temporal_runtime.cli._supervise import child_args

    argv = ["worker", "app", "--processes", "3", "--health-port", "8080", "--metrics-port=9090", "-q", "o"]
    args = argparse.Namespace(processes=3, health_port=8080, metrics_port=9090)
    assert child_args(argv, 2, args) == [
        "worker", "app", "-q", "o", "--json", "--health-port", "8082", "--metrics-port", "9092",
    ]  # fmt: skip
    # argparse takes unambiguous prefixes: those are the supervisor's own options too.
    short = ["worker", "app", "--proc", "3", "--health-p=8080", "--api-key-f", "-", "-q", "o"]
    assert child_args(short, 2, args) == [
        "worker", "app", "-q", "o", "--json", "--health-port", "8082", "--metrics-port", "9092",
    ]  # fmt: skip
    free = argparse.Namespace(processes=2, health_port=0, metrics_port=None)
    assert child_args(["worker", "app", "--processes=2", "--health-port", "0"], 1, free) == [
        "worker", "app", "--json", "--health-port", "0",
    ]  # fmt: skip


def test_worker_processes_get_the_api_key_in_their_environment_not_their_command_line() -> None:
    import argparse
    import os

    from temporal_runtime.cli._supervise import child_args, child_env

    keyed = argparse.Namespace(processes=2, health_port=None, metrics_port=None, api_key="k-secret")
    for given in (["--api-key", "k-secret"], ["--api-key=k-secret"], ["--api-key-file", "-"]):
        argv = ["worker", "app", *given, "--processes", "2"]
        assert child_args(argv, 0, keyed) == ["worker", "app", "--json"]
    assert child_env(keyed)["TEMPORAL_API_KEY"] == "k-secret"
    unkeyed = argparse.Namespace(api_key=None)
    assert child_env(unkeyed).get("TEMPORAL_API_KEY") == os.environ.get("TEMPORAL_API_KEY")

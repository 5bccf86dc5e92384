"""The definition builder and the registry: every mistake found when the class is defined."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import RegistrationError, Workflow, activity_def, wf_query, wf_signal, wf_update
from temporal_runtime._internal import _registry
from temporal_runtime._internal._workflow_defn import RESERVED_NAMES, InputError


class Order(BaseModel):
    order_id: str
    qty: int = 1


def test_definition_is_built_once_and_frozen() -> None:
    class UnitOrders(Workflow):
        @wf_signal("pause")
        async def pause(self) -> None: ...

        @wf_query
        def status(self) -> str:
            return "x"

        @wf_update("set_priority")
        async def set_priority(self, p: int) -> int:
            return p

        async def process(self, order: Order, rush: bool = False) -> str:
            return order.order_id

        async def cancel_all(self) -> None: ...

        async def _private(self) -> None: ...

        def plain(self) -> None: ...

    defn = UnitOrders.__temporal_runtime__
    assert defn.name == "UnitOrders"
    assert sorted(defn.methods) == ["cancel_all", "process"]
    assert defn.entry_list() == "process(order, rush), cancel_all()"
    assert sorted(defn.signals) == ["pause"]
    assert sorted(defn.queries) == ["status"]
    assert sorted(defn.updates) == ["set_priority"]
    assert defn.adapter is not None
    assert _registry.workflows.get("UnitOrders") is defn
    with pytest.raises(AttributeError):
        defn.name = "other"  # type: ignore[misc]

    process = defn.methods["process"]
    assert process.validate_kwargs({"order": {"order_id": "a"}}) == {"order": Order(order_id="a")}
    assert process.convert_result("x") == "x"
    with pytest.raises(InputError, match="missing kwarg.*'order'"):
        process.validate_kwargs({})
    with pytest.raises(InputError, match=r"kwarg 'order' is invalid: order\.qty"):
        process.validate_kwargs({"order": {"order_id": "a", "qty": "many"}})


def test_name_option_and_explain_unknown() -> None:
    class UnitNamed(Workflow, name="unit-named"):
        @wf_signal("go")
        async def go_handler(self) -> None: ...

        async def run(self) -> None: ...

    defn = UnitNamed.__temporal_runtime__
    assert defn.name == "unit-named"
    assert _registry.workflows.get("unit-named") is defn
    assert "signal handler" in defn.explain_unknown("go")
    assert "signal handler" in defn.explain_unknown("go_handler")
    assert "private" in defn.explain_unknown("_x")
    assert "dunder" in defn.explain_unknown("__call__")
    assert "not an entry method" in defn.explain_unknown("nope")


def test_duplicate_workflow_names_name_both() -> None:
    class UnitFirst(Workflow, name="unit-dup"):
        async def run(self) -> None: ...

    with pytest.raises(RegistrationError) as info:

        class UnitSecond(Workflow, name="unit-dup"):
            async def run(self) -> None: ...

    message = str(info.value)
    assert "'unit-dup'" in message
    assert "UnitFirst" in message
    assert "UnitSecond" in message
    assert "name=" in message


def test_duplicate_activity_names_name_both() -> None:
    @activity_def("unit_dup_activity")
    async def first(x: int) -> int:
        return x

    with pytest.raises(RegistrationError) as info:

        @activity_def("unit_dup_activity")
        async def second(x: int) -> int:
            return x

    message = str(info.value)
    assert "'unit_dup_activity'" in message
    assert "first" in message
    assert "second" in message


@pytest.mark.parametrize("helper", sorted(RESERVED_NAMES))
def test_reserved_helper_names_are_rejected(helper: str) -> None:
    namespace: dict[str, Any] = {}
    exec(
        f"async def {helper}(self) -> None: ...\nasync def run(self) -> None: ...",
        {},
        namespace,
    )
    with pytest.raises(RegistrationError, match=f"'{helper}' is a Workflow helper"):
        type(Workflow)(f"UnitReserved_{helper}", (Workflow,), namespace)


def test_all_problems_in_one_message() -> None:
    with pytest.raises(RegistrationError) as info:

        class UnitBroken(Workflow):
            async def sleep(self) -> None: ...

            async def star_args(self, *items: int) -> None: ...

            async def star_kwargs(self, **options: int) -> None: ...

            async def unannotated(self, x) -> None:  # type: ignore[no-untyped-def]
                ...

            @wf_signal("dup")
            async def one(self) -> None: ...

            @wf_signal("dup")
            async def two(self) -> None: ...

    message = str(info.value)
    assert message.startswith("Invalid workflow class")
    assert "UnitBroken" in message
    assert "5 reason(s)" in message
    for expected in (
        "UnitBroken.sleep: 'sleep' is a Workflow helper",
        "UnitBroken.star_args: parameter 'items' is *args/**kwargs",
        "UnitBroken.star_kwargs: parameter 'options' is *args/**kwargs",
        "UnitBroken.unannotated: parameter 'x' has no type annotation",
        "signal name 'dup' is also used by",
        "if unannotated is a helper coroutine shared by entry methods, make it private: _unannotated",
        "if star_args is a helper coroutine",
    ):
        assert expected in message, (expected, message)
    assert _registry.workflows.get("UnitBroken") is None


def test_no_entry_methods() -> None:
    with pytest.raises(RegistrationError, match="UnitEmpty has no entry method.*abstract=True"):

        class UnitEmpty(Workflow):
            @wf_query
            def status(self) -> str:
                return ""


def test_unresolvable_annotation_is_reported() -> None:
    with pytest.raises(RegistrationError) as info:

        class UnitForward(Workflow):
            async def run(self, x: NotDefinedAnywhere) -> None:  # type: ignore[name-defined]  # noqa: F821
                ...

    message = str(info.value)
    assert "1 reason(s)" in message
    assert (
        "UnitForward.run: the annotation of parameter 'x' ('NotDefinedAnywhere') cannot be resolved: "
        "'NotDefinedAnywhere' is not defined in module 'tests.unit.test_workflow_definition'"
    ) in message


def test_a_local_type_is_the_only_problem_reported() -> None:
    # This module has `from __future__ import annotations`: a type local to the test function
    # is invisible to the annotations, which are looked up in the module (issue 12).
    class Local(BaseModel):
        x: int

    with pytest.raises(RegistrationError) as info:

        class UnitLocal(Workflow):
            async def run(self, local: Local, count: int, order: Order) -> Local:
                return local

    message = str(info.value)
    assert "2 reason(s)" in message
    assert "UnitLocal.run: the annotation of parameter 'local' ('Local') cannot be resolved" in message
    assert "UnitLocal.run: the return annotation ('Local') cannot be resolved" in message
    assert "define or import 'Local' at module level" in message
    assert "no type annotation" not in message
    assert "'count'" not in message and "'order'" not in message


def test_unknown_class_option() -> None:
    with pytest.raises(RegistrationError, match=r"unknown option\(s\) \['queue'\]"):

        class UnitOption(Workflow, queue="x"):  # type: ignore[call-arg]
            async def run(self) -> None: ...


def test_abstract_base_shares_methods_and_is_not_registered() -> None:
    class UnitBase(Workflow, abstract=True, task_queue="unit-q"):
        @wf_query
        def status(self) -> str:
            return "ok"

        async def shared(self, n: int) -> int:
            return n

    base = UnitBase.__temporal_runtime__
    assert base.abstract
    assert base.adapter is None
    assert _registry.workflows.get("UnitBase") is None

    class UnitConcrete(UnitBase):
        async def own(self) -> None: ...

    concrete = UnitConcrete.__temporal_runtime__
    assert not concrete.abstract
    assert sorted(concrete.methods) == ["own", "shared"]
    assert sorted(concrete.queries) == ["status"]
    assert concrete.task_queue == "unit-q"
    assert _registry.workflows.get("UnitConcrete") is concrete


def test_handler_decorators_only_mark() -> None:
    async def handler(self: Any) -> None: ...

    assert wf_signal(handler) is handler
    assert wf_query("q")(handler) is handler
    assert wf_update(name="u")(handler) is handler
    with pytest.raises(RegistrationError, match="must decorate a method"):
        wf_signal("x")(42)  # type: ignore[type-var]


def test_init_receives_the_entry_arguments_it_declares() -> None:
    class UnitInitArgs(Workflow):
        def __init__(self, order: Order, rush: bool = False, retries: int = 3) -> None:
            self.order, self.rush, self.retries = order, rush, retries

        async def process(self, order: Order, rush: bool = False) -> str:
            return order.order_id

        async def audit(self, order: Order, note: str) -> None: ...

    defn = UnitInitArgs.__temporal_runtime__
    assert defn.init_params == ("order", "rush")  # `retries` is no entry method's: its default

    class UnitInitNone(Workflow):
        def __init__(self, config: str = "x") -> None:
            self.config = config

        async def run(self) -> str:
            return self.config

    assert UnitInitNone.__temporal_runtime__.init_params == ()


def test_init_rule_problems_are_reported_at_definition() -> None:
    with pytest.raises(RegistrationError) as info:

        class UnitInitBad(Workflow):
            def __init__(self, order: Order, rush: int = 0, /, *args: Any, **kwargs: Any) -> None: ...

            async def process(self, order: Order, rush: bool = False) -> None: ...

            async def refund(self, order_id: str) -> None: ...

    message = str(info.value)
    assert "UnitInitBad.__init__: parameter 'order' is positional-only" in message
    assert "*args" not in message  # *args/**kwargs receive nothing: allowed

    with pytest.raises(RegistrationError) as info:

        class UnitInitMismatch(Workflow):
            def __init__(self, order: dict[str, Any], rush: bool = True) -> None: ...

            async def process(self, order: Order, rush: bool = False) -> None: ...

            async def refund(self, order_id: str) -> None: ...

    message = str(info.value)
    assert "3 reason(s)" in message
    assert (
        "UnitInitMismatch.__init__: parameter 'order: dict[str, typing.Any]' is declared "
        "'order: tests.unit.test_workflow_definition.Order' in entry method process"
    ) in message
    assert "parameter 'rush: bool = True' is declared 'rush: bool = False' in entry method process" in message
    assert (
        "UnitInitMismatch.__init__ requires 'order', which entry method refund does not take; every "
        "run calls __init__ with the arguments of the entry method it starts, so add 'order' to "
        "refund or give it a default in __init__"
    ) in message

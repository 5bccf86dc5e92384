"""A mypy plugin that types ``wf.async_.method(x)`` and the child proxies' calls exactly.

At runtime ``wf.async_.method(x)`` and ``wf.after(n).method(x)`` start the workflow and give
a `MethodHandle`, ``self.child(X).method(x)`` runs a child and gives its result, and
``self.child(X).async_.method(x)`` gives a `ChildHandle`. Statically, a checker without help
only sees each proxy's ``__getattr__`` (every name, any arguments). This plugin looks the name
up on the workflow class the proxy stands for and gives back that method's own parameters,
with its return type ``R`` kept (a child call) or replaced by ``MethodHandle[R]`` /
``ChildHandle[R]`` (a start). Names that are not entry methods are reported, as the runtime
raises `UnknownMethodError` (an ``AttributeError``) for them.

Enable it in the project's mypy configuration:

Example:
    ``pyproject.toml``::

        [tool.mypy]
        plugins = ["temporal_runtime.mypy"]
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from mypy.errorcodes import ATTR_DEFINED
from mypy.nodes import CallExpr, Decorator, FuncDef, OverloadedFuncDef, RefExpr
from mypy.plugin import AttributeContext, ClassDefContext, Plugin
from mypy.typeops import bind_self
from mypy.types import CallableType, Instance, Type, get_proper_type

__all__ = ["TemporalRuntimePlugin", "plugin"]

_STARTERS = frozenset({"temporal_runtime.client.WorkflowStarter", "temporal_runtime.child.ChildStarter"})
_CALLERS = frozenset({"temporal_runtime.child.ChildClient"})
_HANDLES = frozenset({"temporal_runtime.handle.MethodHandle", "temporal_runtime.child.ChildHandle"})
_COROUTINE = "typing.Coroutine"
_WORKFLOW = "temporal_runtime.workflow.Workflow"
_METADATA_KEY = "temporal_runtime"
_HANDLER_DECORATORS = frozenset({"wf_signal", "wf_query", "wf_update"})


def _handler_kind(node: Decorator) -> str | None:
    for decorator in node.original_decorators:
        target = decorator.callee if isinstance(decorator, CallExpr) else decorator  # @wf_signal("name")
        name = target.fullname.rpartition(".")[2] if isinstance(target, RefExpr) else ""
        if name in _HANDLER_DECORATORS:
            return name.removeprefix("wf_")
    return None


def _record_handlers(ctx: ClassDefContext) -> None:
    # Decorator expressions are not kept in mypy's cache, class metadata is: note the
    # handlers while the class is analysed, so later (cached) runs still know them.
    handlers: dict[str, str] = {}
    for statement in ctx.cls.defs.body:
        if isinstance(statement, Decorator):
            kind = _handler_kind(statement)
            if kind is not None:
                handlers[statement.func.name] = kind
    ctx.cls.info.metadata[_METADATA_KEY] = {"handlers": handlers}


def _recorded_kind(workflow: Instance, name: str) -> str | None:
    for info in workflow.type.mro:
        handlers = info.metadata.get(_METADATA_KEY, {}).get("handlers", {})
        if name in handlers:
            return str(handlers[name])
    return None


def _entry_method(ctx: AttributeContext, workflow: Instance, name: str) -> CallableType | None:
    """The entry method `name` of `workflow`, or None after reporting why it is not one."""
    cls = workflow.type.name
    symbol = workflow.type.get(name)
    node = symbol.node if symbol is not None else None
    problem: str | None = None
    if node is None:
        problem = f'"{cls}" has no entry method "{name}"'
    elif name.startswith("_"):
        problem = f'"{cls}.{name}" is private, not an entry method'
    elif isinstance(node, Decorator):
        kind = _recorded_kind(workflow, name) or _handler_kind(node)
        if kind is not None:
            problem = f'"{cls}.{name}" is a {kind} handler, not an entry method; use handle.{kind}(...)'
        node = node.func
    elif isinstance(node, OverloadedFuncDef):
        return None
    if problem is None and not (isinstance(node, FuncDef) and node.is_coroutine):
        problem = f'"{cls}.{name}" is not an entry method (entry methods are public "async def" methods)'
    if problem is not None:
        ctx.api.fail(problem, ctx.context, code=ATTR_DEFINED)
        return None
    assert isinstance(node, FuncDef)
    method_type = get_proper_type(node.type)
    if not isinstance(method_type, CallableType):
        return None  # an unannotated method: keep the default (any arguments)
    return bind_self(method_type, workflow)


def _default_coroutine(ctx: AttributeContext) -> Instance | None:
    """``Coroutine[Any, Any, <Handle>[Any]]`` from the ``__getattr__`` declaration.

    Taken from there rather than looked up by name, because the checker can only look up
    modules that the checked code itself imports by that path.
    """
    default = get_proper_type(ctx.default_attr_type)
    if not isinstance(default, CallableType):
        return None
    coroutine = get_proper_type(default.ret_type)
    if not isinstance(coroutine, Instance) or len(coroutine.args) != 3:
        return None
    handle = get_proper_type(coroutine.args[2])
    if not isinstance(handle, Instance) or handle.type.fullname not in _HANDLES:
        return None
    return coroutine


def _proxied_method(ctx: AttributeContext, name: str) -> CallableType | None:
    proxy = get_proper_type(ctx.type)
    if not isinstance(proxy, Instance) or not proxy.args:
        return None
    # The proxy's own members (async_, with_options, start, ...) are what they say they are.
    if any(name in info.names for info in proxy.type.mro if info.fullname != "builtins.object"):
        return None
    workflow = get_proper_type(proxy.args[0])
    if not isinstance(workflow, Instance):
        return None
    return _entry_method(ctx, workflow, name)


def _caller_attribute(ctx: AttributeContext, *, name: str) -> Type:
    method = _proxied_method(ctx, name)
    return ctx.default_attr_type if method is None else method


def _starter_attribute(ctx: AttributeContext, *, name: str) -> Type:
    coroutine = _default_coroutine(ctx)
    method = _proxied_method(ctx, name) if coroutine is not None else None
    if coroutine is None or method is None:
        return ctx.default_attr_type
    returned = get_proper_type(method.ret_type)
    handle = get_proper_type(coroutine.args[2])
    assert isinstance(handle, Instance)
    # An ``async def`` is typed as returning Coroutine[Any, Any, R]: keep the coroutine and
    # its parameters, swap R for MethodHandle[R] (or ChildHandle[R]).
    if isinstance(returned, Instance) and returned.type.fullname == _COROUTINE and len(returned.args) == 3:
        # mypy's copy_modified defaults are untyped sentinels, hence the pyright ignores.
        exact = handle.copy_modified(args=[returned.args[2]])  # pyright: ignore[reportUnknownMemberType]
        exact_coroutine = returned.copy_modified(args=[*returned.args[:2], exact])  # pyright: ignore[reportUnknownMemberType]
        return method.copy_modified(ret_type=exact_coroutine)  # pyright: ignore[reportUnknownMemberType]
    return method.copy_modified(ret_type=coroutine)  # pyright: ignore[reportUnknownMemberType]


class TemporalRuntimePlugin(Plugin):
    """Gives the proxies' attributes the workflow method's signature (returning a handle for starts)."""

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        """Hook the attributes that the proxies' ``__getattr__`` provides."""
        owner, _, name = fullname.rpartition(".")
        if not name or name.startswith("__"):
            return None
        if owner in _STARTERS:
            return functools.partial(_starter_attribute, name=name)
        if owner in _CALLERS:
            return functools.partial(_caller_attribute, name=name)
        return None

    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        """Note each workflow class's signal, query and update handlers."""
        return _record_handlers if fullname == _WORKFLOW else None


def plugin(version: str) -> type[Plugin]:
    """The entry point mypy calls (``plugins = ["temporal_runtime.mypy"]``).

    Example:
        >>> plugin("1.15").__name__
        'TemporalRuntimePlugin'
    """
    return TemporalRuntimePlugin

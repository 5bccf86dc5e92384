"""scripts/docs_site.py: which inline code links to which API reference entry."""

from __future__ import annotations

import pytest

import temporal_runtime
import temporal_runtime.errors
import temporal_runtime.testing
from scripts.docs_site import link_names, public_names, public_names_tables, reference_of


@pytest.mark.parametrize(
    ("code", "ident"),
    [
        ("TemporalEngine", "temporal_runtime.TemporalEngine"),
        ("activity_def(...)", "temporal_runtime.activity_def"),
        ("InMemoryEngine", "temporal_runtime.testing.InMemoryEngine"),
        ("temporal_runtime.testing", "temporal_runtime.testing"),
        # Errors are documented once, under temporal_runtime.errors.
        ("WorkflowFailedError", "temporal_runtime.errors.WorkflowFailedError"),
        ("temporal_runtime.ConfigError", "temporal_runtime.errors.ConfigError"),
        ("TemporalEngine.from_config", "temporal_runtime.TemporalEngine.from_config"),
        ("self.exec", "temporal_runtime.Workflow.exec"),
        ("self.child(Shipping)", "temporal_runtime.Workflow.child"),
        ("engine.start_method", "temporal_runtime.TemporalEngine.start_method"),
        ("handle.result()", "temporal_runtime.MethodHandle.result"),
    ],
)
def test_code_naming_a_public_object_links_to_its_entry(code: str, ident: str) -> None:
    assert reference_of(code, public_names()) == ident


@pytest.mark.parametrize(
    "code",
    [
        "exec",  # a bare member name is ambiguous
        "wf.after",  # an unknown receiver
        "self._private",
        "self.no_such_helper",
        "TemporalEngine.__init__",
        "temporal_runtime.cli.TemporalContextFilter",
        "pyproject.toml",
        "x = 1",
    ],
)
def test_other_code_is_not_linked(code: str) -> None:
    assert reference_of(code, public_names()) is None


def test_link_names_rewrites_prose_only() -> None:
    markdown = (
        "# The `TemporalEngine`\n"
        "Start a `TemporalEngine`, then `self.exec` an activity; `exec` alone stays.\n"
        "Already [`Saga`][temporal_runtime.Saga] and ``TemporalEngine``.\n"
        "```python\n"
        "engine = `TemporalEngine`\n"
        "```\n"
        "    >>> `TemporalEngine`\n"
    )
    assert link_names(markdown, public_names()).splitlines() == [
        "# The `TemporalEngine`",
        "Start a [`TemporalEngine`][temporal_runtime.TemporalEngine], then"
        " [`self.exec`][temporal_runtime.Workflow.exec] an activity; `exec` alone stays.",
        "Already [`Saga`][temporal_runtime.Saga] and ``TemporalEngine``.",
        "```python",
        "engine = `TemporalEngine`",
        "```",
        "    >>> `TemporalEngine`",
    ]


def test_the_reference_index_links_every_public_name() -> None:
    tables = public_names_tables()
    refs = public_names()
    for module in (temporal_runtime, temporal_runtime.testing, temporal_runtime.errors):
        for name in module.__all__:
            assert f"[`{name}`][{refs[name]}]" in tables, name

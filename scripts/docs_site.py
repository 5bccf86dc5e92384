"""How the documentation site is put together (mkdocs.yml loads this file twice).

As MkDocs hooks:

- the home page is the README, its mentions of ``docs/<guide>.md`` turned into links;
- in the guides and the home page, inline code that names a public object (`TemporalEngine`,
  `activity_def(...)`, `temporal_runtime.testing`, `TemporalEngine.schedule`, `self.exec`,
  `engine.start_method`, `handle.result()`) links to its API reference entry;
- the API reference index lists every public name of ``temporal_runtime``,
  ``temporal_runtime.testing`` and ``temporal_runtime.errors``, each linked to its entry, so
  that a strict build fails when a public name has no entry.

As a griffe extension (``DocstringMarkup``): the names in docstrings link the same way, and
``Example:`` sections render as doctest code, as ``Examples:`` sections do (the package writes
the singular, which griffe would otherwise show as prose, reading ``>>>`` as quotes).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import re
from pathlib import Path
from typing import Any

import griffe
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import temporal_runtime
import temporal_runtime.errors
import temporal_runtime.testing

ROOT = Path(__file__).resolve().parent.parent
# The reference index names this placeholder where the tables of public names go.
PUBLIC_NAMES = "<!-- public names -->"
# Inline code `self.exec`, `engine.schedule`, `handle.result()` names a member of these classes.
RECEIVERS: dict[str, type] = {
    "self": temporal_runtime.Workflow,
    "engine": temporal_runtime.TemporalEngine,
    "handle": temporal_runtime.MethodHandle,
}

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# A code span not already the text of a link.
_CODE_SPAN = re.compile(r"(?<![`\[])`([^`\n]+)`(?![`\]])")
# A dotted name, optionally called: `name`, `a.b`, `a.b(...)`.
_NAME = re.compile(r"([A-Za-z_][\w.]*)(?:\(.*\))?")
_GUIDE_MENTION = re.compile(r"`docs/([\w-]+\.md)?`")


def _modules() -> dict[str, Any]:
    return {
        "temporal_runtime.errors": temporal_runtime.errors,
        "temporal_runtime.testing": temporal_runtime.testing,
        "temporal_runtime": temporal_runtime,
    }


@functools.cache
def public_names() -> dict[str, str]:
    """Every public name, short and dotted, mapped to the identifier of its reference entry.

    An error is documented once, under ``temporal_runtime.errors``, though the package
    re-exports it.
    """
    refs: dict[str, str] = {}
    for module_name, module in _modules().items():
        refs[module_name] = module_name
        for name in module.__all__:
            ident = refs.setdefault(name, f"{module_name}.{name}")
            refs[f"{module_name}.{name}"] = ident
    return refs


def _documented_member(cls: type, attr: str) -> bool:
    """Whether the reference shows ``cls.attr``: a public, documented member of ours."""
    if attr.startswith("_"):
        return False
    for klass in cls.__mro__:
        if attr in vars(klass):
            member = vars(klass)[attr]
            routine = inspect.isroutine(member) or isinstance(member, (property, classmethod, staticmethod))
            return (
                klass.__module__.startswith("temporal_runtime") and routine and bool(inspect.getdoc(member))
            )
    return False


def reference_of(code: str, refs: dict[str, str]) -> str | None:
    """The reference identifier that inline code names, or None."""
    match = _NAME.fullmatch(code)
    if match is None:
        return None
    path = match.group(1)
    if path in refs:
        return refs[path]
    head, _, attr = path.rpartition(".")
    if head in RECEIVERS:
        cls: Any = RECEIVERS[head]
        ident = refs[cls.__name__]
    elif head in refs:
        cls = _object_of(refs[head])
        ident = refs[head]
    else:
        return None
    if not inspect.isclass(cls) or not _documented_member(cls, attr):
        return None
    return f"{ident}.{attr}"


def _object_of(ident: str) -> object:
    module_name, _, name = ident.rpartition(".")
    return getattr(_modules().get(module_name), name, None)


def link_names(markdown: str, refs: dict[str, str]) -> str:
    """Turn inline code naming a public object into a link to its reference entry.

    Code blocks, headings and doctest lines are left alone.
    """
    lines: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines(keepends=True):
        opening = _FENCE.match(line)
        prose = fence is None and opening is None and not line.lstrip().startswith(("#", ">>>", "..."))
        lines.append(_CODE_SPAN.sub(lambda m: _link(m, refs), line) if prose else line)
        if opening is not None and (fence is None or opening.group(1).startswith(fence)):
            fence = opening.group(1) if fence is None else None
    return "".join(lines)


def _link(span: re.Match[str], refs: dict[str, str]) -> str:
    ident = reference_of(span.group(1), refs)
    return span.group(0) if ident is None else f"[{span.group(0)}][{ident}]"


def public_names_tables() -> str:
    """One table per public module: each name, linked to its entry, and its summary."""
    refs = public_names()
    sections: list[str] = []
    errors = set(temporal_runtime.errors.__all__)
    for module_name, module in reversed(_modules().items()):
        names = [n for n in module.__all__ if module is temporal_runtime.errors or n not in errors]
        rows = [f"| [`{n}`][{refs[n]}] | {_summary(getattr(module, n))} |" for n in sorted(names)]
        note = "The errors are re-exported here too.\n\n" if module is temporal_runtime else ""
        sections.append(f"## `{module_name}`\n\n{note}| Name | |\n| --- | --- |\n" + "\n".join(rows))
    return "\n\n".join(sections)


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    summary = doc.split("\n\n")[0].replace("\n", " ").replace("|", "\\|")
    module: str = obj.__module__
    if module.startswith("temporal_runtime"):
        return summary
    # A re-export: say where from, by its public path (temporalio defines many in private modules).
    public = ".".join(itertools.takewhile(lambda part: not part.startswith("_"), module.split(".")))
    return f"`{public}.{obj.__qualname__}`, re-exported: {summary}"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Serve the README as the home page."""
    files.append(File.generated(config, "index.md", abs_src_path=str(ROOT / "README.md")))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill in the reference index; link the names on every page."""
    markdown = markdown.replace(PUBLIC_NAMES, public_names_tables())
    if page.file.src_uri == "index.md":
        markdown = _GUIDE_MENTION.sub(lambda m: f"[{m.group(0)}]({m.group(1) or 'guide.md'})", markdown)
    return link_names(markdown, public_names())


class DocstringMarkup(griffe.Extension):
    """Our docstrings, before griffe parses them: link their names; read ``Example:`` as examples."""

    _SINGULAR = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)
    # temporalio's docstrings (loaded for the re-exports) cross-reference in Sphinx's roles.
    _SPHINX_ROLE = re.compile(r":py:\w+:`~?([^`]+)`")

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite one object's docstring."""
        if obj.docstring is None:
            return
        if obj.path.startswith("temporal_runtime"):
            value = self._SINGULAR.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = link_names(value, public_names())
        else:
            obj.docstring.value = self._SPHINX_ROLE.sub(r"`\1`", obj.docstring.value)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """The same for a top-level package, which gets no ``on_object`` event."""
        self.on_object(obj=pkg)

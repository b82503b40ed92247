"""The static policy an LLM-written draft must pass before it is ever executed.

A draft is code from the network: a RASP program file written by a model. Before the engine
runs it (and then only in an isolated, resource-limited worker process), `refusals` reads its
syntax tree and refuses drafts that obviously reach for files, processes or the network:
imports beyond a short allow-list, builtins such as `open`, `eval` or `getattr`, dunder names
and attributes (`().__class__.__subclasses__()`), private attributes (`collections._sys`), and
attributes such as `os` or `system` that lead to the operating system through an allowed module
(`lib.os.system(...)`).

This is a filter, not a sandbox. It looks only at names in the tree, so string tricks (a
`str.format` template that walks attributes, names built at run time) are not checked, and a
determined author may find a path it misses. The worker's isolation is what contains a draft;
the filter turns away the obvious attempts early, with a message that says why.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass

ALLOWED_MODULES = frozenset(
    {
        "tracr",
        "math",
        "itertools",
        "functools",
        "operator",
        "collections",
        "string",
        "fractions",
        "statistics",
        "typing",
        "dataclasses",
        "re",
        "__future__",
    }
)

# Builtins that run code, reach files or the interpreter's internals, or wait for a user.
FORBIDDEN_NAMES = frozenset(
    {
        "open",
        "exec",
        "eval",
        "compile",
        "__import__",
        "globals",
        "locals",
        "vars",
        "getattr",
        "setattr",
        "delattr",
        "input",
        "breakpoint",
        "exit",
        "quit",
        "help",
        "memoryview",
        "object",
    }
)

# Attributes that lead to the operating system even from an allowed module (`typing.sys`).
FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "os",
        "sys",
        "subprocess",
        "builtins",
        "importlib",
        "shutil",
        "socket",
        "pathlib",
        "io",
        "ctypes",
        "pickle",
        "marshal",
        "system",
        "popen",
        "spawn",
        "fork",
        "kill",
        "environ",
    }
)

_ONLY = "drafts may import only " + ", ".join(sorted(ALLOWED_MODULES - {"__future__"}))
_NO_DUNDERS = "drafts may not use dunder names, except `__name__`"
_LEADS_OUT = "it leads to the operating system, which drafts may not reach"
_PRIVATE = "drafts may not use private attributes (modules' `_os`, `_sys` lead out)"


@dataclass(frozen=True)
class Refusal:
    line: int  # 1-based
    column: int  # 1-based (ast col_offset + 1)
    message: str


def refusals(source: str) -> list[Refusal]:
    """Every reason the draft may not run, in source order; [] when it may run.

    Source that does not parse returns []: it cannot run at all, and the engine reports the
    syntax error itself, with its location.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    except (RecursionError, MemoryError):  # the parser's nesting limits: refuse, never wave on
        return [Refusal(1, 1, "the draft is nested too deeply to check")]
    found = [refusal for node in ast.walk(tree) for refusal in _check(node)]
    return sorted(found, key=lambda refusal: (refusal.line, refusal.column))


def _check(node: ast.AST) -> Iterator[Refusal]:
    match node:
        case ast.Import(names=aliases):
            for alias in aliases:
                if alias.name.split(".")[0] not in ALLOWED_MODULES:
                    yield _at(alias, f"imports `{alias.name}`: {_ONLY}")
        case ast.ImportFrom(level=0, module=str(module)):
            if module.split(".")[0] not in ALLOWED_MODULES:
                yield _at(node, f"imports `{module}`: {_ONLY}")
                return
            for alias in node.names:  # `from typing import sys` is the attribute `typing.sys`
                if _is_dunder(alias.name):
                    yield _at(alias, f"imports `{alias.name}` from `{module}`: {_NO_DUNDERS}")
                elif alias.name in FORBIDDEN_ATTRIBUTES:
                    yield _at(alias, f"imports `{alias.name}` from `{module}`: {_LEADS_OUT}")
                elif alias.name.startswith("_"):
                    yield _at(alias, f"imports `{alias.name}` from `{module}`: {_PRIVATE}")
        case ast.ImportFrom(level=level, module=module):
            where = "." * level + (module or "")
            yield _at(node, f"imports relatively from `{where}`: {_ONLY}, by absolute name")
        case ast.Name(id=name) if name in FORBIDDEN_NAMES:
            yield _at(node, f"uses `{name}`: drafts may not use it, nor define or rename it")
        case ast.Name(id=name) if _is_dunder(name) and name != "__name__":
            yield _at(node, f"uses `{name}`: {_NO_DUNDERS}")
        case ast.Attribute(attr=attr) if _is_dunder(attr):
            yield _at_attribute(node, f"accesses `.{attr}`: {_NO_DUNDERS}")
        case ast.Attribute(attr=attr) if attr in FORBIDDEN_ATTRIBUTES:
            yield _at_attribute(node, f"accesses `.{attr}`: {_LEADS_OUT}")
        case ast.Attribute(attr=attr) if attr.startswith("_"):  # `collections._sys`
            yield _at_attribute(node, f"accesses `.{attr}`: {_PRIVATE}")


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _at(node: ast.stmt | ast.expr | ast.alias, message: str) -> Refusal:
    return Refusal(node.lineno, node.col_offset + 1, message)


def _at_attribute(node: ast.Attribute, message: str) -> Refusal:
    """At the attribute's own name: the node itself starts where its object does."""
    column = (node.end_col_offset or 0) - len(node.attr) + 1
    return Refusal(node.end_lineno or node.lineno, column, message)

"""The static policy an LLM-written draft must pass before it is ever executed.

A draft is code from the network: a RASP program file written by a model. Before the engine
runs it (and then only in the worker's sandbox), `refusals` reads its syntax tree and refuses
drafts that obviously reach beyond a RASP program:

- imports beyond a short allow-list; of tracr, only `tracr.rasp.rasp` and `tracr.compiler.lib`
  (its test modules import most of the standard library); `from m import *`;
- builtins that run code or reach files (`open`, `eval`, `getattr`, ...);
- dunder names and attributes (`().__class__.__subclasses__()`), private attributes
  (`collections._sys`);
- attributes, of any object, that lead to the operating system (`lib.os.system(...)`,
  `re.enum.bltns.exec`); to the interpreter's frames and globals (a generator's
  `gi_frame.f_builtins`, a traceback's `tb_frame`, the `types`, `inspect` and `gc` modules);
  to attributes or code named by strings (`operator.attrgetter`, `string.Formatter().get_field`,
  `functools.update_wrapper`, `copy.copy` of a bound method, `typing.get_type_hints`, which
  evaluates string annotations); and to files through the libraries tracr re-exports: those
  are refused as attributes altogether (`lib.np`, `nx`, `logging`, `jax`, `hk`), and so are
  their file functions, on any object (`save`, `load`, `tofile`, `write_gml`, `FileHandler`);
- `match` class patterns that read such attributes (`case C(gi_frame=f)`), or attributes named
  by strings (a positional pattern reads the names in `C.__match_args__`).

Through the attributes it allows, no module of those a draft may import leads to the operating
system, the interpreter's frames or code (tests/drafting/test_policy.py walks them).

This is a filter, not a sandbox. It looks only at names in the tree, never at what a name
holds at run time, nor into strings: a `str.format` template still walks attributes (into a
string, not an object), and Python has more ways to reach an object by a name in a string than
any list of names can hold. The worker's sandbox is what contains a draft, and the judge,
outside it, decides whether a draft is verified; the filter turns away the obvious attempts
early, with a message that says why.
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
# The tracr modules drafts are taught, and the packages above them.
TRACR_MODULES = frozenset({"tracr.rasp.rasp", "tracr.compiler.lib"})
_TRACR_PACKAGES = frozenset({"tracr", "tracr.rasp", "tracr.compiler"})

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

_LEADS_OUT = "it leads to the operating system, which drafts may not reach"
_INTERNALS = "it leads to the interpreter's frames, code and globals, which drafts may not use"
_BY_NAME = "it reaches attributes or code named by strings, which this check cannot read"
_LIBRARIES = "it leads to files or to the libraries under tracr, which drafts may not use"
_COPY = (
    "it is also the `copy` module, whose `copy.copy` of a bound method reads an attribute named "
    "by a string; write `list(xs)` or `dict(d)` instead"
)


def _because(reason: str, names: str) -> dict[str, str]:
    return dict.fromkeys(names.split(), reason)


# Attributes drafts may not use, of any object (`typing.sys`, `lib.np`), and why not.
FORBIDDEN_ATTRIBUTES: dict[str, str] = {
    **_because(
        _LEADS_OUT,
        "os sys subprocess builtins bltns importlib shutil socket pathlib io ctypes pickle "
        "marshal tempfile threading signal system popen spawn fork kill environ open eval exec",
    ),
    **_because(  # frames, tracebacks, generators, coroutines and code objects
        _INTERNALS,
        "gi_frame gi_code gi_yieldfrom cr_frame cr_code cr_await ag_frame ag_code ag_await "
        "f_back f_builtins f_code f_globals f_locals f_trace tb_frame tb_next types inspect gc "
        "getattr setattr vars",
    ),
    **_because(
        _BY_NAME,
        "attrgetter methodcaller Formatter get_field vformat get_type_hints ForwardRef "
        "singledispatch singledispatchmethod update_wrapper wraps",
    ),
    "copy": _COPY,
    **_because(  # and their ways to files: NumPy's, networkx's (`write_*` below), logging's
        _LIBRARIES,
        "np numpy jnp jax hk haiku nx networkx logging einops chex save savez savez_compressed "
        "savetxt load loadtxt genfromtxt fromfile tofile dump memmap ctypeslib DataSource "
        "FileHandler basicConfig",
    ),
}

_ONLY = "drafts may import only " + ", ".join(sorted(ALLOWED_MODULES - {"__future__"}))
_ONLY_TRACR = "of tracr, drafts may import only " + " and ".join(sorted(TRACR_MODULES))
_NO_DUNDERS = "drafts may not use dunder names, except `__name__`"
_PRIVATE = "drafts may not use private attributes (modules' `_os`, `_sys` lead out)"
_BY_POSITION = (
    "a class pattern's positions stand for attributes named by strings (`__match_args__`), "
    "which this check cannot read; name the attributes (`case C(x=x)`)"
)


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


def attribute_refusal(attr: str) -> str | None:
    """Why a draft may not use `.attr` (on anything), or None when it may."""
    if _is_dunder(attr):
        return _NO_DUNDERS
    if attr in FORBIDDEN_ATTRIBUTES:
        return FORBIDDEN_ATTRIBUTES[attr]
    if attr.startswith("write_"):  # networkx's writers: `nx.write_gml(graph, path)`
        return _LIBRARIES
    if attr.startswith("_"):  # `collections._sys`
        return _PRIVATE
    return None


def _check(node: ast.AST) -> Iterator[Refusal]:
    match node:
        case ast.Import(names=aliases):
            for alias in aliases:
                if why := _module_refusal(alias.name):
                    yield _at(alias, f"imports `{alias.name}`: {why}")
        case ast.ImportFrom(level=0, module=str(module)):
            if why := _module_refusal(module):
                yield _at(node, f"imports `{module}`: {why}")
                return
            for alias in node.names:  # `from typing import sys` is the attribute `typing.sys`
                if alias.name == "*":  # `from tracr.compiler.lib import *` binds `np`
                    why = "drafts may not import everything (`*`); name what the draft uses"
                elif module in _TRACR_PACKAGES:  # `from tracr.compiler import lib`
                    why = _module_refusal(f"{module}.{alias.name}")
                else:
                    why = attribute_refusal(alias.name)
                if why:
                    yield _at(alias, f"imports `{alias.name}` from `{module}`: {why}")
        case ast.ImportFrom(level=level, module=module):
            where = "." * level + (module or "")
            yield _at(node, f"imports relatively from `{where}`: {_ONLY}, by absolute name")
        case ast.Name(id=name) if name in FORBIDDEN_NAMES:
            yield _at(node, f"uses `{name}`: drafts may not use it, nor define or rename it")
        case ast.Name(id=name) if _is_dunder(name) and name != "__name__":
            yield _at(node, f"uses `{name}`: {_NO_DUNDERS}")
        case ast.Attribute(attr=attr) if why := attribute_refusal(attr):
            yield _at_attribute(node, f"accesses `.{attr}`: {why}")
        case ast.MatchClass(patterns=positional, kwd_attrs=attrs):
            if positional:  # `case C(x)` reads the attributes C.__match_args__ names by strings
                yield _at(node, f"matches by position: {_BY_POSITION}")
            for attr in attrs:  # `case C(gi_frame=f)` reads `.gi_frame`
                if why := attribute_refusal(attr):
                    yield _at(node, f"matches the attribute `{attr}`: {why}")


def _module_refusal(name: str) -> str | None:
    """Why a draft may not import module `name`, or None when it may."""
    top = name.split(".")[0]
    if top not in ALLOWED_MODULES:
        return _ONLY
    if any(part.startswith("_") for part in name.split(".")[1:]):  # `re._compiler`
        return _PRIVATE
    if top == "tracr" and name not in TRACR_MODULES | _TRACR_PACKAGES:
        return _ONLY_TRACR
    return None


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _at(node: ast.stmt | ast.expr | ast.alias | ast.pattern, message: str) -> Refusal:
    return Refusal(node.lineno, node.col_offset + 1, message)


def _at_attribute(node: ast.Attribute, message: str) -> Refusal:
    """At the attribute's own name: the node itself starts where its object does."""
    column = (node.end_col_offset or 0) - len(node.attr) + 1
    return Refusal(node.end_lineno or node.lineno, column, message)

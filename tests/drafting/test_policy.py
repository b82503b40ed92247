"""The draft policy: what an LLM-written draft may not do before it ever runs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from raspstudio.drafting.policy import ALLOWED_MODULES, Refusal, refusals
from tests.drafting.test_hostile_drafts import BOUND_METHOD_COPY, MATCH_ARGS

LIBRARY = Path(__file__).parents[2] / "programs"
PROGRAMS = sorted(p for p in LIBRARY.rglob("*.py") if not p.name.startswith("make_"))

HELPERS = '''"""Running sum, with the standard library's help."""

from __future__ import annotations

import collections
import functools
import itertools
import math
import operator
import tracr.rasp.rasp as rasp
from collections import Counter
from tracr.compiler import lib

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 4
EXAMPLES = [[1, 2], [3, 1, 2]]


def make_halves(sop: rasp.SOp) -> rasp.SOp:
    return rasp.Map(lambda x: math.floor(x / 2), sop).named("halves")


def reference(xs: list) -> list:
    counts = Counter(xs) + collections.Counter()
    total = functools.reduce(operator.add, xs, 0)
    sums = list(itertools.accumulate(xs))
    assert isinstance(total, int) and sorted(counts) == sorted(set(xs))
    return [min(max(s, 0), total) for s in sums[: len(xs)] if s in range(100)]


program = make_halves(lib.make_length())

if __name__ == "__main__":
    print(reference([1, 2, 3]))
'''


def test_a_draft_using_the_standard_helpers_may_run() -> None:
    assert refusals(HELPERS) == []


def test_the_library_is_all_found() -> None:
    assert len(PROGRAMS) > 100


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_library_program_may_run(path: Path) -> None:
    assert refusals(path.read_text()) == []


@pytest.mark.parametrize(
    ("line", "column", "named"),
    [
        ("import os", 8, "`os`"),
        ("import subprocess as sp", 8, "`subprocess`"),
        ("from os import system", 1, "`os`"),
        ("from . import x", 1, "`.`"),
        ("from .helpers import x", 1, "`.helpers`"),
        ("import tracr, os", 15, "`os`"),
        ("import importlib", 8, "`importlib`"),
        ("import socket", 8, "`socket`"),
        ("import urllib.request", 8, "`urllib.request`"),
        ("import numpy", 8, "`numpy`"),
        ("from typing import sys", 20, "`sys`"),
        ("from tracr import __builtins__", 19, "`__builtins__`"),
        ('open("f")', 1, "`open`"),
        ("f = open", 5, "`open`"),
        ('eval("1")', 1, "`eval`"),
        ('exec("x=1")', 1, "`exec`"),
        ('__import__("os")', 1, "`__import__`"),
        ('getattr(rasp, "x")', 1, "`getattr`"),
        ("object.__subclasses__()", 1, "`object`"),
        ("print(__builtins__)", 7, "`__builtins__`"),
        ("().__class__.__bases__[0].__subclasses__()", 4, "`.__class__`"),
        ('lib.os.system("ls")', 5, "`.os`"),
        ("f.__globals__", 3, "`.__globals__`"),
        ('collections._sys.modules["os"]', 13, "`._sys`"),
        ("from statistics import _os", 24, "`_os`"),
    ],
)
def test_a_refused_construct_is_located_and_named(line: str, column: int, named: str) -> None:
    found = refusals(f"from tracr.rasp import rasp\n{line}\n")
    assert any(r.line == 2 and r.column == column and named in r.message for r in found), found


def test_only_the_offending_module_of_an_import_is_refused() -> None:
    [refusal] = refusals("import tracr, os")
    assert "`os`" in refusal.message and "tracr" not in refusal.message.split(":")[0]


def test_an_import_refusal_lists_the_allowed_modules() -> None:
    [refusal] = refusals("import numpy")
    assert all(module in refusal.message for module in ALLOWED_MODULES - {"__future__"})


def test_every_step_of_a_dunder_chain_is_refused_in_source_order() -> None:
    found = refusals('().__class__.__bases__[0].__subclasses__()\nlib.os.system("ls")')
    assert [r.message.split(":")[0] for r in found] == [
        "accesses `.__class__`",
        "accesses `.__bases__`",
        "accesses `.__subclasses__`",
        "accesses `.os`",
        "accesses `.system`",
    ]
    assert [(r.line, r.column) for r in found] == [(1, 4), (1, 14), (1, 27), (2, 5), (2, 8)]


def test_a_refusal_on_line_7_column_5_is_reported_there() -> None:
    source = "\n".join(["x = 1"] * 6 + ["y = open"])
    assert refusals(source) == [Refusal(7, 5, refusals("y = open")[0].message)]


def test_an_attribute_split_over_lines_is_located_at_its_name() -> None:
    [refusal] = refusals("x = (lib\n    .os)")
    assert (refusal.line, refusal.column) == (2, 6)


@pytest.mark.parametrize(
    "source",
    [
        "import tracr.rasp.rasp as rasp",
        "from tracr.compiler import lib",
        "from tracr.rasp import rasp",
        "import collections.abc",
        "x = rasp.typing",
        "async def f(g):\n    global y\n    with g() as h:\n"
        "        return [await x async for x in h]",
    ],
)
def test_ordinary_code_may_run(source: str) -> None:
    assert refusals(source) == []


@pytest.mark.parametrize("source", ["def f(:\n    open('x')", "open('x')\0"])
def test_source_that_does_not_parse_is_left_to_the_engine(source: str) -> None:
    assert refusals(source) == []


def test_source_nested_beyond_the_parser_is_refused() -> None:
    assert refusals("x" + ".a" * 100_000) == [
        Refusal(1, 1, "the draft is nested too deeply to check")
    ]


@pytest.mark.parametrize(
    ("line", "column", "named", "why"),
    [
        # frames, tracebacks, generators and coroutines hold globals and builtins
        ('(x for x in ()).gi_frame.f_builtins["eval"]', 17, "`.gi_frame`", "frames"),
        ('(x for x in ()).gi_frame.f_builtins["eval"]', 26, "`.f_builtins`", "frames"),
        ("e.__traceback__.tb_frame.f_globals", 3, "`.__traceback__`", "dunder"),
        ("e.__traceback__.tb_frame.f_globals", 17, "`.tb_frame`", "frames"),
        ("e.__traceback__.tb_frame.f_globals", 26, "`.f_globals`", "frames"),
        ("tb.tb_next.tb_frame.f_back.f_locals", 4, "`.tb_next`", "frames"),
        ("tb.tb_next.tb_frame.f_back.f_locals", 21, "`.f_back`", "frames"),
        ("coroutine.cr_frame.f_code", 11, "`.cr_frame`", "frames"),
        ("agen.ag_frame", 6, "`.ag_frame`", "frames"),
        ("dataclasses.inspect.currentframe()", 13, "`.inspect`", "frames"),
        ("typing.types.FunctionType", 8, "`.types`", "frames"),
        ("rasp.gc.get_objects()", 6, "`.gc`", "frames"),
        # attributes and code named by strings, which the tree does not show
        ('operator.attrgetter("o" + "s")', 10, "`.attrgetter`", "named by strings"),
        ("from operator import methodcaller", 22, "`methodcaller`", "named by strings"),
        ('string.Formatter().get_field("0.x", [1], {})', 8, "`.Formatter`", "named by strings"),
        ('string.Formatter().get_field("0.x", [1], {})', 20, "`.get_field`", "named by strings"),
        ('formatter.vformat("{0}", [1], {})', 11, "`.vformat`", "named by strings"),
        ("typing.get_type_hints(make_it)", 8, "`.get_type_hints`", "named by strings"),
        ("functools.update_wrapper(box, f, (), ('x',))", 11, "`.update_wrapper`", "strings"),
        ("functools.singledispatch(f)", 11, "`.singledispatch`", "named by strings"),
        ("dataclasses.copy.copy(bound)", 13, "`.copy`", "`list(xs)` or `dict(d)`"),
        # the operating system through an allowed module's own imports
        ('re.enum.bltns.exec("1")', 9, "`.bltns`", "operating system"),
        ('re.enum.bltns.exec("1")', 15, "`.exec`", "operating system"),
        # the libraries tracr re-exports, and their ways to files
        ('lib.np.save("/tmp/x", 1)', 5, "`.np`", "libraries under tracr"),
        ('lib.np.save("/tmp/x", 1)', 8, "`.save`", "libraries under tracr"),
        ("from tracr.compiler.lib import np", 32, "`np`", "libraries under tracr"),
        ("assemble.jax.numpy", 10, "`.jax`", "libraries under tracr"),
        ('numpy.load("/tmp/x", allow_pickle=True)', 7, "`.load`", "libraries under tracr"),
        ("numpy.ctypeslib.as_ctypes(a)", 7, "`.ctypeslib`", "libraries under tracr"),
        ('array.tofile("/tmp/x")', 7, "`.tofile`", "libraries under tracr"),
        ('array.dump("/tmp/x")', 7, "`.dump`", "libraries under tracr"),
        ('nx.write_gml(graph, "/tmp/x")', 4, "`.write_gml`", "libraries under tracr"),
        ('errors.logging.FileHandler("/tmp/x")', 8, "`.logging`", "libraries under tracr"),
        ('errors.logging.FileHandler("/tmp/x")', 16, "`.FileHandler`", "libraries under tracr"),
        ('log.basicConfig(filename="/tmp/x")', 5, "`.basicConfig`", "libraries under tracr"),
        # of tracr, only what drafts are taught; no `*`, no private modules
        ("import tracr.compiler.compiling", 8, "`tracr.compiler.compiling`", "of tracr"),
        ("from tracr.compiler import assemble_test", 28, "`assemble_test`", "of tracr"),
        ("from tracr.compiler.lib import *", 32, "`*`", "name what the draft uses"),
        ("import re._compiler", 8, "`re._compiler`", "private"),
    ],
)
def test_a_way_out_through_what_drafts_may_use_is_refused(
    line: str, column: int, named: str, why: str
) -> None:
    found = refusals(f"from tracr.rasp import rasp\n{line}\n")
    assert any(
        r.line == 2 and r.column == column and named in r.message and why in r.message
        for r in found
    ), found


@pytest.mark.parametrize(
    ("pattern", "named"),
    [
        ("C(__globals__=g)", "matches the attribute `__globals__`: drafts may not use dunder"),
        ("C(gi_frame=frame)", "matches the attribute `gi_frame`: it leads to the interpreter"),
        ("Probe(found)", "matches by position: a class pattern's positions stand for"),
    ],
)
def test_a_match_class_pattern_reading_what_drafts_may_not_is_refused(
    pattern: str, named: str
) -> None:
    [refusal] = refusals(f"match f:\n    case {pattern}:\n        pass\n")
    assert (refusal.line, refusal.column) == (2, 10)
    assert refusal.message.startswith(named)


# Two ways to any attribute by a string, with no dunder in the tree, from the hostile-draft
# suite: the first policy let both through, and each ran `exec` with the worker's builtins.
@pytest.mark.parametrize(
    ("source", "named"),
    [(BOUND_METHOD_COPY, "accesses `.copy`"), (MATCH_ARGS, "matches by position")],
)
def test_attributes_named_by_strings_through_copy_or_match_args_are_refused(
    source: str, named: str
) -> None:
    assert any(r.message.startswith(named) for r in refusals(source))


@pytest.mark.parametrize(
    "source",
    [
        "import tracr",
        "import tracr.compiler.lib",
        "from tracr import rasp",
        "from tracr.rasp.rasp import Map, tokens",
        "match x:\n    case rasp.Map(f=f):\n        pass",
        "pattern = re.compile('a+')",
    ],
)
def test_tracr_as_taught_keyword_patterns_and_regular_expressions_may_run(source: str) -> None:
    assert refusals(source) == []


# Walks the attributes the policy allows from every module a draft may import, in a process
# holding what the worker holds; prints the modules and code-running builtins it reaches.
REACHABLE = """
import builtins, collections, importlib, json, types
import raspstudio.worker.handlers  # the modules a worker has loaded when it runs a draft
from raspstudio.drafting import policy

roots = sorted(policy.ALLOWED_MODULES - {"__future__"} | policy.TRACR_MODULES)
todo = collections.deque(importlib.import_module(name) for name in roots)
seen, modules, builtin = {id(m) for m in todo}, [], []
code = {id(getattr(builtins, n)) for n in ("eval", "exec", "open", "compile", "getattr")}
while todo:
    module = todo.popleft()
    modules.append(module.__name__)
    for name, value in list(vars(module).items()):
        if policy.attribute_refusal(name) is not None:
            continue
        if isinstance(value, types.ModuleType) and id(value) not in seen:
            seen.add(id(value))
            todo.append(value)
        elif id(value) in code:
            builtin.append(f"{module.__name__}.{name}")
print(json.dumps({"modules": modules, "builtins": builtin}))
"""
LEADING_OUT = {
    "builtins", "os", "posix", "sys", "subprocess", "io", "socket", "ssl", "http", "urllib",
    "inspect", "types", "importlib", "pkgutil", "runpy", "pathlib", "shutil", "tempfile",
    "logging", "threading", "signal", "ctypes", "pickle", "marshal", "code", "pdb", "gc",
    "timeit", "traceback", "unittest", "asyncio", "multiprocessing", "codecs", "linecache",
    "numpy", "networkx", "jax", "haiku", "absl",
}  # fmt: skip


def test_no_module_leading_out_is_reachable_through_the_attributes_drafts_may_use() -> None:
    done = subprocess.run(
        [sys.executable, "-P", "-c", REACHABLE], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    reached = json.loads(done.stdout)
    assert "tracr.rasp.rasp" in reached["modules"] and "dataclasses" in reached["modules"]
    assert {m.split(".")[0] for m in reached["modules"]} & LEADING_OUT == set()
    assert reached["builtins"] == []

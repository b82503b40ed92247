"""The draft policy: what an LLM-written draft may not do before it ever runs."""

from pathlib import Path

import pytest

from raspstudio.drafting.policy import ALLOWED_MODULES, Refusal, refusals

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

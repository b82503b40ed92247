"""What users call a RASP expression: one name, the same in every view.

The rule (spans.display_name): the name the user gave with `.named()`; else the variable the
user bound the expression to (a module global of the file, a REPL variable, or a local of the
`make_*` function that built it); else a name a library gave (`rev = lib.make_reverse(...)`
is `rev`, not tracr's `reverse`); else tracr's label (`map_7`). Within one program, names that would
repeat (two `lib.make_length()`, a builder called twice) get `#2`, `#3`, … in a fixed order,
so the layer table, the trace, the plot, hovers and exports agree, and a rerun shows the same
names.

tracr's labels stay where a machine needs uniqueness: graph nodes and residual dimensions
(`map_7:3`). They are unique within a process but not stable between runs, which is why they
are not what people read.

Both are stored as attributes of the expression, as spans are (spans.py). A variable is
stored with the id of the object it was recorded on: `.named()` and `numerical()` return
shallow copies, which keep attributes but are other objects, bound (if at all) to other
names. A name the user gave is stored as that name: a copy keeps it while it keeps the name.
"""

import contextlib
import sys
from collections.abc import Iterable, Iterator, Mapping
from types import FrameType
from typing import Any

from tracr.rasp import rasp

_VARIABLE = "_raspstudio_variable"
_GIVEN = "_raspstudio_given_name"
_NAMING = {rasp.RASPExpr.named.__code__, rasp.RASPExpr.annotated.__code__, rasp.annotate.__code__}
GLOBAL, LOCAL = 2, 1  # a module global or REPL variable names an expression before a local
_PRIMITIVES = (rasp.TokensType, rasp.IndicesType, rasp.LengthType)  # shared by every program


def given_by_user(expr: rasp.RASPExpr) -> bool:
    """Whether the expression's name was given by a `.named()` in the user's code."""
    return getattr(expr, _GIVEN, None) == expr.name


def variable_of(expr: rasp.RASPExpr) -> str | None:
    """The variable the user bound this very expression to, if one was recorded."""
    recorded = getattr(expr, _VARIABLE, None)
    if recorded is None or recorded[0] != id(expr):  # inherited by a copy: not its name
        return None
    return recorded[1]


def remember_variables(namespace: Mapping[str, Any], rank: int = GLOBAL) -> None:
    """Record the variable each RASP expression in `namespace` is bound to.

    The first name an expression gets at the highest rank stays: `b = a` later does not
    rename `a`'s expression, but a global `length = make_length_of()` outranks the local
    `result` inside the builder.
    """
    for name, value in namespace.items():
        if name.startswith("_") or not isinstance(value, rasp.RASPExpr):
            continue
        if isinstance(value, _PRIMITIVES):
            continue
        recorded = getattr(value, _VARIABLE, None)
        if recorded is None or recorded[0] != id(value) or recorded[2] < rank:
            setattr(value, _VARIABLE, (id(value), name, rank))


@contextlib.contextmanager
def remembering_names(path: str) -> Iterator[None]:
    """While the block runs, record the names code in file `path` gives: the locals of each
    of its functions as it returns (a `make_*` builder's `lt = rasp.Select(...)`), and the
    expressions its `.named()` calls return (a library's `.named()` is not the user's)."""
    previous = sys.getprofile()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event != "return":
            return
        if frame.f_code.co_filename == path:
            remember_variables(frame.f_locals, LOCAL)
        elif frame.f_code in _NAMING and isinstance(arg, rasp.RASPExpr):
            caller = frame.f_back
            if caller is not None and caller.f_code.co_filename == path:
                setattr(arg, _GIVEN, arg.name)

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)


def unique_names(names: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Label -> name, from (label, display name) pairs in a fixed order: a name already taken
    gets `#2`, `#3`, … (`length`, `length#2`)."""
    found: dict[str, str] = {}
    for label, base in names:
        if label in found:
            continue
        name, count = base, 1
        while name in found.values():
            count += 1
            name = f"{base}#{count}"
        found[label] = name
    return found

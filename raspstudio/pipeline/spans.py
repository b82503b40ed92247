"""How users recognise RASP expressions: where in their files each one was created, and its name.

While a user file runs, `RASPExpr.__init__` is wrapped so that every new expression records
its site (`report.Site`): the innermost frame in a *user file*, with the column range from the
bytecode position table, so `lib.make_length()` on line 5 is located on line 5, at the call;
and the user frames from there out to the checked file, so that a program built in a helper
module is located in that module, with the calls that led there. A user file is the checked
file or any real Python file that is not Python's own (standard library, site-packages) nor a
package the worker runs on (raspstudio, tracr): the modules a program file imports from its
project, wherever they are. The site is stored as an attribute because `.named()`,
`numerical()` and `categorical()` make shallow copies that keep attributes but never run
`__init__`.
"""

import contextlib
import functools
import itertools
import linecache
import os
import site
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import tracr
from tracr.rasp import rasp

import raspstudio
from raspstudio.pipeline.names import given_by_user, variable_of
from raspstudio.report import Related, Site, Span

_ATTR = "_raspstudio_site"
_ABSORBED = "_raspstudio_absorbed"


def site_of(expr: rasp.RASPExpr) -> Site | None:
    """Where the expression was created, in whichever user file that was."""
    return getattr(expr, _ATTR, None)


def span_of(expr: rasp.RASPExpr) -> Span | None:
    """Where the expression is in the checked file: where it was created, or, for one created
    in a helper module, the call in the checked file that led there (None if none did)."""
    found = site_of(expr)
    if found is None or found.path is None:
        return found and found.span
    return next((call.span for call in reversed(found.calls) if call.path is None), None)


def frame_span(frame: FrameType, lasti: int | None = None) -> Span:
    """The 1-based span of the instruction a frame is executing (or `lasti`, for tracebacks)."""
    index = (frame.f_lasti if lasti is None else lasti) // 2
    positions = list(frame.f_code.co_positions())
    line, end_line, col, end_col = positions[index] if index < len(positions) else (None,) * 4
    if line is None:
        line = frame.f_lineno
    end_line = end_line or line
    path = frame.f_code.co_filename
    column = _characters(path, line, col or 0)
    return Span(
        line=line,
        column=column + 1,
        end_line=end_line,
        end_column=_characters(path, end_line, end_col) + 1 if end_col is not None else column + 2,
    )


def _characters(path: str, line: int, byte_offset: int) -> int:
    """Python's bytecode positions count UTF-8 bytes; editors and SyntaxError count characters.

    load.py puts the text it runs into linecache, so this also holds for unsaved text.
    """
    text = linecache.getline(path, line)
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


@functools.cache
def _library_folders() -> tuple[str, ...]:
    """Folders whose code is not the user's: Python's standard library and site-packages (of
    the virtual environment and of the Python it was made from), and the packages the worker
    runs on, wherever they are installed (an editable raspstudio sits in a checkout)."""
    installs = [{}, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}]
    paths = [sysconfig.get_paths(vars=v) for v in installs]
    folders = {p[key] for p in paths for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    folders |= {*site.getsitepackages(), site.getusersitepackages()}
    folders |= {str(Path(package.__file__).parent) for package in (raspstudio, tracr)}
    return tuple(os.path.join(folder, "") for folder in folders)


def _is_user_file(filename: str) -> bool:
    """Whether code from `filename` is the user's (see the module docstring). Code without a
    real file (`<frozen importlib._bootstrap>`, `<string>`) is not: no editor can open it."""
    return (
        os.path.isabs(filename)
        and not filename.startswith(_library_folders())
        and os.path.isfile(filename)
    )


def _site(path: str) -> Site | None:
    """The site of the expression being created: the innermost frame in a user file, and the
    user frames from there out to the first one in the checked file `path`."""
    frames = []
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename == path or _is_user_file(filename):
            frames.append(frame)
            if filename == path:
                break
        frame = frame.f_back
    if not frames:
        return None
    calls = [
        Related(frame_span(outer), _entered(inner), _path(outer, path))
        for inner, outer in itertools.pairwise(frames)
    ]
    return Site(frame_span(frames[0]), _path(frames[0], path), calls)


def _path(frame: FrameType, checked: str) -> str | None:
    filename = frame.f_code.co_filename
    return None if filename == checked else filename


def _entered(frame: FrameType) -> str:
    """The note on the call that led into `frame`: what it called, or the module it imported."""
    code = frame.f_code
    if code.co_name == "<module>":
        return f"`{Path(code.co_filename).stem}` is imported here"
    return f"`{code.co_qualname}()` is called here"


def traceback_span(tb: TracebackType | None, path: str) -> Span | None:
    """Span of the innermost traceback entry that lies in the user's file."""
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            found = frame_span(tb.tb_frame, tb.tb_lasti)
        tb = tb.tb_next
    return found


def traceback_site(tb: TracebackType | None, path: str) -> Site | None:
    """Where an exception was raised, as `_site` says where an expression was created: the
    innermost traceback entry in a user file, and the calls from there out to the nearest
    entry in the checked file `path`."""
    entries = []
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == path or _is_user_file(filename):
            entries.append(tb)
        tb = tb.tb_next
    chain: list[TracebackType] = []
    for entry in reversed(entries):
        chain.append(entry)
        if entry.tb_frame.f_code.co_filename == path:
            break
    if not chain:
        return None
    calls = [
        Related(
            frame_span(outer.tb_frame, outer.tb_lasti),
            _entered(inner.tb_frame),
            _path(outer.tb_frame, path),
        )
        for inner, outer in itertools.pairwise(chain)
    ]
    innermost = chain[0]
    span = frame_span(innermost.tb_frame, innermost.tb_lasti)
    return Site(span, _path(innermost.tb_frame, path), calls)


def absorbed_spans(expr: rasp.RASPExpr) -> list[Span]:
    """Spans of the Maps that tracr merged into this one (`Map(f, Map(g, x))` is one Map)."""
    return getattr(expr, _ABSORBED, [])


@contextlib.contextmanager
def recording_spans(path: str) -> Iterator[None]:
    """Record a site on every RASP expression created while the block runs (`path`: the
    checked file)."""
    original_init = rasp.RASPExpr.__init__
    original_map_init = rasp.Map.__init__

    def init_with_span(self: rasp.RASPExpr) -> None:
        original_init(self)
        found = _site(path)
        if found is not None:
            setattr(self, _ATTR, found)

    def map_init(self: rasp.Map, f: Any, inner: rasp.SOp, simplify: bool = True) -> None:
        original_map_init(self, f, inner, simplify)
        if self.inner is not inner:  # merged: remember where the absorbed Map was written
            merged = [span_of(inner), *absorbed_spans(inner)]
            setattr(self, _ABSORBED, [s for s in merged if s is not None])

    rasp.RASPExpr.__init__ = init_with_span
    rasp.Map.__init__ = map_init
    try:
        yield
    finally:
        rasp.RASPExpr.__init__ = original_init
        rasp.Map.__init__ = original_map_init


def display_name(expr: rasp.RASPExpr) -> str:
    """The user's name for an operation (names.py): the `.named()` name they gave, else the
    variable they bound it to, else a library's name for it, else tracr's label (`map_7`)."""
    if given_by_user(expr):
        return expr.name
    named = expr.name != rasp.default_name(expr)
    return variable_of(expr) or (expr.name if named else expr.label)

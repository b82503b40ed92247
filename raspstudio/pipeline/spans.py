"""How users recognise RASP expressions: where in their file each one was created, and its name.

While a user file runs, `RASPExpr.__init__` is wrapped so that every new expression records the
innermost frame of that file: the column range comes from the bytecode position
table, so `lib.make_length()` on line 5 is located on line 5, at the call. The span is stored as
an attribute because `.named()`, `numerical()` and `categorical()` make shallow copies that
keep attributes but never run `__init__`.
"""

import contextlib
import linecache
import sys
from collections.abc import Iterator
from types import FrameType, TracebackType
from typing import Any

from tracr.rasp import rasp

from raspstudio.report import Span

_ATTR = "_raspstudio_span"
_ABSORBED = "_raspstudio_absorbed"


def span_of(expr: rasp.RASPExpr) -> Span | None:
    return getattr(expr, _ATTR, None)


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


def _user_frame(path: str) -> FrameType | None:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename != path:
        frame = frame.f_back
    return frame


def traceback_span(tb: TracebackType | None, path: str) -> Span | None:
    """Span of the innermost traceback entry that lies in the user's file."""
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            found = frame_span(tb.tb_frame, tb.tb_lasti)
        tb = tb.tb_next
    return found


def absorbed_spans(expr: rasp.RASPExpr) -> list[Span]:
    """Spans of the Maps that tracr merged into this one (`Map(f, Map(g, x))` is one Map)."""
    return getattr(expr, _ABSORBED, [])


@contextlib.contextmanager
def recording_spans(path: str) -> Iterator[None]:
    """Record a span on every RASP expression created while the block runs."""
    original_init = rasp.RASPExpr.__init__
    original_map_init = rasp.Map.__init__

    def init_with_span(self: rasp.RASPExpr) -> None:
        original_init(self)
        frame = _user_frame(path)
        if frame is not None:
            setattr(self, _ATTR, frame_span(frame))

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
    """The user's name for an operation; the unique label for an unnamed one (`map_7`)."""
    return expr.label if expr.name == rasp.default_name(expr) else expr.name

"""Results as terminal text: what `rasp` prints and the REPL shows, written in one place."""

import dataclasses
import io
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from raspstudio.report import (
    Diagnostic,
    FileReport,
    ModelSummary,
    ProgramReport,
    Span,
    counted,
    coverage,
    untested,
)
from raspstudio.tokens import format_value


def display_path(path: str) -> str:
    """A path as users see it in reports: relative to the working folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def show_paths(report: FileReport) -> None:
    """Every path in the report as users see it (`display_path`): the file's, and those of the
    helper modules its diagnostics point into."""
    report.path = display_path(report.path)
    for d in report.diagnostics:
        d.path = d.path and display_path(d.path)
        d.related = [
            dataclasses.replace(r, path=r.path and display_path(r.path)) for r in d.related
        ]


def diagnostic_lines(shown: str, diagnostics: list[Diagnostic]) -> list[str]:
    """`path:line:col: CODE severity: message`, then a `note:` line per related location (the
    calls that led into a helper module among them). `shown` is the checked file as displayed;
    a location in another file names that file."""
    lines = []
    for d in diagnostics:
        where = _file(shown, d.path)
        lines.append(f"{where}:{d.span.line}:{d.span.column}: {d.code} {d.severity}: {d.message}")
        if d.code == SYNTAX_ERROR:
            lines += _caret(where, d.span)
        lines += [
            f"{_file(shown, r.path)}:{r.span.line}:{r.span.column}: note: {r.message}"
            for r in d.related
        ]
    return lines


def _file(shown: str, path: str | None) -> str:
    return shown if path is None else display_path(path)


SYNTAX_ERROR = "RASP101"  # shown with its line and a caret, as Python shows one


def _caret(path: str, span: Span) -> list[str]:
    """The line of `span` in the file and carets under it; nothing if the file cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    if not 1 <= span.line <= len(text):
        return []
    line = text[span.line - 1].expandtabs(1)
    end = span.end_column if span.end_line == span.line else len(line) + 1
    width = max(1, min(end, len(line) + 1) - span.column)
    return [f"    {line}", f"    {' ' * (span.column - 1)}{'^' * width}"]


def verdict(program: ProgramReport) -> str:
    """`program` compiled: 3 layers, …; verified on 363 inputs (or: not compiled)."""
    if not program.compiled:
        return f"`{program.name}` not compiled"
    m = program.model
    text = (
        f"`{program.name}` compiled: {counted(m.layers, 'layer')}, {counted(m.heads, 'head')}, "
        f"{counted(m.mlps, 'MLP')}, d_model {m.residual_dim}, {m.params:,} params"
    )
    if program.verified_inputs:
        text += f"; {coverage(program)}"
        if missed := untested(program):
            text += f"\n  {missed}"
    return text


def located(shown: str, span: Span | None, message: str) -> str:
    """`path:line:col: message`, or `path: message` where the place is not known."""
    return f"{shown}:{span.line}:{span.column}: {message}" if span else f"{shown}: {message}"


def run_lines(result: dict[str, Any], shown: str | None = None) -> tuple[list[str], bool]:
    """Input, interpreter and compiled rows aligned, then the verdict; and whether they agree.
    An error is located in file `shown` (as displayed) when the result says where."""
    rows = {key: result[key] or [] for key in ("input", "interpreter", "compiled")}
    width = max(len(format_value(v)) for values in rows.values() for v in values)
    lines = [
        f"{key + ':':<13}" + ("  ".join(format_value(v).rjust(width) for v in values) or "—")
        for key, values in rows.items()
    ]
    for problem in ("interpreter_error", "compile_error"):
        if result[problem]:
            message = f"{problem.replace('_', ' ')}: {result[problem]}"
            if shown is not None:
                message = located(shown, result.get(f"{problem}_at"), message)
            return [*lines, message], False
    if result["agree"]:
        return [*lines, "agree"], True
    return [*lines, "DISAGREE: the compiled model differs from the interpreter"], False


def layer_table(name: str, model: ModelSummary, width: int = 100) -> str:
    """The model's shape, then one row per head and MLP with the operations it computes, and
    their source lines when any is known (the REPL's inputs have none)."""
    located = any(line is not None for b in model.blocks for line in b.lines)
    table = Table()
    for column in ("layer", "block", "operations", *(["lines"] if located else []), "width"):
        table.add_column(column)
    for b in model.blocks:
        block = "mlp" if b.sublayer == "mlp" else f"attn h{b.head}"
        lines = [", ".join("?" if line is None else str(line) for line in b.lines)]
        row = [str(b.layer), block, ", ".join(b.operations), *(lines if located else [])]
        table.add_row(*row, str(b.width))
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=False).print(table)
    heading = (
        f"`{name}`: {counted(model.layers, 'layer')} · {counted(model.heads, 'head')} · "
        f"{counted(model.mlps, 'MLP')} · d_model {model.residual_dim} · {model.params:,} params"
    )
    return heading + "\n" + out.getvalue().rstrip("\n")

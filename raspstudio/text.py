"""Results as terminal text: what `rasp` prints and the REPL shows, written in one place."""

import io
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from raspstudio.report import Diagnostic, ModelSummary, ProgramReport, counted, coverage, untested
from raspstudio.tokens import format_value


def display_path(path: str) -> str:
    """A path as users see it in reports: relative to the working folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def diagnostic_lines(shown: str, diagnostics: list[Diagnostic]) -> list[str]:
    """`path:line:col: CODE severity: message`, then a `note:` line per related location."""
    lines = []
    for d in diagnostics:
        lines.append(f"{shown}:{d.span.line}:{d.span.column}: {d.code} {d.severity}: {d.message}")
        lines += [f"{shown}:{span.line}:{span.column}: note: {note}" for span, note in d.related]
    return lines


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


def run_lines(result: dict[str, Any]) -> tuple[list[str], bool]:
    """Input, interpreter and compiled rows aligned, then the verdict; and whether they agree."""
    rows = {key: result[key] or [] for key in ("input", "interpreter", "compiled")}
    width = max(len(format_value(v)) for values in rows.values() for v in values)
    lines = [
        f"{key + ':':<13}" + ("  ".join(format_value(v).rjust(width) for v in values) or "—")
        for key, values in rows.items()
    ]
    for problem in ("interpreter_error", "compile_error"):
        if result[problem]:
            return [*lines, f"{problem.replace('_', ' ')}: {result[problem]}"], False
    if result["agree"]:
        return [*lines, "agree"], True
    return [*lines, "DISAGREE: the compiled model differs from the interpreter"], False


def layer_table(name: str, model: ModelSummary, width: int = 100) -> str:
    """The model's shape, then one row per head and MLP with the operations it computes."""
    table = Table()
    for column in ("layer", "block", "operations", "lines", "width"):
        table.add_column(column)
    for b in model.blocks:
        block = "mlp" if b.sublayer == "mlp" else f"attn h{b.head}"
        lines = ", ".join("?" if line is None else str(line) for line in b.lines)
        table.add_row(str(b.layer), block, ", ".join(b.operations), lines, str(b.width))
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=False).print(table)
    heading = (
        f"`{name}`: {counted(model.layers, 'layer')} · {counted(model.heads, 'head')} · "
        f"{counted(model.mlps, 'MLP')} · d_model {model.residual_dim} · {model.params:,} params"
    )
    return heading + "\n" + out.getvalue().rstrip("\n")

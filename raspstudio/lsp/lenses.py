"""Code lenses: above a program its compiled shape (or why not), above an operation its layer."""

from lsprotocol import types as lsp

from raspstudio.lsp.analysis import Analysis
from raspstudio.lsp.commands import SHOW_LAYERS
from raspstudio.lsp.stale import STALE
from raspstudio.report import FileReport, ProgramReport, counted, coverage


def code_lenses(analysis: Analysis, uri: str, stale: bool = False) -> list[lsp.CodeLens]:
    """`stale`: the analysis is an earlier version's (stale.py), and each title says so."""
    report = analysis.report
    lenses = [
        _lens(program.line, _program_title(program, report, analysis.done), uri, program)
        for program in report.programs
    ]
    placed: dict[int, dict[str, None]] = {}  # line -> titles, in order, each once
    for view in report.views.values():
        for expr in view.expressions:
            if expr.placement:
                title = f"{expr.name}: {', '.join(expr.placement)}"
                placed.setdefault(expr.span.line, {})[title] = None
    first = report.programs[0] if report.programs else None
    if first is not None:
        lenses += [_lens(line, " · ".join(titles), uri, first) for line, titles in placed.items()]
    if stale:
        for lens in lenses:
            lens.command.title += STALE
    return lenses


def _lens(line: int, title: str, uri: str, program: ProgramReport) -> lsp.CodeLens:
    start = lsp.Position(line=max(line - 1, 0), character=0)
    return lsp.CodeLens(
        range=lsp.Range(start=start, end=start),
        command=lsp.Command(title=title, command=SHOW_LAYERS, arguments=[uri, program.name]),
    )


def _program_title(program: ProgramReport, report: FileReport, done: bool) -> str:
    model = program.model
    errors = [
        d for d in report.diagnostics if d.severity == "error" and d.program in (program.name, None)
    ]
    if model is None:
        if errors:
            return f"✗ {program.name}: not compiled ({errors[0].code})"
        return f"{program.name}: checking…" if not done else f"{program.name}: not compiled"
    shape = (
        f"{counted(model.layers, 'layer')} · {counted(model.heads, 'head')} · "
        f"d_model {model.residual_dim} · {model.params:,} params"
    )
    if errors:
        return f"✗ {program.name}: {shape} · {errors[0].code}"
    if program.verified_inputs:
        mark = "✓" if program.complete else "~"
        return f"{mark} {program.name}: {shape} · {coverage(program)}"
    return f"{program.name}: {shape} · verifying…"

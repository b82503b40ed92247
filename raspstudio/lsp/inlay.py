"""Inlay hints: the running example's value at the end of each line that defines an SOp."""

from lsprotocol import types as lsp

from raspstudio.lsp.analysis import Analysis
from raspstudio.lsp.convert import to_position
from raspstudio.lsp.stale import STALE
from raspstudio.report import ExpressionView

MAX_LABEL = 60


def inlay_hints(
    analysis: Analysis, lines: list[str], visible: lsp.Range, stale: bool = False
) -> list[lsp.InlayHint]:
    """`stale`: the analysis is an earlier version's (stale.py), and each hint says so."""
    outermost: dict[int, ExpressionView] = {}  # per line where an SOp ends: the widest one
    for view in analysis.report.views.values():
        for expr in view.expressions:  # children before parents: parents win ties
            if expr.encoding is None or expr.value is None:
                continue
            line = expr.span.end_line
            if line not in outermost or expr.span.column <= outermost[line].span.column:
                outermost[line] = expr
    hints = []
    for line, expr in sorted(outermost.items()):
        if not visible.start.line <= line - 1 <= visible.end.line or line > len(lines):
            continue
        end = len(lines[line - 1].rstrip("\r\n"))
        label = f"= {expr.value}"
        if len(label) > MAX_LABEL:
            label = label[: MAX_LABEL - 1] + "…"
        tooltip = f"`{expr.name}` on the running example"
        if stale:
            label += STALE
            tooltip += ", in the last version of the file that loaded"
        hints.append(
            lsp.InlayHint(
                position=to_position(lines, line, end + 1),
                label=label,
                padding_left=True,
                tooltip=tooltip,
            )
        )
    return hints

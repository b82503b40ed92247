"""Hover: what a RASP expression is, its value on the running example, and where it compiles."""

import re

from lsprotocol import types as lsp

from raspstudio.lsp.analysis import Analysis
from raspstudio.lsp.convert import contains, from_position, to_range
from raspstudio.report import ExpressionView, ProgramView, Span, format_values


def expression_at(
    analysis: Analysis, lines: list[str], position: lsp.Position
) -> tuple[ProgramView, ExpressionView, Span] | None:
    """What the position points at, and the span to highlight.

    On a name assigned at module level to a RASP expression (`flip` in `flip = ...` or in
    `Aggregate(flip, ...)`), that expression; elsewhere, the innermost expression whose span
    holds the position (the outermost of equal spans).
    """
    line, column = from_position(lines, position)
    named = _assigned_at(analysis, lines, line, column)
    if named is not None:
        return named
    found = None
    for view in analysis.report.views.values():
        for expr in view.expressions:  # children come before their parents
            if contains(expr.span, line, column) and (
                found is None or _size(expr) <= _size(found[1])
            ):
                found = (view, expr)
    if found is not None and (primitive := _primitive_at(found[0], lines, line, column)):
        return found[0], primitive, primitive.span
    return None if found is None else (*found, found[1].span)


_PRIMITIVE = re.compile(r"\brasp\.(tokens|indices)\b")


def _primitive_at(
    view: ProgramView, lines: list[str], line: int, column: int
) -> ExpressionView | None:
    """`rasp.tokens` or `rasp.indices` under the position, as an argument of the operation
    around it. They are shared by every program, so no span records where they are written:
    the text says it, and their value on the example is the example itself, or its indices."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    for match in _PRIMITIVE.finditer(text):
        if match.start() < column <= match.end():
            kind = match.group(1)
            values = view.example if kind == "tokens" else list(range(len(view.example)))
            span = Span(line, match.start() + 1, line, match.end() + 1)
            return ExpressionView(span, kind, kind, "categorical", format_values(values))
    return None


def _assigned_at(
    analysis: Analysis, lines: list[str], line: int, column: int
) -> tuple[ProgramView, ExpressionView, Span] | None:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    word = next(
        (m for m in re.finditer(r"[A-Za-z_]\w*", text) if m.start() < column <= m.end()), None
    )
    if word is None:
        return None
    assignment = re.compile(rf"{re.escape(word.group())}\s*(:[^=]*)?=(?!=)")
    defined = [n for n, t in enumerate(lines, start=1) if assignment.match(t)]
    if not defined:
        return None
    after_name = len(word.group()) + 1
    candidates = [
        (view, expr)
        for view in analysis.report.views.values()
        for expr in view.expressions
        if expr.span.line == defined[-1] and expr.span.column > after_name
    ]
    if not candidates:
        return None
    view, expr = max(candidates, key=lambda found: _size(found[1]))  # the whole right side
    return view, expr, Span(line, word.start() + 1, line, word.end() + 1)


def _size(expr: ExpressionView) -> tuple[int, int]:
    s = expr.span
    return (s.end_line - s.line, s.end_column - s.column if s.end_line == s.line else 0)


def hover(analysis: Analysis, lines: list[str], position: lsp.Position) -> lsp.Hover | None:
    found = expression_at(analysis, lines, position)
    if found is None:
        return None
    view, expr, span = found
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=describe(view, expr)),
        range=to_range(lines, span),
    )


def describe(view: ProgramView, expr: ExpressionView) -> str:
    kind = expr.kind + (f" · {expr.encoding}" if expr.encoding else "")
    parts = [f"**`{expr.name}`** · {kind} · in `{view.name}`"]
    example = " ".join(map(str, view.example))
    origin = {"set": "set with rasp.setExample", "EXAMPLES": "EXAMPLES[0]"}.get(
        view.example_source, "default"
    )
    if expr.value is None:
        parts.append(f"not evaluated on `{example}` ({origin}): an earlier operation failed")
    elif expr.encoding is None:  # a selector: one row per query
        parts.append(f"selects, on `{example}` ({origin}), one row per query:")
        parts.append("```\n" + _labelled(expr.value, view.example) + "\n```")
    else:
        parts.append(f"on `{example}` ({origin}): `{expr.value}`")
    if expr.value_set is not None:
        parts.append(f"value set: `{expr.value_set}`")
    if expr.placement:
        parts.append("compiles to: " + ", ".join(expr.placement))
    elif not view.compiled:
        parts.append("layer: known once the program compiles")
    return "\n\n".join(parts)


def _labelled(matrix: str, example: list) -> str:
    """The 0/1 matrix labelled by position and token, keys as columns and queries as rows:
    a token alone is ambiguous when it repeats (`c c a b`)."""
    tokens = [str(t) for t in example]
    positions = [str(i) for i in range(len(tokens))]
    widths = [max(len(p), len(t)) for p, t in zip(positions, tokens, strict=True)]
    left = len(positions[-1]) + 1 + max(len(t) for t in tokens)  # "12 abc"

    def columns(cells: list[str]) -> str:
        return " ".join(c.rjust(w) for c, w in zip(cells, widths, strict=False))

    rows = [" " * left + " " + columns(positions), " " * left + " " + columns(tokens)]
    for position, token, row in zip(positions, tokens, matrix.splitlines(), strict=False):
        label = f"{position.rjust(len(positions[-1]))} {token}".ljust(left)
        rows.append(f"{label} {columns(row.split())}")
    return "\n".join(rows)

"""How the REPL shows what an input did: each RASP expression on the running example.

An SOp is the example's tokens over its values, column by column; a Selector is its 0/1
attention matrix, one row per query, labelled with the tokens (as tech-srl's RASP REPL shows
them). Pure functions of the worker's plain data, so they are tested without a terminal.
"""

from raspstudio.report import Echo, Outcome
from raspstudio.tokens import format_value


def format_echo(echo: Echo) -> str:
    kind = echo.kind + (f" · {echo.encoding}" if echo.encoding else "")
    heading = "\n".join([f"{echo.name} · {kind}", *(f"  ⚠ {w}" for w in echo.warnings)])
    if echo.error:
        return f"{heading}\n  ✗ {echo.error}"
    if echo.matrix is not None:
        return heading + "\n" + _matrix(echo.matrix, echo.example)
    return heading + "\n" + _rows(["tokens", echo.name], [echo.example, echo.values or []])


def _rows(labels: list[str], rows: list[list]) -> str:
    """Rows of cells under each other, every column as wide as its widest cell."""
    texts = [[format_value(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in texts if i < len(row)) for i in range(len(texts[0]))]
    label_width = max(len(label) for label in labels)
    return "\n".join(
        "  "
        + label.ljust(label_width)
        + "  "
        + "  ".join(t.rjust(w) for t, w in zip(row, widths, strict=False))
        for label, row in zip(labels, texts, strict=True)
    )


def _matrix(matrix: list[list[bool]], example: list) -> str:
    """Keys across, queries down: row q marks the keys query q selects."""
    names = [format_value(t) for t in example]
    width = max(len(n) for n in names)
    header = "  " + " " * width + "  " + " ".join(n.rjust(width) for n in names) + "   ← keys"
    rows = [
        "  " + q.rjust(width) + "  " + " ".join(("1" if s else "·").rjust(width) for s in row)
        for q, row in zip(names, matrix, strict=True)
    ]
    return "\n".join([header, *rows])


def format_outcome(outcome: Outcome) -> str:
    """Printed output first, then each echo, a plain value, or the error."""
    parts = [outcome.printed.rstrip("\n")] if outcome.printed else []
    parts += [format_echo(e) for e in outcome.echoes]
    if outcome.value is not None:
        parts.append(outcome.value)
    if outcome.error:
        parts.append(f"error: {outcome.error}")
    return "\n".join(parts)

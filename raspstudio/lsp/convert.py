"""Engine data to LSP data: spans to ranges, diagnostics to diagnostics.

Engine spans are 1-based lines and columns counted in characters, end column exclusive; LSP
positions are 0-based and count UTF-16 code units (the protocol's default encoding), so a
character outside the Basic Multilingual Plane counts twice. Positions from the client go
the other way.
"""

from typing import Any

from lsprotocol import types as lsp

from raspstudio.codes import code as catalogue
from raspstudio.report import Diagnostic, Span

_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}
_UNNECESSARY = {"RASP607"}  # editors grey these out


def _utf16(line: str, characters: int) -> int:
    return len(line[:characters].encode("utf-16-le")) // 2


def _characters(line: str, utf16_units: int) -> int:
    return len(line.encode("utf-16-le")[: 2 * utf16_units].decode("utf-16-le", errors="ignore"))


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def to_position(lines: list[str], line: int, column: int) -> lsp.Position:
    """A 1-based (line, character column) as an LSP position, clamped to the document."""
    index = max(line - 1, 0)
    text = _line(lines, index)
    return lsp.Position(line=index, character=_utf16(text, min(max(column - 1, 0), len(text))))


def to_range(lines: list[str], span: Span) -> lsp.Range:
    return lsp.Range(
        start=to_position(lines, span.line, span.column),
        end=to_position(lines, span.end_line, span.end_column),
    )


def from_position(lines: list[str], position: lsp.Position) -> tuple[int, int]:
    """An LSP position as a 1-based (line, character column)."""
    return position.line + 1, _characters(_line(lines, position.line), position.character) + 1


def contains(span: Span, line: int, column: int) -> bool:
    """Whether the 1-based (line, column) lies inside `span` (end exclusive)."""
    after_start = (line, column) >= (span.line, span.column)
    return after_start and (line, column) < (span.end_line, span.end_column)


def to_diagnostic(d: Diagnostic, uri: str, lines: list[str]) -> lsp.Diagnostic:
    entry = catalogue(d.code)
    return lsp.Diagnostic(
        range=to_range(lines, d.span),
        message=d.message,
        severity=_SEVERITY[entry.severity],
        code=d.code,
        code_description=lsp.CodeDescription(href=entry.url),
        source="rasp",
        tags=[lsp.DiagnosticTag.Unnecessary] if d.code in _UNNECESSARY else None,
        related_information=[
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(uri=uri, range=to_range(lines, span)), message=note
            )
            for span, note in d.related
        ]
        or None,
    )


def _map_range(lines: list[str], r: lsp.Range, convert: Any) -> lsp.Range:
    def position(p: lsp.Position) -> lsp.Position:
        return lsp.Position(line=p.line, character=convert(_line(lines, p.line), p.character))

    return lsp.Range(start=position(r.start), end=position(r.end))


def range_to_utf16(lines: list[str], r: lsp.Range) -> lsp.Range:
    """A range whose characters are str indices (the text-only features) in UTF-16 units."""
    return _map_range(lines, r, _utf16)


def range_to_characters(lines: list[str], r: lsp.Range) -> lsp.Range:
    """A client's range (UTF-16 units) as str indices, for the text-only features."""
    return _map_range(lines, r, _characters)

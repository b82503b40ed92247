"""Engine data to LSP data: spans to ranges, diagnostics to diagnostics.

Engine spans are 1-based lines and columns counted in characters, end column exclusive; LSP
positions are 0-based and count UTF-16 code units (the protocol's default encoding), so a
character outside the Basic Multilingual Plane counts twice. Positions from the client go
the other way. A span in another file (a helper module the document imports) is converted
with that file's lines, read from disk.
"""

import os
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls import uris

from raspstudio.codes import code as catalogue
from raspstudio.report import Diagnostic, Related, Span

_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
    "hint": lsp.DiagnosticSeverity.Hint,
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
    """The diagnostic as the document `uri` shows it. One located in another file (a helper
    module) is shown at the call in the document that led there, its message prefixed with
    where it is, and its first related location is that place, so the editor can go there.
    Its `data` names that file: a quick fix found at the call would edit the wrong code."""
    entry = catalogue(d.code)
    related = [Related(d.span, "the operation is here", d.path)] if d.path else []
    message = d.message
    if d.path is not None:
        message = f"{_shown(d.path, uri)}:{d.span.line}:{d.span.column}: {message}"
    return lsp.Diagnostic(
        range=to_range(lines, d.anchor),
        message=message,
        severity=_SEVERITY[entry.severity],
        code=d.code,
        code_description=lsp.CodeDescription(href=entry.url),
        source="rasp",
        tags=[lsp.DiagnosticTag.Unnecessary] if d.code in _UNNECESSARY else None,
        related_information=[
            lsp.DiagnosticRelatedInformation(location=_location(r, uri, lines), message=r.message)
            for r in [*related, *d.related]
        ]
        or None,
        data={"located_in": d.path} if d.path else None,
    )


def located_elsewhere(diagnostic: lsp.Diagnostic) -> bool:
    """Whether the diagnostic is shown at a call but located in another file (to_diagnostic)."""
    return isinstance(diagnostic.data, dict) and bool(diagnostic.data.get("located_in"))


def _location(r: Related, uri: str, lines: list[str]) -> lsp.Location:
    if r.path is None:
        return lsp.Location(uri=uri, range=to_range(lines, r.span))
    path = Path(os.path.abspath(r.path))
    return lsp.Location(uri=path.as_uri(), range=to_range(_lines_of(path), r.span))


MAX_READ = 1 << 22  # bytes of another file read to convert its columns


def _lines_of(file: Path) -> list[str]:
    """The lines of a helper module on disk. Its path comes from the worker, so only a regular
    file of modest size is read, never a device or a pipe (no lines: columns become 0)."""
    try:
        if not (file.is_file() and file.stat().st_size <= MAX_READ):
            return []
        return file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _shown(path: str, uri: str) -> str:
    """A path as the document's message names it: relative to the document's folder."""
    document = uris.to_fs_path(uri) if uri.startswith("file:") else None
    return os.path.relpath(path, Path(document).parent) if document else path


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

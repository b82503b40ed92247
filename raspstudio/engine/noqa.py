"""`# noqa` comments: a warning or hint the user has looked at and accepts, on its line.

The syntax is ruff's: `# noqa: RASP605` (or several codes, separated by commas) on the line a
diagnostic starts at silences those codes there, a bare `# noqa` every code. Errors are never
silenced: the file is the party being judged, and a comment in it must not turn a program that
fails into one that looks clean.
"""

import re
from pathlib import Path

from raspstudio.report import Diagnostic

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*))?", re.IGNORECASE)


def silenced_codes(line: str) -> set[str] | None:
    """The codes a line's `# noqa` names: None without one, {"*"} for a bare `# noqa`."""
    match = _NOQA.search(line)
    if match is None:
        return None
    if match["codes"] is None:
        return {"*"}
    return {c.strip().upper() for c in match["codes"].split(",")}


def source_lines(path: str, text: str | None) -> list[str]:
    """The lines of the file at `path` as checked: `text` (an editor's), else what is on disk."""
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
    return text.splitlines()


def without_silenced(diagnostics: list[Diagnostic], lines: list[str]) -> list[Diagnostic]:
    """`diagnostics` less those that `# noqa` comments silence: on the checked file's `lines`,
    or on the line of the helper module a diagnostic is in (read from disk)."""
    others: dict[str, list[str]] = {}
    kept = []
    for d in diagnostics:
        if d.path is not None and d.path not in others:
            others[d.path] = source_lines(d.path, None)
        if not _silenced(d, lines if d.path is None else others[d.path]):
            kept.append(d)
    return kept


def _silenced(d: Diagnostic, lines: list[str]) -> bool:
    if d.severity == "error" or not 1 <= d.span.line <= len(lines):
        return False
    codes = silenced_codes(lines[d.span.line - 1])
    return codes is not None and ("*" in codes or d.code in codes)

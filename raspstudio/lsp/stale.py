"""What lenses and inlay hints show while the text being typed does not load.

Half-typed code is often not valid Python, or names something not yet defined: its analysis
has no programs and no values. Drawing nothing then would make every lens and hint vanish at
each keystroke and the text jump by the lens rows. So they are drawn from the last analysis
of the document that loaded, marked stale, until an analysis that loads replaces it.
"""

from raspstudio.lsp.analysis import Analysis

STALE = " (stale)"  # after a lens title or a hint drawn from an earlier version


def loaded(analysis: Analysis) -> bool:
    """Whether the analysed text loaded: it has programs, or it failed for no load error
    (RASP1xx: syntax, an exception while loading, no vocabulary, no program...)."""
    report = analysis.report
    failed = any(d.code.startswith("RASP1") and d.severity == "error" for d in report.diagnostics)
    return bool(report.programs) or not failed


class LastLoaded:
    """Per document, the latest analysis whose text loaded."""

    def __init__(self) -> None:
        self._kept: dict[str, Analysis] = {}

    def shown(self, uri: str, current: Analysis | None) -> tuple[Analysis | None, bool]:
        """The analysis the views draw from, and whether it is stale (an earlier version's)."""
        if current is None or loaded(current):
            if current is not None:
                self._kept[uri] = current
            return current, False
        kept = self._kept.get(uri)
        return (kept, True) if kept is not None else (current, False)

    def forget(self, uri: str) -> None:
        self._kept.pop(uri, None)

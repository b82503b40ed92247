"""Which diagnostics a document shows while its checks run in stages, so that none flickers.

A check reports after each stage: load, then each program's evaluation, then each program's
verification. Showing a stage's report as the whole truth would wipe what later stages of the
previous version found (a RASP501 would vanish at every keystroke until verification ran
again). So each finding keeps the stage that found it, and a newer version's stage replaces
only that stage's findings. An older finding stays until its stage has run on the newer text,
the newer check has finished, or the lines it points at have changed.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lsprotocol import types as lsp

from raspstudio.report import FileReport

Stage = tuple[str, str | None]  # ("load", None), ("analyze", program) or ("verify", program)


def staged(reports: Iterable[FileReport]) -> Iterator[tuple[Stage, FileReport]]:
    """Each report of `Engine.check_steps` with the stage that produced it.

    The engine loads, evaluates every program in order, then verifies in order the programs
    whose evaluation found no error (a program with an error has its verdict already).
    """
    to_verify: list[str] = []
    for step, report in enumerate(reports):
        names = [p.name for p in report.programs]
        if step == 0:
            yield ("load", None), report
        elif step <= len(names):
            if step == len(names):
                failed = {d.program for d in report.diagnostics if d.severity == "error"}
                to_verify = [name for name in names if name not in failed]
            yield ("analyze", names[step - 1]), report
        else:
            yield ("verify", to_verify.pop(0) if to_verify else None), report


@dataclass(frozen=True)
class Finding:
    stage: Stage
    diagnostic: lsp.Diagnostic
    pointed: tuple[str, ...]  # the document lines it points at, as they were when found


def _pointed(lines: list[str], diagnostic: lsp.Diagnostic) -> tuple[str, ...]:
    return tuple(lines[diagnostic.range.start.line : diagnostic.range.end.line + 1])


def _order(diagnostic: lsp.Diagnostic) -> tuple:
    start = diagnostic.range.start
    return (start.line, start.character, str(diagnostic.code), diagnostic.message)


class DocumentFindings:
    """One document's findings: its newest checked version's, and those carried from before."""

    def __init__(self) -> None:
        self._check: object | None = None
        self._ran: set[Stage] = set()
        self._found: list[Finding] = []
        self._carried: list[Finding] = []

    def add(
        self,
        check: object,
        stage: Stage,
        diagnostics: list[lsp.Diagnostic],
        lines: list[str],
        done: bool,
    ) -> None:
        """The check `check` (of a newer text, or of the same one again) ran `stage`;
        `diagnostics` is all it has found so far, in the `lines` it checked. `done`: no stage
        of it is left to run."""
        if check is not self._check:
            self._carried = self._found + self._still_carried()
            self._check, self._ran, self._found = check, set(), []
        new = list(diagnostics)
        for finding in self._found:
            if finding.diagnostic in new:
                new.remove(finding.diagnostic)
        self._found += [Finding(stage, d, _pointed(lines, d)) for d in new]
        self._ran.add(stage)
        if done:
            self._carried = []

    def shown(self, lines: list[str]) -> list[lsp.Diagnostic]:
        """What the document shows now, its text being `lines`."""
        kept = [f for f in self._still_carried() if f.pointed == _pointed(lines, f.diagnostic)]
        return sorted((f.diagnostic for f in self._found + kept), key=_order)

    def _still_carried(self) -> list[Finding]:
        return [f for f in self._carried if f.stage not in self._ran]

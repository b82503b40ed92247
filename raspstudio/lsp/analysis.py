"""Analysing documents as they are edited: coalesced, in order per document, never older than
shown, and never flickering.

Each edit restarts a short quiet timer for its document; when it expires, the document's latest
text is checked by an engine of the pool (lanes.py: two engines, each with its own worker, so a
document looping until its timeout holds up no other document; its own checks stay in order).
However fast the typing, a check starts at most `MAX_WAIT` after the first edit it has not seen.
The engine yields a report after each stage, and each is published at once, so cheap results
(load, evaluation, validation) appear before verification finishes. A stage replaces only what
the same stage found before (findings.py): a later stage's findings on the previous version
stay until that stage runs again. The document's diagnostics are sent only when they change.

A check is not cancelled because the text moved on: cancelling on every keystroke would mean
no diagnostics at all while typing, and an interrupt that lands in native code costs a worker
restart. It finishes and is published with its own version, unless a newer version's results
are already out; the next check then starts at once. Only a check still running `STALE_LIMIT`
after its text changed (a program looping until the timeout, say) is stopped for the new text.
A save of the text last checked checks nothing.
"""

import asyncio
import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls import uris

from raspstudio.engine.file_requests import Engine
from raspstudio.engine.worker_client import Worker
from raspstudio.lsp.convert import to_diagnostic
from raspstudio.lsp.findings import DocumentFindings, Stage, staged
from raspstudio.lsp.lanes import Lane, Lanes
from raspstudio.report import FileReport
from raspstudio.syntax import syntax_diagnostics

if TYPE_CHECKING:
    from raspstudio.lsp.app import RaspServer

MAX_WAIT = 1.0  # seconds: the longest an edit waits for a check while typing goes on
STALE_LIMIT = 3.0  # seconds a check may run on after its text changed before it is stopped
TAKE_GUARD = 30.0  # seconds; the event loop hands over a text at once unless it is stopping
WHOLE_FILE: Stage = ("load", None)  # the one stage of a file that is not run (not ours, untrusted)


@dataclass
class Analysis:
    """The newest published result for one document version."""

    version: int
    report: FileReport
    diagnostics: list[lsp.Diagnostic]  # what the document shows (findings.py), not only report's
    done: bool  # every stage has run (verification included)
    views_changed: bool = field(default=False, compare=False)


def path_of(uri: str) -> str:
    """The file a document stands for; unsaved documents are treated as in the working folder."""
    path = uris.to_fs_path(uri) if uri.startswith("file:") else None
    return path or str(Path.cwd() / "untitled.py")


class Analyzer:
    def __init__(self, server: "RaspServer"):
        self.server = server
        self.lanes = Lanes(lambda: Engine(Worker(timeout=server.settings.timeout)))
        self.results: dict[str, Analysis] = {}
        self._findings: dict[str, DocumentFindings] = {}
        self._timers: dict[str, asyncio.Task] = {}
        self._published: dict[str, asyncio.Event] = {}
        self._running: dict[str, tuple[Lane, float]] = {}  # uri -> its lane, since when
        self._unchecked: dict[str, float] = {}  # uri -> when its first unchecked edit came
        self._queued: set[str] = set()  # uris with a check waiting for a lane
        self._checked: dict[str, tuple[int, str]] = {}  # uri -> version and text last checked

    @property
    def engines(self) -> list[Engine]:
        return [lane.engine for lane in self.lanes.all]

    async def in_engine(self, fn: Callable[..., Any], *args: Any, uri: str | None = None) -> Any:
        """`fn(engine, *args)` on an engine of the pool (the one checking `uri`, if any)."""
        return await self.lanes.for_document(uri).run(uri, fn, *args)

    async def on_every_engine(self, fn: Callable[[Engine], Any]) -> None:
        """`fn(engine)` on each engine, in its own thread (start or restart the workers)."""
        await asyncio.gather(*(lane.run(None, fn) for lane in self.lanes.all))

    def schedule(self, uri: str, again: bool = False) -> None:
        """Analyse `uri`'s latest text once its edits pause (or MAX_WAIT after the first);
        `again`: even if that version was checked (settings or sibling modules changed)."""
        if again:
            self._checked.pop(uri, None)
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        now = time.monotonic()
        first = self._unchecked.setdefault(uri, now)
        lane, since = self._running.get(uri, (None, now))
        if lane is not None and now - since > STALE_LIMIT:
            lane.engine.worker.cancel()  # stuck on text that is gone: stop it
        quiet = min(self.server.settings.debounce, max(0.0, first + MAX_WAIT - now))
        self._timers[uri] = asyncio.ensure_future(self._after_quiet(uri, quiet))

    def saved(self, uri: str) -> None:
        """A save checks the text again only if it is not the text last checked."""
        document = self.server.workspace.text_documents.get(uri)
        checked = self._checked.get(uri)
        if document is not None and (checked is None or checked[1] != document.source):
            self.schedule(uri)

    def forget(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.results.pop(uri, None)
        self._findings.pop(uri, None)
        self._unchecked.pop(uri, None)
        self._checked.pop(uri, None)

    def version(self, uri: str) -> int | None:
        """The editor's current version of `uri` (None once closed); safe from any thread."""
        document = self.server.workspace.text_documents.get(uri)
        return None if document is None else document.version

    async def wait_for_current(
        self, uri: str, timeout: float, complete: bool = False
    ) -> Analysis | None:
        """The analysis of the current version, waiting up to `timeout` for its first stage
        (or, with `complete`, for its last)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = self.results.get(uri)
            current = found is not None and found.version == self.version(uri)
            if current and (found.done or not complete):
                return found
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return found
            event = self._published.setdefault(uri, asyncio.Event())
            event.clear()
            try:
                await asyncio.wait_for(event.wait(), left)
            except TimeoutError:
                return self.results.get(uri)

    async def _after_quiet(self, uri: str, quiet: float) -> None:
        await asyncio.sleep(quiet)
        if self._timers.get(uri) is asyncio.current_task():
            del self._timers[uri]  # from here on, a new edit schedules a check after this one
        document = self.server.workspace.text_documents.get(uri)
        if document is None or uri in self._queued:
            return  # the check already queued reads the latest text when it starts
        version, text = document.version, document.source
        if not uses_tracr(text):  # any other Python file: not ours to run (and no progress)
            self._unchecked.pop(uri, None)
            self._publish(uri, version, FileReport(path_of(uri)), document.lines, object())
            return
        progress = self.server.progress(f"Checking {Path(path_of(uri)).name}")
        try:
            if not self.server.settings.execute:  # an untrusted workspace: run nothing
                self._unchecked.pop(uri, None)
                found = syntax_diagnostics(text, path_of(uri))
                report = FileReport(path_of(uri), diagnostics=found)
                self._publish(uri, version, report, document.lines, object())
            else:
                self._queued.add(uri)
                await self.in_engine(self._check, uri, progress, uri=uri)
        finally:
            self._queued.discard(uri)
            progress.end()

    def _take(self, uri: str) -> tuple[int, str] | None:
        """Event loop: the latest text of `uri` for the check starting now (None: nothing new)."""
        self._queued.discard(uri)  # edits from now on need a check of their own
        self._unchecked.pop(uri, None)
        document = self.server.workspace.text_documents.get(uri)
        checked = self._checked.get(uri)
        if document is None or (checked is not None and checked[0] == document.version):
            return None
        self._checked[uri] = document.version, document.source
        return document.version, document.source

    def _check(self, engine: Engine, uri: str, progress: Any) -> None:
        """A lane's thread: every stage of the check, each handed to the event loop to publish."""
        loop = self.server.loop
        settings = self.server.settings
        taken = asyncio.run_coroutine_threadsafe(_call(self._take, uri), loop).result(TAKE_GUARD)
        if taken is None:
            return
        version, text = taken
        lines, check = text.splitlines(True), object()
        lane = next(lane for lane in self.lanes.all if lane.engine is engine)
        self._running[uri] = lane, time.monotonic()
        try:
            steps = engine.check_steps(
                path_of(uri), text, settings.overrides(), self.server.example_for(uri), views=True
            )
            for step, (stage, report) in enumerate(staged(steps)):
                if self.version(uri) is None:
                    return  # closed
                snapshot = copy.deepcopy(report)
                done = step == 2 * len(report.programs)
                publish = (uri, version, snapshot, lines, check, stage, done)
                loop.call_soon_threadsafe(self._publish, *publish)
                loop.call_soon_threadsafe(progress.report, _stage(step, report))
            loop.call_soon_threadsafe(self._finish, uri, version, lines, check)
        finally:
            self._running.pop(uri, None)

    def _publish(
        self,
        uri: str,
        version: int,
        report: FileReport,
        lines: list[str],
        check: object,
        stage: Stage = WHOLE_FILE,
        done: bool = True,
    ) -> None:
        """Event loop: the report of the check `check` of `version` after `stage`, checked in
        `lines`."""
        document = self.server.workspace.text_documents.get(uri)
        previous = self.results.get(uri)
        if document is None or (previous is not None and previous.version > version):
            return
        found = [to_diagnostic(d, uri, lines) for d in report.diagnostics]
        findings = self._findings.setdefault(uri, DocumentFindings())
        findings.add(check, stage, found, lines, done)
        self._show(uri, version, report, done, findings.shown(document.lines))

    def _finish(self, uri: str, version: int, lines: list[str], check: object) -> None:
        """A run that ended early (a program failed) is complete all the same."""
        found = self.results.get(uri)
        findings = self._findings.get(uri)
        document = self.server.workspace.text_documents.get(uri)
        if document is None or findings is None or found is None:
            return  # closed
        if found.version != version or found.done:
            return
        findings.add(check, WHOLE_FILE, [], lines, done=True)
        self._show(uri, version, found.report, True, findings.shown(document.lines))
        self.server.refresh_views()

    def _show(
        self, uri: str, version: int, report: FileReport, done: bool, shown: list[lsp.Diagnostic]
    ) -> None:
        """Record the analysis; send its diagnostics if they changed, and ask for views again
        if what they draw from changed."""
        previous = self.results.get(uri)
        views_changed = previous is None or previous.report.views != report.views
        self.results[uri] = Analysis(version, report, shown, done, views_changed)
        if previous is None or previous.diagnostics != shown:
            self.server.show_diagnostics(uri, version, shown)
        if views_changed or (previous and previous.report.programs != report.programs):
            self.server.refresh_views()
        self._published.setdefault(uri, asyncio.Event()).set()


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def uses_tracr(text: str) -> bool:
    """Whether the text imports tracr: program files do; other Python files are left alone."""
    return re.search(r"^\s*(from|import)\s+tracr\b", text, re.MULTILINE) is not None


def _stage(step: int, report: FileReport) -> str:
    programs = len(report.programs)
    if step == 0:
        return "loaded"
    if step <= programs:
        return f"evaluated {step}/{programs}"
    return f"verified {step - programs}/{programs}"

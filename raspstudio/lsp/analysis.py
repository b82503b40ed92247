"""Analysing documents as they are edited: coalesced, one at a time, never older than shown.

Each edit restarts a short quiet timer for its document; when it expires, the document's latest
text is checked by the engine in the one engine thread (the worker serves one file at a time).
However fast the typing, a check starts at most `MAX_WAIT` after the first edit it has not seen.
The engine yields a report after each stage, and each is published at once, so cheap results
(load, evaluation, validation) appear before verification finishes.

A check is not cancelled because the text moved on: cancelling on every keystroke would mean
no diagnostics at all while typing, and an interrupt that lands in native code costs a worker
restart. It finishes and is published with its own version, unless a newer version's results
are already out; the next check then starts at once. Only a check still running `STALE_LIMIT`
after its text changed (a program looping until the timeout, say) is stopped for the new text.
"""

import asyncio
import copy
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls import uris

from raspstudio.lsp.convert import to_diagnostic
from raspstudio.report import FileReport
from raspstudio.syntax import syntax_diagnostics

if TYPE_CHECKING:
    from raspstudio.lsp.app import RaspServer

MAX_WAIT = 1.0  # seconds: the longest an edit waits for a check while typing goes on
STALE_LIMIT = 3.0  # seconds a check may run on after its text changed before it is stopped
TAKE_GUARD = 30.0  # seconds; the event loop hands over a text at once unless it is stopping


@dataclass
class Analysis:
    """The newest published result for one document version."""

    version: int
    report: FileReport
    diagnostics: list[lsp.Diagnostic]
    done: bool  # every stage has run (verification included)
    views_changed: bool = field(default=False, compare=False)


def path_of(uri: str) -> str:
    """The file a document stands for; unsaved documents are treated as in the working folder."""
    path = uris.to_fs_path(uri) if uri.startswith("file:") else None
    return path or str(Path.cwd() / "untitled.py")


class Analyzer:
    def __init__(self, server: "RaspServer"):
        self.server = server
        self.engine_thread = ThreadPoolExecutor(1, thread_name_prefix="rasp-engine")
        self.results: dict[str, Analysis] = {}
        self._timers: dict[str, asyncio.Task] = {}
        self._published: dict[str, asyncio.Event] = {}
        self._running: str | None = None  # the uri the engine thread is checking
        self._running_since = 0.0  # when that check started (time.monotonic)
        self._unchecked: dict[str, float] = {}  # uri -> when its first unchecked edit came
        self._queued: set[str] = set()  # uris with a check waiting for the engine thread
        self._checked: dict[str, int] = {}  # uri -> the last version a check started on
        self._job: object | None = None  # the in_engine call the engine thread is running

    async def in_engine(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn` in the engine thread, after whatever is queued there.

        Cancelling the awaiting task (a client's `$/cancelRequest`) drops `fn` if it has not
        started, and stops its worker request if it has.
        """
        job = object()

        def run() -> Any:
            self._job = job
            try:
                return fn(*args)
            finally:
                self._job = None

        try:
            return await asyncio.get_running_loop().run_in_executor(self.engine_thread, run)
        except asyncio.CancelledError:
            if self._job is job:
                self.server.engine.worker.cancel()
            raise

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
        if self._running == uri and now - self._running_since > STALE_LIMIT:
            self.server.engine.worker.cancel()  # stuck on text that is gone: stop it
        quiet = min(self.server.settings.debounce, max(0.0, first + MAX_WAIT - now))
        self._timers[uri] = asyncio.ensure_future(self._after_quiet(uri, quiet))

    def forget(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.results.pop(uri, None)
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
        progress = self.server.progress(f"Checking {Path(path_of(uri)).name}")
        try:
            if not uses_tracr(text):  # any other Python file: not ours to run
                self._unchecked.pop(uri, None)
                self._publish(uri, version, FileReport(path_of(uri)), True)
            elif not self.server.settings.execute:  # an untrusted workspace: run nothing
                self._unchecked.pop(uri, None)
                found = syntax_diagnostics(text, path_of(uri))
                self._publish(uri, version, FileReport(path_of(uri), diagnostics=found), True)
            else:
                self._queued.add(uri)
                await self.in_engine(self._check, uri, progress)
        finally:
            self._queued.discard(uri)
            progress.end()

    def _take(self, uri: str) -> tuple[int, str] | None:
        """Event loop: the latest text of `uri` for the check starting now (None: nothing new)."""
        self._queued.discard(uri)  # edits from now on need a check of their own
        self._unchecked.pop(uri, None)
        document = self.server.workspace.text_documents.get(uri)
        if document is None or self._checked.get(uri) == document.version:
            return None
        self._checked[uri] = document.version
        return document.version, document.source

    def _check(self, uri: str, progress: Any) -> None:
        """Engine thread: every stage of the check, each handed to the event loop to publish."""
        loop = self.server.loop
        settings, engine = self.server.settings, self.server.engine
        taken = asyncio.run_coroutine_threadsafe(_call(self._take, uri), loop).result(TAKE_GUARD)
        if taken is None:
            return
        version, text = taken
        self._running, self._running_since = uri, time.monotonic()
        try:
            steps = engine.check_steps(
                path_of(uri),
                text,
                settings.overrides(),
                self.server.example_for(uri),
                views=True,
            )
            for step, report in enumerate(steps):
                if self.version(uri) is None:
                    return  # closed
                snapshot = copy.deepcopy(report)
                done = step == 2 * len(report.programs)
                loop.call_soon_threadsafe(self._publish, uri, version, snapshot, done)
                loop.call_soon_threadsafe(progress.report, _stage(step, report))
            loop.call_soon_threadsafe(self._finish, uri, version)
        finally:
            self._running = None

    def _publish(self, uri: str, version: int, report: FileReport, done: bool = False) -> None:
        document = self.server.workspace.text_documents.get(uri)
        previous = self.results.get(uri)
        if document is None or (previous is not None and previous.version > version):
            return
        diagnostics = [to_diagnostic(d, uri, document.lines) for d in report.diagnostics]
        views_changed = previous is None or previous.report.views != report.views
        self.results[uri] = Analysis(version, report, diagnostics, done, views_changed)
        self.server.show_diagnostics(uri, version, diagnostics)
        if views_changed or (previous and previous.report.programs != report.programs):
            self.server.refresh_views()
        self._published.setdefault(uri, asyncio.Event()).set()

    def _finish(self, uri: str, version: int) -> None:
        """A run that ended early (a program failed) is complete all the same."""
        found = self.results.get(uri)
        if found is not None and found.version == version and not found.done:
            found.done = True
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

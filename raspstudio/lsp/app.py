"""The RASP language server (`rasp serve`): thin LSP handlers over the engine.

Every handler reads the document, asks the analysis (analysis.py) or a pure feature
module, and converts to lsprotocol types. User code never runs in this process: the engine
sends it to the worker (`raspstudio.engine`).
"""

import asyncio
import copy
import os
import sys
import threading
import uuid
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from raspstudio.lsp import (
    actions,
    commands,
    completion,
    framing,
    hover,
    inlay,
    lenses,
    stale,
    symbols,
)
from raspstudio.lsp.analysis import Analyzer, uses_tracr
from raspstudio.lsp.convert import (
    from_position,
    located_elsewhere,
    range_to_characters,
    range_to_utf16,
)
from raspstudio.lsp.settings import Settings, parse_settings
from raspstudio.scratch import private_folder, replace_file

PULL_WAIT = 5.0  # seconds, beyond three worker timeouts, a pull may wait for a whole check


class Progress:
    """`$/progress` for one piece of work, when the client accepts it; silent otherwise."""

    def __init__(self, server: "RaspServer", title: str):
        self.server = server
        self.token = f"rasp-{uuid.uuid4()}"
        self.started: asyncio.Future | None = None
        capabilities = server.client_capabilities.window
        if capabilities is not None and capabilities.work_done_progress:
            self.started = asyncio.ensure_future(self._begin(title))

    async def _begin(self, title: str) -> None:
        await self.server.work_done_progress.create_async(self.token)
        self.server.work_done_progress.begin(self.token, lsp.WorkDoneProgressBegin(title=title))

    def _when_started(self, send: Any) -> None:
        if self.started is None:
            return
        self.started.add_done_callback(
            lambda f: send() if not f.cancelled() and f.exception() is None else None
        )

    def report(self, message: str) -> None:
        progress = self.server.work_done_progress
        self._when_started(
            lambda: progress.report(self.token, lsp.WorkDoneProgressReport(message=message))
        )

    def end(self) -> None:
        progress = self.server.work_done_progress
        self._when_started(lambda: progress.end(self.token, lsp.WorkDoneProgressEnd()))


class RaspProtocol(LanguageServerProtocol):
    """pygls's protocol, with `$/cancelRequest` reaching the command it cancels, and an answer
    to every request whose params do not fit its method.

    pygls runs `workspace/executeCommand` as a built-in that awaits the command in a task of
    its own: cancelling the request answers the client but leaves that task (and the user's
    code in the worker) running. Commands register their task here under the request's id.
    A request pygls cannot deserialize is logged and dropped by pygls, so a client would wait
    for ever; here it gets JSON-RPC's -32602 (invalid params) instead.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.commands: dict[Any, asyncio.Task] = {}

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except (JsonRpcInvalidParams, JsonRpcInternalError) as error:
            if "id" in data and "method" in data:
                invalid = JsonRpcInvalidParams(f"invalid params for {data['method']}")
                self._send_response(data["id"], error=invalid.to_response_error())
            raise error

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        # A cancel for a request already answered is an everyday race (VS Code cancels stale
        # diagnostic pulls): pygls would log a warning for each, filling the client's log.
        if msg_id in self._request_futures:
            super()._handle_cancel_notification(msg_id)
        task = self.commands.pop(msg_id, None)
        if task is not None:
            task.cancel()


class RaspServer(LanguageServer):
    protocol: RaspProtocol

    def __init__(self) -> None:
        super().__init__("rasp-studio", "0.1.0", protocol_cls=RaspProtocol)
        self.settings = Settings()
        self.analyzer = Analyzer(self)
        self.last_loaded = stale.LastLoaded()  # lenses and hints while the text does not load
        self.loop: asyncio.AbstractEventLoop | None = None
        self.examples: dict[str | None, list] = {}  # by uri; None: for every document
        self.warming: asyncio.Future | None = None  # the worker's start-up, begun at initialize

    def start_io(self, stdin: Any, stdout: Any) -> None:
        """pygls's stdio loop, with our reader (framing.py), which survives framing errors."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout))
        on_error = lambda error: self.report_server_error(error, JsonRpcException)
        try:
            asyncio.run(framing.read_messages(stdin, self.protocol, self._stop_event, on_error))
        except BrokenPipeError:
            pass  # the client is gone
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    # -- what handlers share -------------------------------------------------------------------

    def text_of(self, uri: str) -> str | None:
        """The editor's text of an open document (unsaved edits included); None: read the file."""
        document = self.workspace.text_documents.get(uri)
        return None if document is None else document.source

    def example_for(self, uri: str) -> list | None:
        return self.examples.get(uri, self.examples.get(None))

    def set_example(self, uri: str | None, tokens: list) -> None:
        self.examples[uri] = tokens
        self.reanalyze_all()

    async def show_report(self, name: str, markdown: str) -> str | None:
        """Open a read-only report beside the user's files, where the client can show documents.

        The report is written to a private folder of the user's (scratch.py), never into the
        workspace.
        Returns its URI, or None when the client cannot open documents on request.
        """
        window = self.client_capabilities.window
        if window is None or window.show_document is None or not window.show_document.support:
            return None
        path = private_folder("reports") / f"{name}-layers.md"
        replace_file(path, markdown)
        await self.window_show_document_async(
            lsp.ShowDocumentParams(uri=path.as_uri(), external=False, take_focus=False)
        )
        return path.as_uri()

    def progress(self, title: str) -> Progress:
        return Progress(self, title)

    def apply_settings(self, options: Any) -> None:
        self.settings = parse_settings(options, self.settings)
        for engine in self.analyzer.engines:
            engine.defaults = self.settings.defaults()
            engine.worker.timeout = self.settings.timeout
        for problem in self.settings.problems:
            self.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=problem)
            )

    def reanalyze_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.analyzer.schedule(uri, again=True)

    @property
    def pulls_diagnostics(self) -> bool:
        """Clients that pull diagnostics get them only that way (pushing too would show twice)."""
        text_document = self.client_capabilities.text_document
        return text_document is not None and text_document.diagnostic is not None

    def show_diagnostics(self, uri: str, version: int, diagnostics: list[lsp.Diagnostic]) -> None:
        if not self.pulls_diagnostics:
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
            )
            return
        if self.refreshes_diagnostics:
            self.workspace_diagnostic_refresh(None)

    @property
    def refreshes_diagnostics(self) -> bool:
        """Whether the client pulls again when told to (`workspace/diagnostic/refresh`)."""
        workspace = self.client_capabilities.workspace
        return bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)

    def refresh_views(self) -> None:
        """Ask the client to fetch lenses and inlay hints again, where it supports that."""
        workspace = self.client_capabilities.workspace
        if workspace is None:
            return
        if workspace.code_lens and workspace.code_lens.refresh_support:
            self.workspace_code_lens_refresh(None)
        if workspace.inlay_hint and workspace.inlay_hint.refresh_support:
            self.workspace_inlay_hint_refresh(None)


server = RaspServer()


def _lines(uri: str) -> list[str]:
    document = server.workspace.text_documents.get(uri)
    return document.lines if document is not None else []


def _current(uri: str) -> Any:
    return server.analyzer.results.get(uri)


# -- lifecycle and settings ----------------------------------------------------------------------


@server.feature(lsp.INITIALIZE)
def initialize(ls: RaspServer, params: lsp.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    ls.apply_settings(params.initialization_options)


@server.feature(lsp.INITIALIZED)
def initialized(ls: RaspServer, params: lsp.InitializedParams) -> None:
    if ls.settings.execute:  # start the worker (tracr import) while the user opens files
        warm = lambda engine: engine.worker.ensure_started()
        ls.warming = asyncio.ensure_future(ls.analyzer.on_every_engine(warm))


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: RaspServer, params: lsp.DidChangeConfigurationParams
) -> None:
    options = params.settings
    workspace = ls.client_capabilities.workspace
    if not options and workspace is not None and workspace.configuration:
        items = [lsp.ConfigurationItem(section="rasp")]
        (options,) = await ls.workspace_configuration_async(lsp.ConfigurationParams(items=items))
    ls.apply_settings(options)
    ls.reanalyze_all()


@server.feature(lsp.SHUTDOWN)
def shutdown(ls: RaspServer, params: None) -> None:
    for engine in ls.analyzer.engines:
        engine.close()


# -- documents -------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: RaspServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.analyzer.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: RaspServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.analyzer.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: RaspServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.analyzer.saved(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: RaspServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.analyzer.forget(uri)
    ls.last_loaded.forget(uri)
    if not ls.pulls_diagnostics:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    lsp.TEXT_DOCUMENT_DIAGNOSTIC,
    lsp.DiagnosticOptions(
        identifier="rasp", inter_file_dependencies=True, workspace_diagnostics=False
    ),
)
async def pull_diagnostics(
    ls: RaspServer, params: lsp.DocumentDiagnosticParams
) -> lsp.RelatedFullDocumentDiagnosticReport:
    """A client that can be told to pull again gets what the document shows now, at once, and
    a refresh whenever that changes: holding its pull open would get it cancelled by the next
    keystroke, and vscode-languageclient 9.0.1 clears the document's diagnostics when it
    cancels a pull (vscode-languageserver-node #1471). A client that cannot be told waits for
    the whole check of the current version, verification included."""
    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:
        return lsp.RelatedFullDocumentDiagnosticReport(items=[])  # nothing to wait for
    if ls.refreshes_diagnostics:
        found = ls.analyzer.results.get(uri)
    else:
        timeout = PULL_WAIT + 3 * ls.settings.timeout
        found = await ls.analyzer.wait_for_current(uri, timeout, complete=True)
    return lsp.RelatedFullDocumentDiagnosticReport(
        items=found.diagnostics if found else [],
        result_id=None if found is None else f"{found.version}:{len(found.diagnostics)}",
    )


# -- features over the latest analysis ---------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def on_hover(ls: RaspServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    found = _current(uri)
    return hover.hover(found, _lines(uri), params.position) if found else None


@server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
def on_code_lens(ls: RaspServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
    uri = params.text_document.uri
    found, is_stale = ls.last_loaded.shown(uri, _current(uri))
    return lenses.code_lenses(found, uri, is_stale) if found else []


@server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
def on_inlay_hint(ls: RaspServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    uri = params.text_document.uri
    found, is_stale = ls.last_loaded.shown(uri, _current(uri))
    return inlay.inlay_hints(found, _lines(uri), params.range, is_stale) if found else []


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def on_code_action(ls: RaspServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    text, lines = ls.text_of(uri), _lines(uri)
    ours = [_with_range(d, range_to_characters(lines, d.range)) for d in params.context.diagnostics]
    ours = [d for d in ours if d.source == "rasp" and not located_elsewhere(d)]
    if text is None or not ours:
        return []
    fixes = actions.quick_fixes(text, uri, ours)
    for fix in fixes:
        for edits in (fix.edit.changes or {}).values() if fix.edit else []:
            for edit in edits:
                edit.range = range_to_utf16(lines, edit.range)
    return fixes


# -- editing help from the text alone (no analysis needed) --------------------------------------


def _at(uri: str, position: lsp.Position) -> tuple[str, int, int] | None:
    document = server.workspace.text_documents.get(uri)
    if document is None:
        return None
    lines = document.lines
    line = position.line
    if line >= len(lines):
        return document.source, line, 0
    return document.source, line, from_position(lines, position)[1] - 1


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", "("]))
def on_completion(ls: RaspServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    at = _at(params.text_document.uri, params.position)
    items = completion.completions(*at) if at else []
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(
    lsp.TEXT_DOCUMENT_SIGNATURE_HELP, lsp.SignatureHelpOptions(trigger_characters=["(", ","])
)
def on_signature_help(ls: RaspServer, params: lsp.SignatureHelpParams) -> lsp.SignatureHelp | None:
    at = _at(params.text_document.uri, params.position)
    return completion.signature_help(*at) if at else None


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def on_document_symbol(
    ls: RaspServer, params: lsp.DocumentSymbolParams
) -> list[lsp.DocumentSymbol]:
    """Program files only, parsed off the event loop (a huge file takes seconds to parse)."""
    text = ls.text_of(params.text_document.uri)
    if text is None or not uses_tracr(text):
        return []
    found = await asyncio.to_thread(symbols.document_symbols, text)
    _symbols_to_utf16(_lines(params.text_document.uri), found)
    return found


def _with_range(diagnostic: lsp.Diagnostic, new_range: lsp.Range) -> lsp.Diagnostic:
    changed = copy.copy(diagnostic)
    changed.range = new_range
    return changed


def _symbols_to_utf16(lines: list[str], found: list[lsp.DocumentSymbol]) -> None:
    for symbol in found:
        symbol.range = range_to_utf16(lines, symbol.range)
        symbol.selection_range = range_to_utf16(lines, symbol.selection_range)
        _symbols_to_utf16(lines, symbol.children or [])


# -- commands ------------------------------------------------------------------------------------


def _register(command_id: str, handler: Any) -> None:
    async def run(ls: RaspServer, *args: Any) -> Any:
        request = ls.protocol.msg_id
        ls.protocol.commands[request] = asyncio.current_task()
        try:
            return await handler(ls, *args)
        except commands.ERRORS as e:
            ls.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Error, message=str(e))
            )
            raise
        finally:
            ls.protocol.commands.pop(request, None)

    run.__name__ = handler.__name__
    server.command(command_id)(run)


for _id, _handler in commands.COMMANDS.items():
    _register(_id, _handler)


def serve() -> None:
    """Serve LSP on stdin/stdout. Stray writes to stdout (from any library) go to stderr instead."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    server.start_io(sys.stdin.buffer, channel)

"""`rasp.server.generateFromSpec`: draft a program with an LLM, verified by the engine.

Drafting takes minutes with a real model, so it runs on a thread of its own with a worker of
its own: diagnostics keep flowing while it works. Progress goes to `$/progress`; a
`$/cancelRequest` stops it between steps. The draft reaches the user only through the client:
inserted at the cursor by a `workspace/applyEdit` the editor applies (and can undo), or opened
as a new document from the server's scratch folder, never written into the workspace.
"""

import asyncio
import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types as lsp

from raspstudio.drafting.data import DraftRequest, DraftResult, DraftSettings, Example
from raspstudio.drafting.llm import Endpoint
from raspstudio.drafting.loop import DraftCancelled, draft, scratch_file
from raspstudio.engine.file_requests import Engine
from raspstudio.engine.worker_client import Worker
from raspstudio.lsp.settings import parse_positive_int, parse_vocab

if TYPE_CHECKING:
    from raspstudio.lsp.app import RaspServer

GENERATE_FROM_SPEC = "rasp.server.generateFromSpec"
T = TypeVar("T")


class GenerateError(ValueError):
    """Bad arguments; shown to the user."""


def parse_arguments(args: tuple) -> tuple[DraftRequest, dict]:
    """The request, and the options saying where the result should go.

    Arguments: `(spec, examples?)`, or one object with `spec` and optionally `examples`,
    `vocab`, `maxSeqLen`, `samples`, `rounds`, and `uri` + `position` (insert there) or
    `open: false` (only return the draft, with no message either: the VS Code extension opens
    it and reports the outcome itself).
    """
    options: dict = {}
    if args and isinstance(args[0], dict):
        options = args[0]
    elif args and isinstance(args[0], str):
        options = {"spec": args[0], "examples": args[1] if len(args) > 1 else []}
    spec = options.get("spec")
    if not isinstance(spec, str) or not spec.strip():
        raise GenerateError("generateFromSpec needs a spec: what the program computes, in words")
    examples = options.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise GenerateError('examples must be a list of strings like "1 2 3 -> 3 2 1"')
    try:
        request = DraftRequest(
            spec=spec.strip(),
            examples=[Example.parse(e) for e in examples],
            vocab=_optional(options, "vocab", lambda v: list(parse_vocab(v))),
            max_seq_len=_optional(options, "maxSeqLen", parse_positive_int),
        )
    except ValueError as e:
        raise GenerateError(str(e)) from None
    if options.get("uri") is not None or options.get("position") is not None:
        _where(options.get("uri"), options.get("position"))  # checked before drafting starts
    return request, options


def _optional(options: dict, key: str, parse: Any) -> Any:
    value = options.get(key)
    if value is None or value == "" or value == []:
        return None
    try:
        return parse(value)
    except (ValueError, TypeError) as e:
        raise GenerateError(f"{key} must be {e}; got {value!r}") from None


def _where(uri: Any, position: Any) -> lsp.Position:
    """Where to insert: a document URI and an LSP position (line and UTF-16 character)."""
    numbers = isinstance(position, dict) and [position.get("line"), position.get("character")]
    if (
        not isinstance(uri, str)
        or not numbers
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers)
    ):
        raise GenerateError(
            "to insert the draft, give uri (a document URI) and position "
            f'{{"line": N, "character": N}}; got uri {uri!r}, position {position!r}'
        )
    return lsp.Position(line=position["line"], character=position["character"])


async def generate_from_spec(server: "RaspServer", *args: Any) -> dict:
    if not server.settings.execute:
        raise GenerateError(
            "rasp runs no code in this workspace (`execute` is false: an untrusted workspace), "
            "and a draft must run to be verified"
        )
    request, options = parse_arguments(args)
    settings = server.settings
    endpoint = Endpoint.configure(base_url=settings.llm_base_url, model=settings.llm_model)
    progress = server.progress("Drafting from spec")
    stop = threading.Event()
    engine = Engine(Worker(timeout=settings.timeout))
    loop = asyncio.get_running_loop()

    def say(message: str) -> None:
        if not stop.is_set():  # a cancelled draft's progress has ended
            _soon(loop, progress.report, message)

    def run() -> DraftResult | None:
        try:
            return draft(request, endpoint, engine, _settings(options), say, stop.is_set)
        except DraftCancelled:
            return None
        finally:
            engine.close()  # here, so no later step of a cancelled draft starts a new worker

    try:
        result = await _on_own_thread(loop, run)
    except asyncio.CancelledError:
        stop.set()
        engine.worker.cancel()
        raise
    finally:
        progress.end()
    if result is None:  # cancelled between our check and the thread's
        raise asyncio.CancelledError
    return await _deliver(server, result, options)


async def _on_own_thread(loop: asyncio.AbstractEventLoop, run: Callable[[], T]) -> T:
    """`run()` on a daemon thread of its own. Not the loop's executor: Python waits for its
    threads at exit, so a cancelled draft still waiting for the model's reply (minutes, with a
    real model) would keep the server from exiting until then."""
    future: asyncio.Future = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if future.done():  # the request was cancelled meanwhile
            return
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)

    def target() -> None:
        try:
            value = run()
        except BaseException as e:  # noqa: BLE001 - handed to the awaiting request
            _soon(loop, settle, None, e)
        else:
            _soon(loop, settle, value, None)

    threading.Thread(target=target, name="rasp-draft", daemon=True).start()
    return await future


def _soon(loop: asyncio.AbstractEventLoop, callback: Callable[..., Any], *args: Any) -> None:
    """`callback(*args)` on the server's loop, from the drafting thread; dropped once the loop
    has closed (the server is exiting)."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback, *args)


def _settings(options: dict) -> DraftSettings:
    defaults = DraftSettings()
    samples, rounds = options.get("samples"), options.get("rounds")
    return DraftSettings(
        samples=samples if isinstance(samples, int) and samples > 0 else defaults.samples,
        rounds=rounds if isinstance(rounds, int) and rounds >= 0 else defaults.rounds,
    )


async def _deliver(server: "RaspServer", result: DraftResult, options: dict) -> dict:
    answer = result.to_json()
    if options.get("open", True):  # with open=false the client shows the outcome itself
        kind = lsp.MessageType.Info if result.status == "verified" else lsp.MessageType.Warning
        server.window_show_message(lsp.ShowMessageParams(type=kind, message=result.message))
    source, name = result.source, options.get("spec", "draft")
    if source is None and result.closest is not None:
        source = Path(result.closest).read_text(encoding="utf-8")
        answer["closest_source"] = source
        name = f"{Path(result.closest).stem} start"  # a copy to start from, not a draft
    if source is None:
        return answer
    uri, position = options.get("uri"), options.get("position")
    if uri is not None and result.source is not None:  # both checked by parse_arguments
        answer["applied"] = await _insert(server, uri, _where(uri, position), result.source)
    elif options.get("open", True):
        answer["uri"] = await _open(server, name, source)
    return answer


async def _insert(server: "RaspServer", uri: str, where: lsp.Position, text: str) -> bool:
    """Ask the client to insert the draft at `where` (UTF-16, as the client sent it)."""
    insert = lsp.TextEdit(range=lsp.Range(start=where, end=where), new_text=text)
    edit = lsp.WorkspaceEdit(changes={uri: [insert]})
    reply = await server.workspace_apply_edit_async(
        lsp.ApplyWorkspaceEditParams(edit=edit, label="RASP: draft from spec")
    )
    return bool(reply and reply.applied)


async def _open(server: "RaspServer", name: str, source: str) -> str | None:
    window = server.client_capabilities.window
    if window is None or window.show_document is None or not window.show_document.support:
        return None
    path = scratch_file(name, source)
    await server.window_show_document_async(
        lsp.ShowDocumentParams(uri=path.as_uri(), external=False, take_focus=True)
    )
    return path.as_uri()

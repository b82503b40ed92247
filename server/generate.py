"""`rasp.server.generateFromSpec`: draft a program with an LLM, verified by the engine.

Drafting takes minutes with a real model, so it runs on a thread of its own with a worker of
its own: diagnostics keep flowing while it works. Progress goes to `$/progress`; a
`$/cancelRequest` stops it between steps. The draft reaches the user only through the client:
inserted at the cursor by a `workspace/applyEdit` the editor applies (and can undo), or opened
as a new document from the server's scratch folder, never written into the workspace.
"""

import asyncio
import re
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from raspstudio.draft import DraftCancelled, draft
from raspstudio.draft_data import DraftRequest, DraftResult, DraftSettings, Example
from raspstudio.draft_llm import Endpoint
from raspstudio.engine import Engine
from raspstudio.inputs import parse_tokens
from raspstudio.worker import Worker

if TYPE_CHECKING:
    from server.app import RaspServer

GENERATE_FROM_SPEC = "rasp.server.generateFromSpec"
DRAFTS = Path(tempfile.gettempdir()) / "rasp-studio" / "drafts"  # drafts opened as documents


class GenerateError(ValueError):
    """Bad arguments; shown to the user."""


def parse_arguments(args: tuple) -> tuple[DraftRequest, dict]:
    """The request, and the options saying where the result should go.

    Arguments: `(spec, examples?)`, or one object with `spec` and optionally `examples`,
    `vocab`, `maxSeqLen`, `samples`, `rounds`, and `uri` + `position` (insert there) or
    `open: false` (only return the draft; the VS Code extension opens it itself).
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
    vocab = options.get("vocab")
    try:
        request = DraftRequest(
            spec=spec.strip(),
            examples=[Example.parse(e) for e in examples],
            vocab=(parse_tokens(vocab) if isinstance(vocab, str) else vocab) or None,
            max_seq_len=options.get("maxSeqLen"),
        )
    except ValueError as e:
        raise GenerateError(str(e)) from None
    return request, options


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
        loop.call_soon_threadsafe(progress.report, message)

    def run() -> DraftResult | None:
        try:
            return draft(request, endpoint, engine, _settings(options), say, stop.is_set)
        except DraftCancelled:
            return None
        finally:
            engine.close()  # here, so no later step of a cancelled draft starts a new worker

    try:
        result = await loop.run_in_executor(None, run)
    except asyncio.CancelledError:
        stop.set()
        engine.worker.cancel()
        raise
    finally:
        progress.end()
    if result is None:  # cancelled between our check and the thread's
        raise asyncio.CancelledError
    return await _deliver(server, result, options)


def _settings(options: dict) -> DraftSettings:
    defaults = DraftSettings()
    samples, rounds = options.get("samples"), options.get("rounds")
    return DraftSettings(
        samples=samples if isinstance(samples, int) and samples > 0 else defaults.samples,
        rounds=rounds if isinstance(rounds, int) and rounds >= 0 else defaults.rounds,
    )


async def _deliver(server: "RaspServer", result: DraftResult, options: dict) -> dict:
    answer = result.to_json()
    kind = lsp.MessageType.Info if result.status == "verified" else lsp.MessageType.Warning
    server.window_show_message(lsp.ShowMessageParams(type=kind, message=result.message))
    source = result.source
    if source is None and result.closest is not None:
        source = Path(result.closest).read_text(encoding="utf-8")
        answer["closest_source"] = source
    if source is None:
        return answer
    uri, position = options.get("uri"), options.get("position")
    if isinstance(uri, str) and isinstance(position, dict) and result.source is not None:
        answer["applied"] = await _insert(server, uri, position, result.source)
    elif options.get("open", True):
        answer["uri"] = await _open(server, options.get("spec", "draft"), source)
    return answer


async def _insert(server: "RaspServer", uri: str, position: dict, text: str) -> bool:
    """Ask the client to insert the draft at `position` (UTF-16, as the client sent it)."""
    where = lsp.Position(
        line=int(position.get("line", 0)), character=int(position.get("character", 0))
    )
    insert = lsp.TextEdit(range=lsp.Range(start=where, end=where), new_text=text)
    edit = lsp.WorkspaceEdit(changes={uri: [insert]})
    reply = await server.workspace_apply_edit_async(
        lsp.ApplyWorkspaceEditParams(edit=edit, label="RASP: draft from spec")
    )
    return bool(reply and reply.applied)


async def _open(server: "RaspServer", spec: str, source: str) -> str | None:
    window = server.client_capabilities.window
    if window is None or window.show_document is None or not window.show_document.support:
        return None
    DRAFTS.mkdir(parents=True, exist_ok=True)
    slug = "_".join(re.findall(r"[a-z0-9]+", spec.lower())[:6]) or "draft"
    path = DRAFTS / f"{slug}.py"
    path.write_text(source, encoding="utf-8")
    await server.window_show_document_async(
        lsp.ShowDocumentParams(uri=path.as_uri(), external=False, take_focus=True)
    )
    return path.as_uri()

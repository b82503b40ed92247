"""`:draft SPEC | 1 2 3 -> 3 2 1 | ...`: draft a program with an LLM from inside the REPL.

The session's vocabulary and length are the draft's. Drafts are checked in a worker of their
own, so a draft that hangs or crashes never costs the session its definitions. A draft with
code is written to a scratch file and loaded, so its definitions can be tried at once.
"""

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from raspstudio.drafting.data import DraftRequest, DraftResult, Example
from raspstudio.drafting.llm import Endpoint
from raspstudio.drafting.loop import DraftCancelled, draft, scratch_file
from raspstudio.engine import Engine, Worker
from raspstudio.repl.interrupt import interruptible

if TYPE_CHECKING:
    from raspstudio.repl.app import Repl


DRAFTS: Path | None = None  # where drafts are written; None: the user's private drafts folder


class DraftError(Exception):
    """What the user typed cannot be drafted, or drafting could not run; the message says why."""


def parse(text: str, settings: dict) -> DraftRequest:
    """`SPEC | IN -> OUT | IN -> OUT`, with the session's vocabulary and length."""
    spec, *examples = [part.strip() for part in text.split("|")]
    if not spec:
        raise DraftError("give a spec, e.g. :draft reverse the sequence | a b c -> c b a")
    try:
        parsed = [Example.parse(e) for e in examples if e]
    except ValueError as e:
        raise DraftError(str(e)) from None
    vocab = settings.get("vocab")
    return DraftRequest(
        spec=spec,
        examples=parsed,
        vocab=sorted(vocab, key=lambda t: (type(t).__name__, t)) if vocab else None,
        max_seq_len=settings.get("max_seq_len") if vocab else None,
    )


def run_draft(repl: "Repl", text: str) -> str:
    request = parse(text, repl.settings)
    stop = threading.Event()
    engine = Engine(Worker(timeout=repl.client.worker.timeout))

    def cancel() -> None:
        stop.set()
        engine.worker.cancel()

    def call() -> DraftResult:
        return draft(request, Endpoint.configure(), engine, None, repl.say, stop.is_set)

    try:
        result = interruptible(call, cancel)
    except DraftCancelled:
        return "drafting stopped"
    finally:
        engine.close()
    return _shown(repl, request, result)


def _shown(repl: "Repl", request: DraftRequest, result: DraftResult) -> str:
    if result.closest is not None:
        return f"error: {result.message}\nto start from it: :load {result.closest}"
    if result.source is None:
        return f"error: {result.message}"
    path = scratch_file(request.spec, result.source, DRAFTS)
    loaded = repl.load(str(path))
    verdict = result.message  # "verified: draft 2 ...", or why it is not
    if not verdict.startswith(result.status):
        verdict = f"{result.status}: {verdict}"
    return "\n".join(
        [
            result.source.rstrip(),
            "",
            verdict,
            f"written to {path} and loaded:",
            loaded,
        ]
    )

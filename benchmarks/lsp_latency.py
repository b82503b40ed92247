"""Edit-to-diagnostics latency of `rasp serve`, measured by a real LSP client over stdio.

    .venv/bin/python benchmarks/lsp_latency.py [--edits 50] [--debounce-ms MS]

Starts the server with pygls's `LanguageClient` (push diagnostics, `$/progress`, code lenses),
opens programs/positional/reverse.py and waits for its first full analysis (the worker is then
warm). Then it makes one edit at a time, alternately breaking a lambda (`+ 1`: RASP502, the
program disagrees with `reference`) and mending it with a new constant (`+ 0 * k`), so every
version is new text and every edit changes what the editor must show. For each edit it
measures, from sending `didChange` (the server's debounce, 50 ms by default, is included):

  first stage        the first results of the new text (its "loaded" `$/progress` report);
  final diagnostics  the `publishDiagnostics` after which the client holds what it holds once
                     the analysis is over (the server sends a set only when it changed);
  final lens         the first code lens answer (asked every 20 ms) with the program's title
                     that the lens keeps once the analysis is over: "✓ program: … verified on
                     N inputs" after a mend, "✗ …" after a break (both checked);
  verified           the end of that version's analysis (its `$/progress` end).
"""

import argparse
import asyncio
import contextlib
import datetime
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "programs" / "positional" / "reverse.py"
LAMBDA = "lambda n, i: n - i - 1"
TIMEOUT = 60.0  # seconds for one analysis (the first one starts the worker)

CAPABILITIES = lsp.ClientCapabilities(
    text_document=lsp.TextDocumentClientCapabilities(
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(version_support=True),
        code_lens=lsp.CodeLensClientCapabilities(),
    ),
    window=lsp.WindowClientCapabilities(work_done_progress=True),
)


@dataclass
class Seen:
    """What the server sent, with arrival times (time.perf_counter())."""

    published: list[tuple[float, list[str]]] = field(default_factory=list)  # (time, codes)
    begun: list[tuple[float, str]] = field(default_factory=list)  # (time, progress token)
    loaded: dict[str, float] = field(default_factory=dict)  # progress token -> its first stage
    ended: dict[str, float] = field(default_factory=dict)  # progress token -> its end
    changed: asyncio.Event = field(default_factory=asyncio.Event)


def make_client(seen: Seen) -> LanguageClient:
    client = LanguageClient("lsp-latency", "1")

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        seen.published.append((time.perf_counter(), [str(d.code) for d in params.diagnostics]))
        seen.changed.set()

    @client.feature(lsp.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def create_progress(params: lsp.WorkDoneProgressCreateParams) -> None:
        return None

    @client.feature(lsp.PROGRESS)
    def progress(params: lsp.ProgressParams) -> None:
        kind = params.value.get("kind") if isinstance(params.value, dict) else None
        if kind == "begin":
            seen.begun.append((time.perf_counter(), str(params.token)))
        elif kind == "report" and params.value.get("message") == "loaded":
            seen.loaded.setdefault(str(params.token), time.perf_counter())
        elif kind == "end":
            seen.ended[str(params.token)] = time.perf_counter()
        seen.changed.set()

    for method in (lsp.WINDOW_LOG_MESSAGE, lsp.WINDOW_SHOW_MESSAGE):
        client.feature(method)(lambda params: None)
    return client


async def wait_until(seen: Seen, condition, what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while True:
        seen.changed.clear()  # before the check: a message arriving after it sets the event
        if condition():
            return
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError(f"no {what} within {TIMEOUT:.0f} s")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(seen.changed.wait(), left)


@dataclass
class Latency:
    """Seconds from an edit to each of its moments (see the module docstring)."""

    first_stage: float
    final_diagnostics: float
    final_lens: float
    verified: float
    lens: str  # the program's final lens title


async def analysed(client: LanguageClient, seen: Seen, uri: str, since: float) -> Latency:
    """Watch the analysis of the text sent at `since`, asking for code lenses all along."""
    lenses: list[tuple[float, str]] = []

    def ended() -> str | None:
        tokens = [token for began, token in seen.begun if began >= since]
        return tokens[0] if tokens and tokens[0] in seen.ended else None

    while ended() is None:
        if time.perf_counter() - since > TIMEOUT:
            raise TimeoutError(f"no end of the analysis within {TIMEOUT:.0f} s")
        lenses.append((time.perf_counter(), await program_lens(client, uri)))
        await asyncio.sleep(0.02)
    token = ended()
    lens = await program_lens(client, uri)
    lenses.append((time.perf_counter(), lens))
    final = seen.published[-1][1] if seen.published else []
    changed = [t for t, codes in seen.published if t >= since and codes == final]
    if not changed:
        raise AssertionError("the edit changed the diagnostics but none were sent")
    return Latency(
        first_stage=seen.loaded[token] - since,
        final_diagnostics=changed[0] - since,
        final_lens=_settled_at(lenses, lens) - since,
        verified=seen.ended[token] - since,
        lens=lens,
    )


def _settled_at(seen: list[tuple[float, str]], final: str) -> float:
    """When the values seen (in order) became `final` for good."""
    at = seen[-1][0]
    for when, value in reversed(seen):
        if value != final:
            break
        at = when
    return at


async def program_lens(client: LanguageClient, uri: str) -> str:
    lenses = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    titles = [lens.command.title for lens in lenses or [] if lens.command]
    return next((t for t in titles if " program: " in t or t.startswith("program: ")), "")


def edited(text: str, k: int) -> str:
    """Version k of the file: the lambda broken (odd k) or mended with a new constant (even k)."""
    assert LAMBDA in text
    return text.replace(LAMBDA, f"{LAMBDA} + 1" if k % 2 else f"{LAMBDA} + 0 * {k}")


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[math.ceil(0.95 * len(ms)) - 1]  # nearest rank
    return f"p50 {statistics.median(ms):6.0f} ms   p95 {p95:6.0f} ms   max {ms[-1]:6.0f} ms"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"
    )


async def main(edits: int, debounce_ms: float | None) -> None:
    seen = Seen()
    client = make_client(seen)
    await client.start_io(sys.executable, "-P", "-m", "raspstudio", "serve", cwd=ROOT)
    # pygls pipes the server's stderr; keep it drained so the server never blocks on it.
    drain = asyncio.ensure_future(client._server.stderr.read())
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=CAPABILITIES,
            root_uri=ROOT.as_uri(),
            initialization_options=None if debounce_ms is None else {"debounceMs": debounce_ms},
        )
    )
    client.initialized(lsp.InitializedParams())

    uri, original = PROGRAM.as_uri(), PROGRAM.read_text()
    started = time.perf_counter()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=original
            )
        )
    )
    opened = await analysed(client, seen, uri, started)
    print(
        f"open (worker warming up): first stage {opened.first_stage * 1000:.0f} ms, "
        f"verified {opened.verified * 1000:.0f} ms: {opened.lens}"
    )

    latencies = []
    for k in range(1, edits + 1):
        version = k + 1
        sent = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    lsp.TextDocumentContentChangeWholeDocument(text=edited(original, k))
                ],
            )
        )
        latency = await analysed(client, seen, uri, sent)
        good = latency.lens.startswith("✓ program:") and "verified" in latency.lens
        if good == bool(k % 2) or (k % 2 and not latency.lens.startswith("✗")):
            raise AssertionError(f"edit {k}: the program's lens reads {latency.lens!r}")
        latencies.append(latency)

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    drain.cancel()

    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    debounce = "server default" if debounce_ms is None else f"{debounce_ms:g} ms"
    print(f"{edits} edits of {PROGRAM.relative_to(ROOT)}, one at a time, each analysed to the end")
    print(f"(debounce: {debounce}):")
    for what, name in (
        ("first stage", "first_stage"),
        ("final diagnostics", "final_diagnostics"),
        ("final lens", "final_lens"),
        ("verified", "verified"),
    ):
        found = [getattr(latency, name) for latency in latencies]
        print(f"  didChange -> {what:<18} {percentiles(found)}")
    print(f"last lens: {latencies[-1].lens}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=50, help="number of edits (default 50)")
    parser.add_argument(
        "--debounce-ms", type=float, help="the server's debounceMs setting (default: its own)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.edits, args.debounce_ms))

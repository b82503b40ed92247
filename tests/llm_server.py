"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for the drafting tests.

The real `openai` client talks to it over HTTP (openai 3.x uses httpx2, which respx cannot
intercept). Each POST takes the next scripted step: a reply with one or more choices, an HTTP
error, a delay, raw bytes, or a function of the request. Every request body is logged so tests
can prove what the repair messages contained.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """A 200 reply whose choices carry these message contents (an empty list: no choices)."""

    contents: list[str]
    delay: float = 0.0


@dataclass
class Status:
    """An HTTP error; `retry_after_ms` lets the client retry at once; `message`: the error
    body's message (default "scripted <code>")."""

    code: int
    retry_after_ms: int = 1
    message: str | None = None


@dataclass
class Raw:
    """A 200 reply with this exact body (malformed JSON, say)."""

    body: bytes


Step = Reply | Status | Raw | Callable[[dict], "Reply | Status | Raw"]


# programs/positional/reverse.py as a model answers it (no docstring, constants or reference),
# and the same off by one: the correct and the broken draft most tests script.
REVERSE = """\
from tracr.compiler import lib
from tracr.rasp import rasp

length = lib.make_length().named("length")
opposite = rasp.SequenceMap(lambda n, i: n - i - 1, length, rasp.indices).named("opposite")
flip = rasp.Select(rasp.indices, opposite, rasp.Comparison.EQ).named("flip")
program = rasp.Aggregate(flip, rasp.tokens).named("reverse")
"""
OFF_BY_ONE = REVERSE.replace("n - i - 1", "n - i")


def code_reply(*sources: str) -> Reply:
    """A reply whose choices are these sources in ```python fences, as models usually answer."""
    return Reply([f"Here is the program.\n\n```python\n{s}\n```\n" for s in sources])


@dataclass
class ChatServer:
    steps: list[Step]
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)  # names in lower case
    default: Step | None = None  # what to do once the script is used up (else HTTP 500)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        handler = _handler_for(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def next_step(self, request: dict, headers: dict) -> Reply | Status | Raw:
        with self._lock:
            self.requests.append(request)
            self.headers.append(headers)
            step = self.steps.pop(0) if self.steps else self.default
        if step is None:
            return Status(500)
        return step(request) if callable(step) else step

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _completion(request: dict, contents: list[str]) -> bytes:
    choices = [
        {
            "index": i,
            "message": {"role": "assistant", "content": text},
            "finish_reason": "stop",
        }
        for i, text in enumerate(contents)
    ]
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in request["messages"])
    completion_tokens = sum(len(text.split()) for text in contents)
    body: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "test-model"),
        "choices": choices,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return json.dumps(body).encode()


def _handler_for(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            headers = {key.lower(): value for key, value in self.headers.items()}
            step = server.next_step(request, headers)
            if isinstance(step, Status):
                message = step.message if step.message is not None else f"scripted {step.code}"
                body = json.dumps({"error": {"message": message}}).encode()
                self._send(step.code, body, {"retry-after-ms": str(step.retry_after_ms)})
            elif isinstance(step, Raw):
                self._send(200, step.body)
            else:
                time.sleep(step.delay)
                self._send(200, _completion(request, step.contents))

        def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *args: Any) -> None:
            pass  # keep test output clean

    return Handler

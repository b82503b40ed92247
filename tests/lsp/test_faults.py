"""Faults: hostile programs, malformed messages and odd requests never take the server down.

Hostile programs run in the worker: each gets a diagnostic and the next edit is analysed as
usual. Protocol faults are sent as raw bytes on stdin, the way a broken client would.
"""

import json
import subprocess
import sys
import threading
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import FIXTURES, ROOT, client_fixture, codes, open_document, replace_text

HOSTILE = FIXTURES / "hostile"
REVERSE = ROOT / "programs/positional/reverse.py"

client = client_fixture({"timeout": 3}, profiles=["neovim@v0.7.0"])


async def _recovers(client: LanguageClient, uri: str, version: int) -> None:
    """After the fault, a good program in the same document is checked normally."""
    await replace_text(client, uri, REVERSE.read_text(), version)
    assert codes(client, uri) == []


async def test_a_hanging_program_times_out_and_the_next_edit_works(client, tmp_path: Path):
    uri = await open_document(
        client, tmp_path / "hangs.py", (HOSTILE / "loops_forever.py").read_text()
    )
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.code == "RASP106"
    assert diagnostic.range.start.line == 5  # the `while True:` loop it was stopped in
    await _recovers(client, uri, 2)


async def test_a_crashing_worker_is_replaced(client: LanguageClient, tmp_path: Path):
    uri = await open_document(client, tmp_path / "crash.py", (HOSTILE / "hard_exit.py").read_text())
    assert "RASP107" in codes(client, uri)
    await _recovers(client, uri, 2)


async def test_sys_exit_and_prints_are_diagnostics(client: LanguageClient, tmp_path: Path):
    uri = await open_document(
        client, tmp_path / "exits.py", (HOSTILE / "calls_exit.py").read_text()
    )
    assert codes(client, uri) == ["RASP102"]
    printing = await open_document(client, HOSTILE / "prints.py")
    assert codes(client, printing) == []


async def test_a_memory_hog_is_stopped(client: LanguageClient, tmp_path: Path):
    uri = await open_document(client, tmp_path / "hog.py", (HOSTILE / "eats_memory.py").read_text())
    # MemoryError under the worker's cap, or the timeout while the kernel zero-fills pages.
    assert set(codes(client, uri)) & {"RASP102", "RASP106", "RASP107"}
    await _recovers(client, uri, 2)


async def test_unknown_documents_and_positions_get_empty_answers(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    nowhere = lsp.TextDocumentIdentifier(uri="file:///no/such/file.py")
    here = lsp.TextDocumentIdentifier(uri=uri)
    far = lsp.Position(line=10**6, character=10**6)
    wide = lsp.Range(start=lsp.Position(line=0, character=0), end=far)
    for document in (nowhere, here):
        assert await client.text_document_hover_async(lsp.HoverParams(document, far)) is None
        await client.text_document_completion_async(lsp.CompletionParams(document, far))
        await client.text_document_signature_help_async(lsp.SignatureHelpParams(document, far))
        await client.text_document_inlay_hint_async(lsp.InlayHintParams(document, wide))
        await client.text_document_code_lens_async(lsp.CodeLensParams(document))
        await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(document))
        await client.text_document_code_action_async(
            lsp.CodeActionParams(document, wide, lsp.CodeActionContext(diagnostics=[]))
        )
    assert codes(client, uri) == []  # still serving


async def test_a_ten_thousand_line_file(client: LanguageClient, tmp_path: Path):
    filler = "".join(f"helper_{i} = {i}  # line {i}\n" for i in range(10_000))
    text = REVERSE.read_text().replace("def reference", filler + "\n\ndef reference")
    uri = await open_document(client, tmp_path / "long.py", text)
    assert codes(client, uri) == []
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(line=12, character=12))
    )
    assert "reverse" in hover.contents.value


# -- raw bytes on stdin ---------------------------------------------------------------------------


class RawClient:
    """Just enough JSON-RPC framing to send what no well-behaved client library would."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "raspstudio", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        self.messages: list[dict] = []
        self.arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def send_bytes(self, body: bytes) -> None:
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        self.send_bytes(json.dumps({"jsonrpc": "2.0", **message}).encode())

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b"\n"):
                if not line:
                    return  # the server closed its stdout
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers[b"content-length"]))
            with self.arrived:
                self.messages.append(json.loads(body))
                self.arrived.notify_all()

    def wait_for(self, test, timeout: float = 60) -> dict:
        with self.arrived:
            assert self.arrived.wait_for(lambda: any(map(test, self.messages)), timeout)
            return next(m for m in self.messages if test(m))

    def close(self) -> int:
        self.send({"id": 99, "method": "shutdown"})
        self.wait_for(lambda m: m.get("id") == 99)
        self.send({"method": "exit"})
        return self.process.wait(10)


def test_malformed_messages_and_odd_text_do_not_stop_the_server():
    raw = RawClient()
    raw.send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    raw.wait_for(lambda m: m.get("id") == 1)
    raw.send({"method": "initialized", "params": {}})
    raw.send_bytes(b"{this is not json")
    raw.send_bytes(b'{"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": 7}')
    raw.send_bytes(b"\xff\xfe not UTF-8 at all")
    raw.send({"id": 3, "method": "no/such/method", "params": {}})
    # A lone surrogate: valid JSON, but not text that can be encoded as UTF-8.
    uri = (ROOT / "odd.py").as_uri()
    text = 'from tracr.rasp import rasp\nx = "\ud800"\n'
    raw.send_bytes(
        b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": '
        b'{"uri": "%s", "languageId": "python", "version": 1, "text": %s}}}'
        % (uri.encode(), json.dumps(text).encode())
    )
    published = raw.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert published["params"]["diagnostics"][0]["code"] == "RASP101", published
    assert raw.wait_for(lambda m: m.get("id") == 3)["error"]["code"] == -32601
    assert raw.close() == 0


def test_params_of_the_wrong_type_are_answered_with_invalid_params():
    raw = RawClient()
    raw.send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    raw.wait_for(lambda m: m.get("id") == 1)
    raw.send({"method": "initialized", "params": {}})
    for msg_id, method, params in [
        (2, "textDocument/hover", 7),
        (3, "textDocument/hover", {"textDocument": {"uri": 5}, "position": "top"}),
        (4, "textDocument/documentSymbol", {"textDocument": []}),
        (5, "workspace/executeCommand", {"command": 1}),
    ]:
        raw.send({"id": msg_id, "method": method, "params": params})
        answer = raw.wait_for(lambda m, msg_id=msg_id: m.get("id") == msg_id)
        assert answer["error"]["code"] == -32602, answer
        assert answer["error"]["message"]  # says what was wrong
    assert raw.close() == 0


def _started() -> RawClient:
    raw = RawClient()
    raw.send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    raw.wait_for(lambda m: m.get("id") == 1)
    raw.send({"method": "initialized", "params": {}})
    return raw


def _request(msg_id: int, method: str = "shutdown_probe") -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": {}}).encode()


def test_wrong_content_lengths_cost_one_message_not_the_connection():
    raw = _started()
    short, long = _request(2), _request(4)
    raw.process.stdin.write(b"Content-Length: %d\r\n\r\n" % (len(short) - 7) + short)
    raw.send_bytes(_request(3))
    assert raw.wait_for(lambda m: m.get("id") == 3)["error"]["code"] == -32601
    raw.process.stdin.write(b"Content-Length: %d\r\n\r\n" % (len(long) + 500) + long)
    raw.send_bytes(_request(5))
    assert raw.wait_for(lambda m: m.get("id") == 5)["error"]["code"] == -32601
    assert raw.close() == 0


def test_a_huge_content_length_is_refused_not_read():
    raw = _started()
    raw.process.stdin.write(b"Content-Length: 100000000000\r\n\r\n" + b"x" * 100_000)
    raw.send_bytes(_request(2))
    assert raw.wait_for(lambda m: m.get("id") == 2)["error"]["code"] == -32601
    assert raw.close() == 0


def _open(raw: RawClient, uri: str, text: str) -> None:
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})


def test_symbols_are_for_program_files_and_never_block_other_requests(tmp_path: Path):
    raw = _started()
    other, program = (tmp_path / "data.py").as_uri(), (tmp_path / "big.py").as_uri()
    _open(raw, other, "x = 1\n" * 200_000)  # 1.2 MB of Python that is not a RASP program
    _open(raw, program, "from tracr.rasp import rasp\n" + "def f():\n    return 1\n" * 50_000)
    raw.send(
        {
            "id": 2,
            "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": other}},
        }
    )
    assert raw.wait_for(lambda m: m.get("id") == 2)["result"] == []
    position = {"textDocument": {"uri": program}, "position": {"line": 0, "character": 0}}
    raw.send(
        {
            "id": 3,
            "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": program}},
        }
    )
    raw.send({"id": 4, "method": "textDocument/hover", "params": position})
    raw.wait_for(lambda m: m.get("id") == 3)
    answered = [m.get("id") for m in raw.messages if m.get("id") in (3, 4)]
    assert answered == [4, 3]  # the hover did not wait for the big file's outline
    assert raw.close() == 0

"""Commands over LSP: show layers, run on an input, set the running example, restart, cancel."""

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pygls import uris
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp_support import FIXTURES, ROOT, client_fixture, open_document, settled

client = client_fixture()
REVERSE = ROOT / "programs/positional/reverse.py"


async def _run(client: LanguageClient, command: str, *arguments: object) -> object:
    return await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


async def test_show_layers_returns_the_layer_table(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    result = await _run(client, "rasp.server.showLayers", uri, "program")
    assert result["program"] == "program"
    markdown = result["markdown"]
    assert markdown.startswith("# `program`: 3 layers · 2 heads · 2 MLPs · d_model 31")
    assert "| 2 | attn h0 | reverse | 13 | 3 |" in markdown
    assert "`tokens:a`" in markdown  # the residual stream's labels
    window = client.capabilities.window
    if window.show_document and window.show_document.support:  # opened beside the editor
        (shown,) = client.shown_documents
        assert shown.uri == result["uri"]
        assert Path(uris.to_fs_path(shown.uri)).read_text() == markdown
    else:
        assert result["uri"] is None


async def test_show_layers_can_leave_opening_the_report_to_the_client(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    result = await _run(client, "rasp.server.showLayers", uri, None, False)
    assert result["markdown"].startswith("# `program`: 3 layers")
    assert result["uri"] is None and client.shown_documents == []


async def test_run_on_input_compares_interpreter_and_model(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    result = await _run(client, "rasp.server.runOnInput", uri, "a b c c")
    assert result["interpreter"] == ["c", "c", "b", "a"]
    assert result["compiled"] == ["c", "c", "b", "a"]
    assert result["agree"] is True


async def test_run_on_a_token_outside_the_vocabulary_says_which(client: LanguageClient):
    """The program is fine, the input is not: the error says what is wrong with the input
    rather than that the file cannot be run."""
    uri = await open_document(client, REVERSE)
    with pytest.raises(JsonRpcException) as raised:
        await _run(client, "rasp.server.runOnInput", uri, "a z")
    message = str(raised.value)
    assert "input tokens not in the vocabulary: 'z'" in message
    assert "cannot be run" not in message


async def test_run_on_input_uses_the_unsaved_text(client: LanguageClient, tmp_path: Path):
    text = REVERSE.read_text().replace('VOCAB = {"a", "b", "c"}', 'VOCAB = {"a", "b", "c", "z"}')
    uri = await open_document(client, tmp_path / "edited.py", text)
    result = await _run(client, "rasp.server.runOnInput", uri, ["z", "a"])
    assert result["interpreter"] == ["a", "z"]


async def test_bad_arguments_give_a_clear_error(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    with pytest.raises(JsonRpcException, match="not in the vocabulary"):
        await _run(client, "rasp.server.runOnInput", uri, "a q")
    with pytest.raises(JsonRpcException, match="argument 1"):
        await _run(client, "rasp.server.showLayers", 42)
    assert any("argument 1" in m.message for m in client.messages)


async def test_set_example_changes_what_hover_shows(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    before = len(client.progress_reports)
    await _run(client, "rasp.server.setExample", uri, "c a")
    await settled(client, before)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=12, character=12),
        )
    )
    assert "on `c a` (set with rasp.setExample): `['a', 'c']`" in hover.contents.value


async def test_running_example_is_what_run_on_input_starts_from(client: LanguageClient):
    """The file's first EXAMPLES, until one is set; editors prefill Run on Input with it."""
    uri = await open_document(client, REVERSE)
    shown = await _run(client, "rasp.server.runningExample", uri)
    assert shown == {"example": ["a", "b", "c"], "source": "EXAMPLES"}
    before = len(client.progress_reports)
    await _run(client, "rasp.server.setExample", uri, "c a")
    await settled(client, before)
    shown = await _run(client, "rasp.server.runningExample", uri)
    assert shown == {"example": ["c", "a"], "source": "set"}


async def test_restart_worker_and_go_on(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "negative_numerical_map.py")
    before = len(client.progress_reports)
    assert await _run(client, "rasp.server.restartWorker") == {"restarted": True}
    await settled(client, before)
    assert "RASP501" in [d.code for d in client.diagnostics[uri]]


SPINNING = """
from pathlib import Path
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 3


def spin(x):
    with open(Path(__file__).with_suffix(".fifo"), "w") as fifo:  # a FIFO: the sandbox allows
        fifo.write("spinning\\n")
    while True:
        pass


program = rasp.Map(spin, rasp.tokens).named("spin")
"""


async def _said(fifo: Path, request: Any) -> str:
    """A line the user's code writes to `fifo`. Read without blocking, so that a command that
    ends without writing (the sandbox refused the FIFO) fails the test instead of hanging it."""
    end = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        data = b""
        while not data.endswith(b"\n"):
            if request.done():
                raise AssertionError(f"the command ended before its code wrote: {request!r}")
            with contextlib.suppress(BlockingIOError):  # a writer is there, its line is not
                data += os.read(end, 64)
            await asyncio.sleep(0.05)
        return data.decode()
    finally:
        os.close(end)


async def test_cancelling_a_command_stops_the_users_code(client: LanguageClient, tmp_path: Path):
    # A worker timeout far beyond the guards below: only the cancel can free the worker.
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"rasp": {"timeout": 3600}})
    )
    reverse = await open_document(client, REVERSE)
    program = tmp_path / "spin.py"
    program.write_text(SPINNING)
    os.mkfifo(program.with_suffix(".fifo"))
    params = lsp.ExecuteCommandParams(
        command="rasp.server.runOnInput", arguments=[program.as_uri(), "a"]
    )
    request = client.protocol.send_request(lsp.WORKSPACE_EXECUTE_COMMAND, params, msg_id="spin")
    said = _said(program.with_suffix(".fifo"), request)  # the Map is looping
    assert await asyncio.wait_for(said, 60) == "spinning\n"
    client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="spin"))
    with pytest.raises(JsonRpcException, match="canceled"):
        await asyncio.wait_for(asyncio.wrap_future(request), 60)
    # The worker was interrupted, not left looping until its timeout: the next request that
    # needs it is served.
    result = await asyncio.wait_for(_run(client, "rasp.server.runOnInput", reverse, "a b"), 60)
    assert result["agree"] is True

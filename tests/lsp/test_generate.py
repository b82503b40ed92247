"""`rasp.server.generateFromSpec` over LSP: a real `rasp serve`, a real model server on
127.0.0.1 (tests/llm_server.py), drafts inserted at the cursor or opened as new documents,
repair rounds with progress, the missing endpoint, untrusted workspaces, bad arguments and
cancellation.
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls import uris
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

from raspstudio.lsp.generate import GENERATE_FROM_SPEC
from tests.llm_server import OFF_BY_ONE, REVERSE, ChatServer, Reply, code_reply
from tests.lsp_support import PROFILES, ROOT, SERVER, open_document, wait_until

USER_FILE = "# my notes\n\nVOCAB = {1, 2, 3}\n"


def _fixture(options: dict | None = None, profiles: list[str] | None = None) -> Any:
    """Like lsp_support.client_fixture, keeping the InitializeResult (`client.initialized_with`)
    so the advertised commands can be checked."""

    @pytest_lsp.fixture(config=SERVER, params=profiles or PROFILES)
    async def fixture(lsp_client: LanguageClient, request: Any):
        params = lsp.InitializeParams(
            capabilities=client_capabilities(request.param),
            initialization_options=options,
            root_uri=ROOT.as_uri(),
        )
        lsp_client.initialized_with = await lsp_client.initialize_session(params)
        yield
        await lsp_client.shutdown_session()

    return fixture


client = _fixture()
vscode = _fixture(profiles=["visual-studio-code"])
neovim = _fixture(profiles=["neovim@v0.7.0"])
untrusted = _fixture({"execute": False}, profiles=["visual-studio-code"])


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    server = ChatServer([])
    yield server
    server.close()


def _use(client: LanguageClient, chat: ChatServer) -> None:
    """Point the server at the local model server, as an editor's settings would."""
    settings = {"rasp": {"llmBaseUrl": chat.base_url, "llmModel": "test-model"}}
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=settings))


async def _generate(client: LanguageClient, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=GENERATE_FROM_SPEC, arguments=list(arguments))
    )


def _request(spec: str = "reverse the sequence", **more: Any) -> dict:
    """A small draft: vocabulary 1 2 3, length 4, one sample per round."""
    return {
        "spec": spec,
        "examples": ["1 2 3 -> 3 2 1"],
        "vocab": "1 2 3",
        "maxSeqLen": 4,
        "samples": 1,
        **more,
    }


def _drafting_progress(client: LanguageClient) -> list[list]:
    """The `$/progress` reports of each drafting run (not the analyses')."""
    return [
        reports
        for reports in client.progress_reports.values()
        if reports
        and isinstance(reports[0], lsp.WorkDoneProgressBegin)
        and reports[0].title == "Drafting from spec"
    ]


def _shown_path(client: LanguageClient, uri: str) -> Path:
    assert uri in [d.uri for d in client.shown_documents]
    return Path(uris.to_fs_path(uri))


async def test_the_command_is_advertised(neovim: LanguageClient):
    provider = neovim.initialized_with.capabilities.execute_command_provider
    assert GENERATE_FROM_SPEC in provider.commands


async def test_a_draft_is_inserted_at_the_cursor(
    client: LanguageClient, chat: ChatServer, tmp_path: Path
):
    chat.steps.append(code_reply(REVERSE))
    _use(client, chat)
    path = tmp_path / "user.py"
    path.write_text(USER_FILE)
    uri = await open_document(client, path)
    edits: list[lsp.ApplyWorkspaceEditParams] = []

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        edits.append(params)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    where = {"line": 1, "character": 0}
    result = await _generate(client, _request(uri=uri, position=where))
    assert result["status"] == "verified" and result["stage"] == "verified"
    assert result["applied"] is True
    assert "uri" not in result and client.shown_documents == []  # inserted, not opened
    assert "VOCAB = {1, 2, 3}" in result["source"] and "MAX_SEQ_LEN = 4" in result["source"]
    assert result["model"] == "test-model" and result["tokens"] > 0
    assert len(result["attempts"]) == 1 and len(chat.requests) == 1
    (applied,) = edits
    position = lsp.Position(line=1, character=0)
    insert = lsp.TextEdit(range=lsp.Range(start=position, end=position), new_text=result["source"])
    assert {k: list(v) for k, v in applied.edit.changes.items()} == {uri: [insert]}
    assert path.read_text() == USER_FILE  # only the editor changes the user's file
    assert any(m.message.startswith("verified") for m in client.messages)


async def test_a_refused_edit_is_reported(vscode: LanguageClient, chat: ChatServer, tmp_path):
    chat.steps.append(code_reply(REVERSE))
    _use(vscode, chat)
    path = tmp_path / "user.py"
    path.write_text(USER_FILE)
    uri = await open_document(vscode, path)

    @vscode.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason="read-only")

    result = await _generate(vscode, _request(uri=uri, position={"line": 0, "character": 0}))
    assert result["status"] == "verified" and result["applied"] is False
    assert path.read_text() == USER_FILE


async def test_a_draft_opens_as_a_new_document(vscode: LanguageClient, chat: ChatServer, tmp_path):
    chat.steps.append(code_reply(REVERSE))
    _use(vscode, chat)
    await open_document(vscode, tmp_path / "user.py", USER_FILE)
    result = await _generate(vscode, _request("reverse the tokens, opened"))
    assert result["status"] == "verified"
    shown = _shown_path(vscode, result["uri"])
    assert shown.read_text() == result["source"]
    assert not shown.is_relative_to(tmp_path) and not shown.is_relative_to(ROOT)
    assert list(tmp_path.iterdir()) == []  # nothing written beside the user's files


async def test_open_false_only_returns_the_draft(vscode: LanguageClient, chat: ChatServer):
    chat.steps.append(code_reply(REVERSE))
    _use(vscode, chat)
    result = await _generate(vscode, _request("reverse the tokens, returned", open=False))
    assert result["status"] == "verified" and result["source"]
    assert "uri" not in result and vscode.shown_documents == []
    assert not any("verified" in m.message for m in vscode.messages)  # the client reports it


async def test_a_broken_draft_is_repaired_with_progress(client: LanguageClient, chat: ChatServer):
    chat.steps += [code_reply(OFF_BY_ONE), code_reply(REVERSE)]
    _use(client, chat)
    result = await _generate(client, _request("reverse the input, repaired", rounds=2))
    assert result["status"] == "verified"
    first, second = result["attempts"]
    assert (first["round"], first["stage"]) == (0, "runs")
    assert (second["round"], second["stage"]) == (1, "verified")
    assert "expected [3, 2, 1]" in first["problem"]
    assert len(chat.requests) == 2
    repair = chat.requests[1]["messages"][-1]["content"]
    assert "[3, 2, 1]" in repair  # the failing example went back to the model
    (reports,) = _drafting_progress(client)
    messages = [r.message for r in reports if isinstance(r, lsp.WorkDoneProgressReport)]
    assert any("for 1 drafts" in m for m in messages)
    assert "round 0, draft 1/1: runs" in "\n".join(messages)
    assert any("repairs (round 1)" in m for m in messages)
    assert "round 1, draft 1/1: verified" in messages
    assert isinstance(reports[-1], lsp.WorkDoneProgressEnd)
    if client.capabilities.window.show_document.support:
        assert _shown_path(client, result["uri"]).read_text() == result["source"]
    else:
        assert result["uri"] is None


async def test_no_endpoint_points_to_the_closest_library_program(client: LanguageClient):
    result = await _generate(client, "reverse the sequence", ["a b c -> c b a"])
    assert result["status"] == "failed" and result["source"] is None
    assert "OPENAI_API_KEY" in result["message"]
    assert result["closest"].endswith("reverse.py")
    assert result["closest_source"] == Path(result["closest"]).read_text()
    assert any("OPENAI_API_KEY" in m.message for m in client.messages)
    (message,) = [m for m in client.messages if "OPENAI_API_KEY" in m.message]
    assert message.type == lsp.MessageType.Warning
    if client.capabilities.window.show_document.support:  # a copy to start from
        assert _shown_path(client, result["uri"]).read_text() == result["closest_source"]


async def test_untrusted_workspaces_do_not_draft(untrusted: LanguageClient, chat: ChatServer):
    chat.steps.append(code_reply(REVERSE))
    _use(untrusted, chat)
    with pytest.raises(JsonRpcException, match="runs no code in this workspace"):
        await _generate(untrusted, _request())
    assert chat.requests == []
    assert any("runs no code" in m.message for m in untrusted.messages)


BAD_ARGUMENTS = [
    ([], "needs a spec"),
    ([{"examples": ["1 -> 1"]}], "needs a spec"),
    ([{"spec": "   "}], "needs a spec"),
    ([{"spec": "reverse", "examples": [1, 2]}], "examples must be a list of strings"),
    (["reverse", "1 2 -> 2 1"], "examples must be a list of strings"),
    (["reverse", ["1 2"]], "an example looks like `1 2 3 -> 3 2 1`, got '1 2'"),
    (["reverse", ["1 2 -> 2"]], "one output per input token"),
    ([{"spec": "reverse", "maxSeqLen": "four"}], "maxSeqLen must be a positive integer"),
    ([{"spec": "reverse", "vocab": [[1]]}], "vocab must be a list of tokens"),
    ([{"spec": "reverse", "uri": "file:///x.py"}], "give uri .* and position"),
    ([{"spec": "reverse", "uri": "file:///x.py", "position": {"line": "one"}}], "position"),
]


async def test_bad_arguments_give_a_clear_error(neovim: LanguageClient):
    for arguments, error in BAD_ARGUMENTS:
        with pytest.raises(JsonRpcException, match=error):
            await _generate(neovim, *arguments)
    assert len(neovim.messages) == len(BAD_ARGUMENTS)  # each shown to the user too
    assert _drafting_progress(neovim) == []  # refused before drafting began


async def test_cancelling_stops_drafting_and_the_server_goes_on(
    client: LanguageClient, chat: ChatServer
):
    # The model "thinks" for an hour: every wait below is a failure guard far shorter than that.
    chat.steps.append(Reply([f"```python\n{REVERSE}```"], delay=3600))
    chat.default = code_reply(REVERSE)
    _use(client, chat)
    params = lsp.ExecuteCommandParams(command=GENERATE_FROM_SPEC, arguments=[_request()])
    request = client.protocol.send_request(lsp.WORKSPACE_EXECUTE_COMMAND, params, msg_id="draft")
    await wait_until(lambda: bool(chat.requests), "the draft reaching the model")
    client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="draft"))
    with pytest.raises(JsonRpcException, match="canceled"):
        await asyncio.wait_for(asyncio.wrap_future(request), 60)  # not after the model's reply
    # Served without waiting for the cancelled draft:
    again = _generate(client, _request("reverse the tokens, after a cancel", open=False))
    result = await asyncio.wait_for(again, 60)
    assert result["status"] == "verified"
    assert all(isinstance(r[-1], lsp.WorkDoneProgressEnd) for r in _drafting_progress(client))
    # The cancelled draft's thread still waits for the model; the server exits all the same.
    try:
        await asyncio.wait_for(client.shutdown_session(), 60)
    finally:
        client.capabilities = None  # shut down already: nothing left for the fixture to do

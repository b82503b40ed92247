"""Hostile files through the real language server, as through `rasp check` in
tests/engine/test_containment.py: the key stays out of user code, nothing is written outside,
no socket connects, no process is started or left behind (not even after the server is
killed), nothing reaches the LSP channel, a file that poisons the checker cannot change the
diagnostics of a file checked after it, and a file that tampers with the checker still gets its
error (tests/fixtures/forging/)."""

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.engine.test_containment import (
    CONNECTS,
    FORK_BOMB,
    FORKS_AN_ORPHAN,
    LOOPS_AT_LOAD,
    PICKLE_RIDER,
    POISONS_LATER_FILES,
    READS_THE_KEY,
    WRITES_OUTSIDE,
    WRITES_TO_THE_FRONT_END,
)
from tests.engine.test_forged_verdicts import CAUGHT, FORGING
from tests.lsp_support import FIXTURES, ROOT, _make_client, open_document, wait_until
from tests.processes import alive, cmdline, descendants, processes_with
from tests.processes import wait_until as wait_until_gone

SECRET = f"sk-test-{uuid.uuid4().hex}"


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-P", "-m", "raspstudio", "serve"],
        client_factory=_make_client,
        server_env={**os.environ, "OPENAI_API_KEY": SECRET},
    )
)
async def client(lsp_client: LanguageClient):
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri()
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_user_code_in_the_server_never_sees_the_api_key(client, tmp_path: Path):
    uri = await open_document(client, tmp_path / "key.py", READS_THE_KEY)
    messages = [d.message for d in client.diagnostics[uri]]
    assert any("the key is None" in m for m in messages), messages
    assert not any(SECRET in m for m in messages)


async def test_a_poisoning_file_does_not_change_the_next_files_diagnostics(client, tmp_path):
    await open_document(client, tmp_path / "aaa_poison.py", POISONS_LATER_FILES)
    wrong = FIXTURES / "negative_numerical_map.py"
    uri = await open_document(client, tmp_path / "wrong.py", wrong.read_text())
    assert "RASP501" in [d.code for d in client.diagnostics[uri]]


@pytest.mark.parametrize("path", FORGING, ids=lambda p: p.stem)
async def test_a_file_cannot_forge_its_own_diagnostics(client, tmp_path: Path, path: Path):
    uri = await open_document(client, tmp_path / path.name, path.read_text())
    codes = {d.code for d in client.diagnostics[uri]}
    assert codes & CAUGHT, [d.message for d in client.diagnostics[uri]]


async def test_user_code_cannot_write_into_the_lsp_channel(client, tmp_path: Path):
    tag = f"forged-{uuid.uuid4().hex}"
    source = WRITES_TO_THE_FRONT_END.format(tag=tag)
    uri = await open_document(client, tmp_path / "forges.py", source)
    assert list(client.diagnostics[uri]) == []  # checked, verified: the server is fine
    assert not any(tag in m.message for m in client.messages)


async def test_a_value_that_would_run_code_when_unpickled_runs_nothing(client, tmp_path):
    marker = tmp_path / "rider-ran"
    source = PICKLE_RIDER.format(marker=str(marker))
    uri = await open_document(client, tmp_path / "rider.py", source)
    await wait_until(lambda: client.diagnostics.get(uri), "diagnostics")
    messages = [d.message for d in client.diagnostics[uri]]
    assert any("cannot leave the worker (plain data only)" in m for m in messages), messages
    assert not marker.exists()


async def test_nothing_is_written_outside_and_no_socket_connects(client, tmp_path: Path):
    target = tmp_path / "outside.txt"
    uri = await open_document(
        client, tmp_path / "writes.py", WRITES_OUTSIDE.format(target=str(target))
    )
    await wait_until(lambda: client.diagnostics.get(uri), "diagnostics")
    assert [d.code for d in client.diagnostics[uri]] == ["RASP102"]
    assert not target.exists()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    try:
        source = CONNECTS.format(port=listener.getsockname()[1])
        await open_document(client, tmp_path / "connects.py", source)
        with pytest.raises(TimeoutError):  # the check is over: any connection is queued now
            listener.accept()
    finally:
        listener.close()


async def test_no_process_is_started_or_left_behind(client, tmp_path: Path):
    tag = f"rasp-orphan-{uuid.uuid4().hex}"
    for name, source in (("forks.py", FORKS_AN_ORPHAN.format(tag=tag)), ("bomb.py", FORK_BOMB)):
        uri = await open_document(client, tmp_path / name, source)
        await wait_until(lambda uri=uri: client.diagnostics.get(uri), "diagnostics")
        assert "Operation not permitted" in client.diagnostics[uri][0].message
    wait_until_gone(lambda: not processes_with(tag), "the forked process ending")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=str)
def test_the_worker_ends_when_the_server_is_killed(tmp_path: Path, how: signal.Signals):
    program = tmp_path / "spins.py"
    program.write_text(LOOPS_AT_LOAD)
    server = subprocess.Popen(
        [sys.executable, "-P", "-m", "raspstudio", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        send = _sender(server)
        send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
        send({"method": "initialized", "params": {}})
        document = {
            "uri": program.as_uri(),
            "languageId": "python",
            "version": 1,
            "text": program.read_text(),
        }
        send({"method": "textDocument/didOpen", "params": {"textDocument": document}})

        def spinning() -> bool:  # the worker, and the child running the file
            tree = descendants(server.pid)
            return sum("raspstudio.worker" in cmdline(p) for p in tree) >= 2

        wait_until_gone(spinning, "the worker running the file")
        tree = descendants(server.pid)
        server.send_signal(how)
        server.wait(60)
        wait_until_gone(lambda: not any(alive(p) for p in tree), "the worker's tree ending")
    finally:
        server.kill()


def _sender(server: subprocess.Popen):
    import json

    def send(message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    return send

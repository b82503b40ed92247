"""Hostile files through the real language server: the key stays out of user code, a file that
poisons the checker cannot change the diagnostics of a file checked after it, and a file that
tampers with the checker still gets its error (tests/fixtures/forging/)."""

import os
import sys
import uuid
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.engine.test_containment import (
    POISONS_LATER_FILES,
    READS_THE_KEY,
    WRITES_TO_THE_FRONT_END,
)
from tests.engine.test_forged_verdicts import CAUGHT, FORGING
from tests.lsp_support import FIXTURES, ROOT, _make_client, open_document

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

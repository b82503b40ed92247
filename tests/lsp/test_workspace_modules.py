"""A workspace's own `typing.py` (or `select.py`, `numbers.py`, ...) never runs in our processes.

The server is started exactly as the VS Code extension starts it (the arguments are read from
editor-extension/src/serverCommand.ts), from the workspace folder as current folder. Each
planted module writes a marker file if it is ever imported. In a trusted workspace the program
beside them is checked (its own helper module still imports), in an untrusted one nothing runs;
in neither does a marker appear.
"""

import json
import re
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.lsp_support import ROOT, _make_client, codes, open_document

SHADOWS = ["typing", "select", "numbers", "string", "token", "statistics", "colorsys"]
PLANTED = 'import pathlib\npathlib.Path(__file__).with_suffix(".ran").write_text("imported")\n'

PROGRAM = """import colorsys
import statistics

from helpers import double
from tracr.rasp import rasp

VOCAB = {1, 2}
MAX_SEQ_LEN = 2
assert statistics.mean([1, 3]) == 2 and colorsys.rgb_to_hsv(0, 0, 0) == (0, 0, 0)
program = rasp.numerical(rasp.Map(double, rasp.tokens)).named("program")
"""


def _extension_server_args() -> list[str]:
    source = (ROOT / "editor-extension/src/serverCommand.ts").read_text()
    (args,) = re.findall(r"export const SERVER_ARGS = (\[.*?\]);", source)
    return json.loads(args)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    for name in SHADOWS:
        (tmp_path / f"{name}.py").write_text(PLANTED)
    (tmp_path / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    (tmp_path / "program.py").write_text(PROGRAM)
    return tmp_path


async def _check_in(workspace: Path, execute: bool) -> list[str]:
    client: LanguageClient = _make_client()
    await client.start_io(sys.executable, *_extension_server_args(), cwd=workspace)
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                initialization_options={"execute": execute},
                root_uri=workspace.as_uri(),
            )
        )
        uri = await open_document(client, workspace / "program.py")
        found = codes(client, uri)
        await client.shutdown_session()
    finally:
        await client.stop()
    return found


def test_the_extension_keeps_the_current_folder_off_sys_path():
    assert _extension_server_args()[:3] == ["-P", "-m", "raspstudio"]


@pytest.mark.parametrize("execute", [True, False], ids=["trusted", "untrusted"])
async def test_workspace_modules_never_run_in_the_server_or_worker(workspace: Path, execute):
    found = await _check_in(workspace, execute)
    assert sorted(p.name for p in workspace.glob("*.ran")) == []
    assert found == []  # trusted: verified, helper imported; untrusted: nothing ran, no error

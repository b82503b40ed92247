"""`rasp serve` driven by Node's vscode-languageserver-protocol, the stack VS Code's client uses.

Unlike pytest-lsp's client, it fails on a single stray byte on the server's stdout. The checks
themselves live in tests/node/e2e.mjs and typing.mjs; this runs them (installing their pinned
packages with `npm ci` on first use). Node and npm are required: a missing one fails the test,
it never skips.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
NODE_DIR = ROOT / "tests" / "node"


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"`{tool}` is not on PATH: install Node.js 20 with npm to run this test")
    return found


def _install_packages() -> None:
    if (NODE_DIR / "node_modules").is_dir():
        return
    npm = _require("npm")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"`npm ci` in {NODE_DIR} failed:\n{result.stdout}\n{result.stderr}")


def _run(script: str, timeout: float) -> str:
    """Run a script of tests/node against the real server; its stdout, failing on exit != 0."""
    node = _require("node")
    _install_packages()
    result = subprocess.run(
        [node, str(NODE_DIR / script)],
        cwd=ROOT,
        env={**os.environ, "RASP_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    return result.stdout


def test_vscode_jsonrpc_client_gets_diagnostics_hover_and_a_clean_exit():
    assert "ok: the server exited with 0" in _run("e2e.mjs", 120)


def test_pulled_diagnostics_keep_an_error_while_typing_and_saving():
    """20 keystrokes and a save, pulling as vscode-languageclient 9.0.1 does (a cancelled pull
    clears the view): the RASP501 that the typing leaves in place never leaves the view."""
    assert "ok: RASP501 stayed in all" in _run("typing.mjs", 180)

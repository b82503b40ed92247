"""`rasp serve` in a real Neovim, headless: the client config docs/editors.md recommends works.

tests/neovim/check.lua starts the server with `vim.lsp.start_client` (Neovim 0.7's API, which
later versions keep), attaches it to a buffer holding a miscompiled program, and writes the
diagnostics Neovim holds as JSON. Neovim is required: a missing `nvim` fails, it never skips.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
INSTALL = "apt-get install -y neovim"


def _run_check(tmp_path: Path, typing: bool) -> dict:
    """Run tests/neovim/check.lua in a headless Neovim; what it wrote."""
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.fail(f"`nvim` is not on PATH: install Neovim ≥ 0.7 (`{INSTALL}`, or `make test`)")
    out = tmp_path / "diagnostics.json"
    env = {**os.environ, "RASP_PYTHON": sys.executable, "RASP_NVIM_OUT": str(out)}
    if typing:
        env["RASP_NVIM_TYPING"] = "1"
    result = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-c", "luafile tests/neovim/check.lua"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = f"exit code {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    assert out.exists(), output
    return json.loads(out.read_text())


def test_neovim_shows_the_miscompilation_at_its_line(tmp_path: Path):
    found = _run_check(tmp_path, typing=False)
    assert found["code"] == "RASP501", found
    assert found["line"] == 8, found  # 0-based: `program = ...` on line 9
    assert found["source"] == "rasp", found
    assert "miscompilation" in found["message"], found


def test_neovim_keeps_the_error_while_a_comment_is_typed_and_saved(tmp_path: Path):
    """Sampled every 10 ms through 20 keystrokes, a save and the checks after them."""
    found = _run_check(tmp_path, typing=True)
    assert found["samples"] > 100, found
    assert found["missing"] == [], found

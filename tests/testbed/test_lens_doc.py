"""docs/export.md's TransformerLens example runs as written, in a folder where `rasp export`
wrote testbeds/reverse, and prints what the page says it prints."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_rasp

pytestmark = pytest.mark.lens

ROOT = Path(__file__).parents[2]


def _block(text: str, marker: str) -> str:
    return re.search(rf"<!-- {marker} -->\n```(?:python)?\n(.*?)```", text, re.S).group(1)


def test_the_documented_transformer_lens_example_prints_what_the_page_says(tmp_path: Path):
    page = (ROOT / "docs/export.md").read_text()
    exported = run_rasp(
        "export", str(ROOT / "programs/positional/reverse.py"), "-o", str(tmp_path / "testbeds")
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    (tmp_path / "example.py").write_text(_block(page, "lens-example"))
    result = subprocess.run(
        [sys.executable, "example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == _block(page, "lens-output")

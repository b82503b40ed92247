"""docs/export.md's TransformerLens example runs as written, in a folder where `rasp export`
wrote testbeds/reverse, and prints what the page says it prints."""

from pathlib import Path

import pytest

from tests.conftest import doc_block, run_python, run_rasp

pytestmark = pytest.mark.lens

ROOT = Path(__file__).parents[2]


def test_the_documented_transformer_lens_example_prints_what_the_page_says(tmp_path: Path):
    exported = run_rasp(
        "export", str(ROOT / "programs/positional/reverse.py"), "-o", str(tmp_path / "testbeds")
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    result = run_python(doc_block("export.md", "lens-example"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == doc_block("export.md", "lens-output")

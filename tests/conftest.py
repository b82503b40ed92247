"""Shared helpers: the real `rasp` console script, fixture paths and a warm engine."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from raspstudio.engine.file_requests import Engine

pytest_plugins = ["tests.repl_support"]  # the `repl` fixtures of the modules of tests/repl/

# Drafting tests talk to their own model server (tests/llm_server.py), never to a real endpoint
# a developer's environment happens to configure; subprocesses inherit this.
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RASP_LLM_MODEL"):
    os.environ.pop(_name, None)

FIXTURES = Path(__file__).parent / "fixtures"
RASP = Path(sys.executable).parent / "rasp"
DOCS = Path(__file__).parents[1] / "docs"


def doc_block(page: str, marker: str) -> str:
    """The fenced block after `<!-- marker -->` in docs/<page>: code the page shows, or the
    output it says that code prints."""
    text = (DOCS / page).read_text()
    return re.search(rf"<!-- {marker} -->\n```(?:python)?\n(.*?)```", text, re.S).group(1)


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `code` as a script in `cwd`, as a reader of the docs would."""
    (cwd / "example.py").write_text(code)
    return subprocess.run(
        [sys.executable, "example.py"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_rasp(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the installed `rasp` command as a user would (`env`: added to the environment)."""
    return subprocess.run(
        [str(RASP), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=900,
        check=False,
    )


def check_json(*paths: str | Path, extra: tuple[str, ...] = ()) -> dict:
    """`rasp check --format json` on paths; stdout must be exactly one JSON document."""
    result = run_rasp("check", "--format", "json", *extra, *map(str, paths))
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def diagnostics_by_file(report: dict) -> dict[str, list[dict]]:
    return {Path(f["path"]).name: f["diagnostics"] for f in report["files"]}


@pytest.fixture(scope="session")
def engine():
    engine = Engine()
    yield engine
    engine.close()

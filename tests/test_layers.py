"""The package's layers, and who may import whom, read from the source's import statements.

The root modules of `raspstudio` are shared leaves. `engine/` is the front ends' one door to the
worker; `worker/` (the process that runs user code) is started by module name and imported by
nobody; `pipeline/` finds what is wrong with programs inside it. `judge/` decides verdicts from
plain data, in the front end: it imports nothing that runs user code. Front ends and drafting
never reach past the engine into the pipeline or the worker, and neither of those knows any
front end.
`testbed/` reads exported testbeds, which are data: it needs nothing but the root. Imports
inside functions count: a lazy import is still a dependency.
"""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "raspstudio"

ALLOWED = {
    "root": {"root"},
    "judge": {"root", "judge"},
    "engine": {"root", "judge", "engine"},
    "pipeline": {"root", "judge", "pipeline"},
    "worker": {"root", "judge", "pipeline", "worker"},
    "drafting": {"root", "engine", "drafting"},
    "lsp": {"root", "engine", "drafting", "lsp"},
    "repl": {"root", "engine", "drafting", "repl"},
    "testbed": {"root", "testbed"},  # exported testbeds are data: read without the engine
    "sampling": {"root", "engine", "testbed", "sampling"},  # samples must export
    "cli": {"root", "engine", "drafting", "cli", "lsp", "repl", "testbed", "sampling"},
}


def _layer(module: str) -> str:
    """`raspstudio.engine.worker_client` -> engine; a root module (or the package) -> root."""
    if module == "raspstudio.__main__":  # `python -m raspstudio` is the CLI
        return "cli"
    parts = module.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "root"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every `raspstudio` module this file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] == "raspstudio"}


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_layer_is_known():
    layers = {_layer(_module_name(path)) for path in _sources()}
    assert layers == set(ALLOWED)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layering(path: Path):
    importer = _layer(_module_name(path))
    wrong = sorted(
        name
        for name in _imports(path)
        if name != "raspstudio" and _layer(name) not in ALLOWED[importer]
    )
    assert wrong == [], f"{importer}/ may import only {sorted(ALLOWED[importer])}"


def test_the_worker_is_started_by_module_name():
    client = (PACKAGE / "engine" / "worker_client.py").read_text()
    assert '"raspstudio.worker"' in client


def test_the_wheel_installs_one_top_level_package(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("rasp_studio-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".data")}
    assert {t for t in top if not t.endswith(".dist-info")} == {"raspstudio"}
    (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")] or [None]
    if top_level is not None:
        assert zipfile.ZipFile(wheel).read(top_level).decode().split() == ["raspstudio"]

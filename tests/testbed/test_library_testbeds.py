"""The whole library as testbeds: `rasp export programs/` exports every program (each with a
circuit that passes the ablation check), and `rasp testbed verify` passes on every testbed
with both backends, from the files alone.

The export takes minutes (an ablation per pair of nodes, per program); its tests share one
export, and run on one pytest-xdist worker (the `xdist_group` below, with `--dist
loadgroup`).
"""

import json
from pathlib import Path

import pytest

from tests.conftest import run_rasp

ROOT = Path(__file__).parents[2]
LIBRARY_FILES = sorted((ROOT / "programs").glob("*/*.py"))

pytestmark = pytest.mark.xdist_group("library_testbeds")


@pytest.fixture(scope="module")
def testbeds(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("library") / "testbeds"
    result = run_rasp("export", str(ROOT / "programs"), "-o", str(out))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.splitlines()[-1] == (
        f"Exported {len(LIBRARY_FILES)} programs to {out}; 0 skipped."
    )
    return out


def test_every_library_program_exports_with_a_circuit_that_passes(testbeds: Path):
    for folder in sorted(testbeds.iterdir()):
        checked = json.loads((folder / "circuit.json").read_text())["checked"]
        assert checked["necessary"] == checked["edges"] > 0, folder.name
        assert checked["spurious_found"] == 0, folder.name


@pytest.mark.parametrize(
    "backend", ["numpy", pytest.param("transformer-lens", marks=pytest.mark.lens)]
)
def test_every_library_testbed_verifies(testbeds: Path, backend: str):
    result = run_rasp("testbed", "verify", str(testbeds), "--backend", backend, "--format", "json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    verdicts = json.loads(result.stdout)["testbeds"]
    assert len(verdicts) == len(LIBRARY_FILES)
    for verdict in verdicts:
        assert verdict["ok"] and verdict["agree"] == verdict["inputs"] > 0, verdict
        circuit = verdict["circuit"]
        assert circuit["necessary"] == circuit["edges"] and circuit["spurious_found"] == 0

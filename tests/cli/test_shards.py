"""`rasp export --shard-size K`: K testbeds to a shard (safetensors + JSON Lines), holding what
a folder export writes, the same bytes every time, written whole or not at all."""

import json
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from safetensors import safe_open
from safetensors.numpy import load_file

from raspstudio.testbed import shards
from tests.conftest import RASP, doc_block, run_python, run_rasp

ROOT = Path(__file__).parents[2]
PROGRAMS = [
    ROOT / "programs/maps/token_parity.py",
    ROOT / "programs/positional/reverse.py",
    ROOT / "programs/maps/fraction_of_a.py",
]
NAMES = ["token_parity", "reverse", "fraction_of_a"]
SHARD_FILES = [
    "shard-00000.jsonl",
    "shard-00000.safetensors",
    "shard-00001.jsonl",
    "shard-00001.safetensors",
]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three programs exported as folders, and as shards of 2 three times (once with two
    jobs)."""
    base = tmp_path_factory.mktemp("exports")
    sharded = ("--shard-size", "2")
    runs = {
        "folders": (),
        "shards": sharded,
        "again": sharded,
        "two_jobs": (*sharded, "--jobs", "2"),
    }
    for name, extra in runs.items():
        result = run_rasp("export", "-o", str(base / name), *extra, *map(str, PROGRAMS))
        assert result.returncode == 0, result.stderr
    return base


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_shards_hold_the_testbeds_of_a_folder_export_bit_for_bit(exports: Path):
    out = exports / "shards"
    assert list(_files(out)) == SHARD_FILES
    loaded = shards.load(out / "shard-00000.jsonl") + shards.load(out / "shard-00001.safetensors")
    assert [t.folder.name for t in loaded] == NAMES
    lines = [json.loads(line) for s in (0, 1) for line in (out / f"shard-{s:05d}.jsonl").open()]
    for testbed, line in zip(loaded, lines, strict=True):
        folder = exports / "folders" / testbed.folder.name
        expected = load_file(str(folder / "weights.safetensors"))
        assert sorted(testbed.arrays) == sorted(expected)
        for name, value in expected.items():
            got = testbed.arrays[name]
            assert (got.dtype, got.shape, got.tobytes()) == (
                value.dtype,
                value.shape,
                value.tobytes(),
            )
        assert testbed.model == json.loads((folder / "model.json").read_text())
        assert testbed.examples == json.loads((folder / "examples.json").read_text())
        assert testbed.circuit == json.loads((folder / "circuit.json").read_text())
        assert line["program"] == (folder / "program.py").read_text()
    with safe_open(str(out / "shard-00000.safetensors"), "numpy") as f:
        assert f.metadata()["format"] == "rasp-studio shard 1"
        assert f.metadata()["testbeds"] == "2"
        assert "reverse/unembed" in f.keys()  # noqa: SIM118 - safe_open is no dict


def test_the_same_programs_give_the_same_bytes_with_one_job_or_two(exports: Path):
    first = _files(exports / "shards")
    assert _files(exports / "again") == first
    assert _files(exports / "two_jobs") == first


@pytest.mark.parametrize("size", ["0", "-2", "two"])
def test_a_shard_size_below_one_is_a_usage_error(tmp_path: Path, size: str):
    result = run_rasp("export", "--shard-size", size, "-o", str(tmp_path / "out"), str(PROGRAMS[0]))
    assert result.returncode == 2
    assert "argument --shard-size:" in result.stderr and result.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("extra", [(), ("--shard-size", "2")])
def test_a_folder_that_cannot_be_written_is_a_one_line_error(tmp_path: Path, extra: tuple):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_rasp("export", *extra, "-o", str(blocker / "out"), str(PROGRAMS[0]))
    assert result.returncode == 2
    assert result.stderr.startswith(f"rasp: error: cannot write to {blocker / 'out'}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [blocker]


def _limit_file_size() -> None:
    """A disk that fills: files beyond 30 kB cannot be written (EFBIG, not a signal). The soft
    limit only: the worker sets its own."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, hard))


def test_a_disk_full_mid_export_leaves_only_complete_shards(tmp_path: Path):
    # shard 0 (token_parity) fits; shard 1 (reverse) has 47 kB of weights and does not
    out = tmp_path / "out"
    result = subprocess.run(
        [str(RASP), "export", "--shard-size", "1", "-o", str(out), *map(str, PROGRAMS)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        preexec_fn=_limit_file_size,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"rasp: error: cannot write to {out}: File too large\n"
    assert sorted(p.name for p in out.iterdir()) == SHARD_FILES[:2]  # no temporary file either
    assert [t.folder.name for t in shards.load(out / "shard-00000.jsonl")] == ["token_parity"]


def test_the_documented_shard_loader_prints_what_the_page_says(tmp_path: Path):
    programs = [ROOT / "programs/positional/reverse.py", ROOT / "programs/maps/fraction_of_a.py"]
    exported = run_rasp(
        "export", "-o", "testbeds", "--shard-size", "2", *map(str, programs), cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    numpy_run = doc_block("export.md", "export-example").split("\n\nmodel, weights = load(")[0]
    check = 'print(run(reverse["model"], reverse["weights"], ["a", "b", "c"]))\n'
    code = doc_block("export.md", "shard-example") + numpy_run + "\n" + check
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == doc_block("export.md", "shard-output") + "['c', 'b', 'a']\n"


def test_testbed_verify_checks_a_folder_of_shards_and_a_shard_file(exports: Path):
    out = exports / "shards"
    result = run_rasp("testbed", "verify", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    expected = [out / "shard-00000/token_parity", out / "shard-00000/reverse"]
    expected.append(out / "shard-00001/fraction_of_a")
    assert [line.split(": ok: ")[0] for line in lines[:3]] == list(map(str, expected))
    assert lines[3:] == ["Verified 3 testbeds: 0 failed."]
    one = run_rasp("testbed", "verify", str(out / "shard-00001.safetensors"))
    assert one.returncode == 0 and one.stdout.startswith(f"{expected[2]}: ok: ")


def test_testbed_verify_finds_a_tampered_example_in_a_shard(exports: Path, tmp_path: Path):
    shutil.copytree(exports / "shards", tmp_path / "out")
    jsonl = tmp_path / "out" / "shard-00000.jsonl"
    entries = [json.loads(line) for line in jsonl.read_text().splitlines()]
    outputs = entries[0]["examples"]["outputs"]
    outputs[0] = [None if v is None else 1 - v for v in outputs[0]]  # token parity, flipped
    jsonl.write_text("".join(json.dumps(entry) + "\n" for entry in entries))
    result = run_rasp("testbed", "verify", str(jsonl))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'out/shard-00000/token_parity'}: FAILED: ")
    assert ": ok: " in lines[1] and lines[2] == "Verified 2 testbeds: 1 failed."


def test_force_over_a_larger_export_leaves_no_shard_of_it(tmp_path: Path):
    out = tmp_path / "out"
    first = run_rasp("export", "-o", str(out), "--shard-size", "1", *map(str, PROGRAMS))
    assert first.returncode == 0, first.stderr
    (out / "notes.txt").write_text("mine")  # not a shard: stays
    again = run_rasp("export", "-o", str(out), "--force", "--shard-size", "2", str(PROGRAMS[0]))
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "notes.txt",
        "shard-00000.jsonl",
        "shard-00000.safetensors",
    ]
    assert "Removed 2 shards of an earlier export beyond the last one." in again.stdout
    assert [t.folder.name for t in shards.load(out / "shard-00000.jsonl")] == ["token_parity"]

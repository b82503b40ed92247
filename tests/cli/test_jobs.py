"""`--jobs N`: files over N processes, each with its own worker, and output that of one job."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, RASP, run_rasp

ROOT = Path(__file__).parents[2]
# The file that runs out of time comes first, so it finishes last with two jobs: the output
# must still list it first. Another crashes its worker.
CHECKED = [
    FIXTURES / "hostile/loops_forever.py",
    FIXTURES / "sample.py",
    FIXTURES / "hostile/hard_exit.py",
    FIXTURES / "none_output.py",
]
EXPORTED = [
    ROOT / "programs/positional/reverse.py",
    ROOT / "programs/maps/fraction_of_a.py",
    ROOT / "programs/maps/token_parity.py",
]


def _check(*args: str) -> tuple[int, str]:
    result = run_rasp("check", "--timeout", "2", *args, *map(str, CHECKED))
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_check_with_two_jobs_prints_what_one_job_prints(output_format: str):
    one = _check("--format", output_format)
    two = _check("--format", output_format, "--jobs", "2")
    assert two == one
    assert one[0] == 1 and "RASP106" in one[1] and "RASP107" in one[1]  # timeout, crash
    assert one[1].index("loops_forever.py") < one[1].index("none_output.py")


def test_jobs_0_is_one_per_core():
    assert _check("--format", "json", "--jobs", "0") == _check("--format", "json")


@pytest.mark.parametrize("jobs", ["-1", "two"])
def test_a_negative_or_non_integer_number_of_jobs_is_a_usage_error(jobs: str):
    result = run_rasp("check", "--jobs", jobs, str(FIXTURES / "sample.py"))
    assert result.returncode == 2
    assert "argument --jobs:" in result.stderr and result.stdout == ""


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _export(out: Path, jobs: str, paths: list[Path]):
    result = run_rasp("export", "--jobs", jobs, "-o", str(out), *map(str, paths))
    return result.returncode, result.stdout.replace(str(out), "OUT"), result.stderr


def test_export_with_two_jobs_writes_the_same_bytes_as_one_job(tmp_path: Path):
    one = _export(tmp_path / "one", "1", EXPORTED)
    two = _export(tmp_path / "two", "2", EXPORTED)
    assert one == two
    assert one[0] == 0 and one[1].endswith("Exported 3 programs to OUT; 0 skipped.\n")
    written = _files(tmp_path / "one")
    assert len(written) == 3 * 6  # model, circuit, examples, weights (2), program.py each
    assert _files(tmp_path / "two") == written


def test_a_name_collision_stops_two_jobs_where_it_stops_one(tmp_path: Path):
    twin = tmp_path / "elsewhere" / "reverse.py"
    twin.parent.mkdir()
    shutil.copyfile(EXPORTED[0], twin)
    paths = [EXPORTED[0], twin, EXPORTED[1]]
    one = _export(tmp_path / "one", "1", paths)
    two = _export(tmp_path / "two", "2", paths)
    assert one == two
    assert one[0] == 2 and "would both be exported as reverse" in one[2]
    assert _files(tmp_path / "two") == _files(tmp_path / "one")
    assert [p.name for p in (tmp_path / "two").iterdir()] == ["reverse"]


def _children(pid: int) -> list[int]:
    """From /proc: no dependency for a lookup or two."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:  # it has ended
        return []


def _pool_processes(pid: int) -> list[int]:
    """The pool processes `pid` started (its other child is multiprocessing's resource
    tracker)."""
    return [c for c in _children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _loop_check(folder: Path) -> subprocess.Popen:
    """`rasp check --jobs 2` on two files that run until their (long) time limit."""
    paths = [folder / f"loops_{i}.py" for i in range(2)]
    for path in paths:
        shutil.copyfile(FIXTURES / "hostile/loops_forever.py", path)
    return subprocess.Popen(
        [str(RASP), "check", "--jobs", "2", "--timeout", "300", *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _busy_pool(folder: Path) -> tuple[subprocess.Popen, list[int]]:
    """`_loop_check`, once both of its pool processes are running a file (each has started
    its worker)."""
    rasp = _loop_check(folder)
    deadline = time.monotonic() + 120  # a failure guard, not a measure
    while time.monotonic() < deadline:
        pool = _pool_processes(rasp.pid)
        if len(pool) == 2 and all(_children(p) for p in pool):
            return rasp, pool
        time.sleep(0.05)
    rasp.kill()
    raise AssertionError("the pool never ran both files")


def test_a_killed_jobs_process_ends_the_command_with_one_line(tmp_path: Path):
    rasp, pool = _busy_pool(tmp_path)
    try:
        os.kill(pool[0], signal.SIGKILL)
        _, stderr = rasp.communicate(timeout=120)
    finally:
        rasp.kill()
    assert rasp.returncode == 2
    assert stderr.splitlines() == [
        "rasp: error: a --jobs process ended unexpectedly (killed, or out of memory?); "
        "nothing after the files reported was checked"
    ]


def test_a_jobs_process_killed_as_the_pool_starts_is_one_line_too(tmp_path: Path):
    # The pool may still be starting its other process: ten tries, since the moment varies.
    for _ in range(10):
        rasp = _loop_check(tmp_path)
        try:
            deadline = time.monotonic() + 120  # a failure guard, not a measure
            while not (pool := _pool_processes(rasp.pid)) and time.monotonic() < deadline:
                time.sleep(0.005)
            os.kill(pool[0], signal.SIGKILL)
            _, stderr = rasp.communicate(timeout=120)
        finally:
            rasp.kill()
        assert rasp.returncode == 2, stderr
        assert stderr.startswith("rasp: error: a --jobs process ended unexpectedly"), stderr
        assert len(stderr.splitlines()) == 1


def test_the_jobs_processes_end_with_a_killed_command(tmp_path: Path):
    rasp, pool = _busy_pool(tmp_path)
    rasp.kill()  # SIGKILL: the command gets no chance to stop its pool
    rasp.communicate()
    deadline = time.monotonic() + 120  # a failure guard, not a measure
    while (alive := [p for p in pool if _running(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:  # leave nothing behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False

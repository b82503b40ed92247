"""`--scheduler ADDRESS`: `rasp check`, `rasp export` and `rasp sample` on a real Dask cluster (a
scheduler and two workers, started here with Dask's own `dask` command on 127.0.0.1) give what
they give locally, and a worker killed mid-run loses no file.

One xdist group: the module's cluster is started once, on one pytest worker, not once per
worker (each cluster is three processes and two sandboxed workers on a two-core machine)."""

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from tests.conftest import FIXTURES, RASP, run_rasp
from tests.dask_cluster import GUARD, local_cluster

pytestmark = pytest.mark.xdist_group("dask")

ROOT = Path(__file__).parents[2]
FILES = [
    FIXTURES / "hostile/hard_exit.py",  # crashes its worker: the same diagnostic on a cluster
    FIXTURES / "sample.py",
    FIXTURES / "none_output.py",
    ROOT / "programs/positional/reverse.py",
    ROOT / "programs/maps/fraction_of_a.py",
]
LOST = re.compile(
    r"rasp: Dask worker tcp://127\.0\.0\.1:\d+ was lost with \d+ files? in hand; Dask is "
    r"running (it|them) again"
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[str]:
    with local_cluster(tmp_path_factory.mktemp("dask")) as (address, _):
        yield address


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_check_on_a_cluster_prints_what_it_prints_here(cluster: str, output_format: str):
    files = list(map(str, FILES))
    here = run_rasp("check", "--format", output_format, *files)
    there = run_rasp("check", "--format", output_format, "--scheduler", cluster, *files)
    assert (there.returncode, there.stdout) == (here.returncode, here.stdout)
    assert here.returncode == 1 and "RASP107" in here.stdout  # hard_exit's crash


def test_the_scheduler_can_come_from_the_environment(cluster: str):
    here = run_rasp("check", "--format", "json", str(FILES[1]))
    there = run_rasp(
        "check", "--format", "json", str(FILES[1]), env={"RASP_DASK_SCHEDULER": cluster}
    )
    assert there.stdout == here.stdout and there.returncode == 0


def test_export_on_a_cluster_writes_the_same_bytes_as_here(cluster: str, tmp_path: Path):
    here = run_rasp("export", "-o", str(tmp_path / "here"), *map(str, FILES))
    there = run_rasp(
        "export", "--scheduler", cluster, "-o", str(tmp_path / "there"), *map(str, FILES)
    )
    assert there.returncode == here.returncode == 1  # hard_exit crashes: not exported
    assert there.stdout.replace("there", "here") == here.stdout
    assert _files(tmp_path / "there") == _files(tmp_path / "here")
    assert len(_files(tmp_path / "here")) == 4 * 6  # the other four, six files each


def test_sample_on_a_cluster_writes_the_same_files_as_here(cluster: str, tmp_path: Path):
    here = run_rasp("sample", "12", "--seed", "1", "-o", str(tmp_path / "here"))
    there = run_rasp(
        "sample", "12", "--seed", "1", "--scheduler", cluster, "-o", str(tmp_path / "there")
    )
    assert there.returncode == here.returncode == 0, there.stderr
    assert there.stdout.replace("there", "here") == here.stdout  # the same tally
    assert _files(tmp_path / "there") == _files(tmp_path / "here")
    assert len(_files(tmp_path / "here")) == 12


def _slow_copies(folder: Path, count: int) -> list[Path]:
    """Programs that take seconds to load, so that a worker can be killed while it holds one."""
    text = (ROOT / "programs/positional/reverse.py").read_text()
    paths = [folder / f"slow_{i}.py" for i in range(count)]
    for path in paths:
        path.write_text("import time\n\ntime.sleep(3)\n" + text)
    return paths


def _kill_a_busy_worker(address: str, workers: dict[str, subprocess.Popen]) -> None:
    """Wait until a worker runs one of rasp's tasks, then kill it (SIGKILL, no goodbye)."""
    with Client(address, timeout=GUARD) as client:
        deadline = time.monotonic() + GUARD
        while time.monotonic() < deadline:
            busy = [a for a, keys in client.processing().items() if any("rasp-" in k for k in keys)]
            if busy:
                name = client.scheduler_info()["workers"][busy[0]]["name"]
                os.killpg(workers[name].pid, signal.SIGKILL)
                return
            time.sleep(0.05)
    raise AssertionError("no worker ever ran a task of rasp's")


@pytest.mark.parametrize("command", ["check", "export"])
def test_a_worker_killed_mid_run_loses_no_file_and_it_is_said(tmp_path: Path, command: str):
    paths = list(map(str, _slow_copies(tmp_path, 4)))
    output = ["-o", str(tmp_path / "out")] if command == "export" else ["--format", "json"]
    with local_cluster(tmp_path) as (address, workers):
        rasp = subprocess.Popen(
            [str(RASP), command, "--timeout", "60", "--scheduler", address, *output, *paths],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _kill_a_busy_worker(address, workers)
            stdout, stderr = rasp.communicate(timeout=GUARD)
        finally:
            rasp.kill()
    assert rasp.returncode == 0, stderr
    assert LOST.search(stderr), stderr
    assert re.search(r"1 Dask worker lost; \d+ files? run again, none lost", stderr), stderr
    here_output = ["-o", str(tmp_path / "here")] if command == "export" else ["--format", "json"]
    here = run_rasp(command, "--timeout", "60", "--jobs", "2", *here_output, *paths)
    if command == "export":
        assert _files(tmp_path / "out") == _files(tmp_path / "here")
        assert len(_files(tmp_path / "out")) == 4 * 6
    assert stdout.replace("/out", "/here") == here.stdout


@pytest.mark.parametrize(
    "address, says",
    [
        ("tcp://127.0.0.1:1", "Timed out trying to connect to tcp://127.0.0.1:1"),
        ("not an address", "missing port number"),
        ("nonsense://host:1", "unknown address scheme 'nonsense'"),
    ],
)
def test_an_unreachable_or_malformed_scheduler_is_one_line(address: str, says: str):
    result = run_rasp("check", "--scheduler", address, str(FILES[1]))
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"rasp: error: cannot reach the Dask scheduler at {address}: "
    )
    assert says in lines[0]


def test_jobs_and_a_scheduler_are_refused_together():
    result = run_rasp("check", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1", str(FILES[1]))
    assert result.returncode == 2
    assert result.stderr == (
        "rasp: error: --jobs cannot be combined with a Dask scheduler (--scheduler, or "
        "$RASP_DASK_SCHEDULER): the cluster's workers are its jobs\n"
    )


def test_sample_with_a_scheduler_it_cannot_reach_makes_no_folder(tmp_path: Path):
    out = tmp_path / "samples"
    result = run_rasp("sample", "3", "--scheduler", "not an address", "-o", str(out))
    assert result.returncode == 2 and "cannot reach the Dask scheduler" in result.stderr
    assert not out.exists()

"""A corpus as users build one: `rasp sample N` then `rasp export --shard-size K`, each with
`--jobs J`, timed, with the peak memory of every kind of process and whether the long-lived
ones grow as they work (issue 19: a worker after 10,000 programs should use no more memory
than after 100).

    .venv/bin/python benchmarks/corpus_bench.py [--count N] [--seed S] [--jobs J]
                                                [--shard-size K] [--keep DIR]

Defaults: N 10,000, seed 1, J 2, K 1,000; files go to a temporary folder unless `--keep DIR`
(which must not exist or be empty). Each step is the real `rasp` command next to this Python.
While it runs, its process tree is read from /proc every 0.2 s (no dependency): VmRSS and VmHWM
of the front end (the `rasp` process), the pool processes (`spawn_main`), the isolated workers
(`raspstudio.worker`; the Python inside bubblewrap when it wraps them) and the worker's
per-file children (forked with the worker's command line; they live for one file, so a poll
sees most of them, not all). Each long-lived process's VmRSS is recorded when about 100
programs are done, at a quarter, half and three quarters of the run, and at the last poll.
Progress is what a user sees: kept samples (sample_*.py files) while sampling, and lines of
export's stdout for one program while exporting (" -> " when written, " skipped: " when not);
written ones come a shard at a time, so export's marks lag (skipped ones come as they are found).
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RASP = Path(sys.executable).parent / "rasp"
POLL_S = 0.2
ROLES = ("front end", "pool process", "worker", "per-file child")
LONG_LIVED = ("front end", "pool process", "worker")
MIB = 1024  # /proc reports kB


@dataclass
class Proc:
    """One process as /proc showed it at one poll (memory in kB)."""

    pid: int
    ppid: int
    argv: list[str]
    rss: int
    hwm: int


def _read(path: str) -> str | None:
    """A /proc file, or None when its process has ended meanwhile."""
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return None


def _parents() -> dict[int, int]:
    """pid -> parent pid for every process now (field 4 of /proc/PID/stat, after the name)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _read(f"/proc/{entry}/stat")):
            parents[int(entry)] = int(stat.rpartition(")")[2].split()[1])
    return parents


def _status_kb(status: str, key: str) -> int:
    match = re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


def tree(root: int) -> list[Proc]:
    """`root` and its descendants that are still alive when read."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        cmdline, status = _read(f"/proc/{pid}/cmdline"), _read(f"/proc/{pid}/status")
        if cmdline is None or status is None or "VmRSS:" not in status:
            continue  # gone, or a zombie (its memory already freed)
        argv = cmdline.rstrip("\0").split("\0")
        rss, hwm = _status_kb(status, "VmRSS"), _status_kb(status, "VmHWM")
        found.append(Proc(pid, parents.get(pid, 0), argv, rss, hwm))
    return found


def role(proc: Proc, root: int, by_pid: dict[int, Proc]) -> str | None:
    """What the process is in `rasp --jobs`, None for what is not counted (the resource
    tracker, bubblewrap itself, anything else)."""
    if proc.pid == root:
        return "front end"
    line = " ".join(proc.argv)
    if "spawn_main" in line:
        return "pool process"
    if "raspstudio.worker" not in line or Path(proc.argv[0]).name == "bwrap":
        return None
    parent = by_pid.get(proc.ppid)
    return "per-file child" if parent and parent.argv == proc.argv else "worker"


@dataclass
class Watch:
    """What the polls of one step saw: per role the peak VmHWM and the pids; per long-lived
    process its VmRSS at each mark (programs done) and at its last poll."""

    marks: list[int]
    peak: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROLES, 0))
    seen: dict[str, set[int]] = field(default_factory=lambda: {r: set() for r in ROLES})
    at_mark: dict[int, dict[int, int]] = field(default_factory=dict)  # mark -> pid -> kB
    reached: dict[int, int] = field(default_factory=dict)  # mark -> programs done then
    last: dict[int, int] = field(default_factory=dict)
    kind: dict[int, str] = field(default_factory=dict)

    def poll(self, root: int, done: int) -> None:
        procs = tree(root)
        by_pid = {p.pid: p for p in procs}
        due = [m for m in self.marks if m not in self.reached and done >= m]
        for mark in due:
            self.reached[mark] = done
            self.at_mark[mark] = {}
        for proc in procs:
            which = role(proc, root, by_pid)
            if which is None:
                continue
            self.peak[which] = max(self.peak[which], proc.hwm)
            self.seen[which].add(proc.pid)
            if which in LONG_LIVED:
                self.kind[proc.pid] = which
                self.last[proc.pid] = proc.rss
                for mark in due:
                    self.at_mark[mark][proc.pid] = proc.rss


def run(
    argv: list[str], progress: Callable[[list[str]], int], marks: list[int]
) -> tuple[list[str], int, float, Watch]:
    """Run `rasp ...`, polling its tree with `progress(stdout lines so far)` as programs done;
    its stdout lines, exit status, seconds and what the polls saw."""
    lines: list[str] = []
    errors: list[str] = []
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    readers = [
        threading.Thread(target=lambda: lines.extend(process.stdout)),
        threading.Thread(target=lambda: errors.extend(process.stderr)),
    ]
    for reader in readers:
        reader.start()
    watch = Watch(marks)
    while process.poll() is None:
        watch.poll(process.pid, progress(lines))
        time.sleep(POLL_S)
    seconds = time.perf_counter() - start
    for reader in readers:
        reader.join()
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv[1:3])} failed ({process.returncode}):\n{''.join(errors)[-3000:]}")
    return [line.rstrip("\n") for line in lines], process.returncode, seconds, watch


def report(watch: Watch) -> None:
    """Peak memory per role, then each long-lived process's VmRSS at the marks and at the end."""
    print("  peak memory by role (max VmHWM seen) and processes seen:")
    for which in ROLES:
        print(f"    {which:<15} {watch.peak[which] / MIB:8.1f} MiB  {len(watch.seen[which]):6,}")
    marks = [m for m in watch.marks if m in watch.reached]
    head = "".join(f"{'at ' + format(watch.reached[m], ','):>12}" for m in marks)
    print("  VmRSS (MiB) of each long-lived process when N programs were done, and at the end:")
    print(f"    {'process':<15} {'pid':>8}{head}{'last':>10}{'growth':>22}")
    for pid, which in sorted(watch.kind.items(), key=lambda item: (item[1], item[0])):
        values = [watch.at_mark[m].get(pid) for m in marks]
        cells = "".join(f"{v / MIB:12.1f}" if v else f"{'-':>12}" for v in values)
        last = watch.last[pid]
        first = next((v for v in values if v), None)
        growth = (
            f"{(last - first) / MIB:+8.1f} MiB ({(last - first) / first:+.1%})" if first else ""
        )
        print(f"    {which:<15} {pid:>8}{cells}{last / MIB:10.1f}{growth:>22}")


def sample_step(count: int, seed: int, jobs: int, out: Path, marks: list[int]) -> None:
    def kept(_: list[str]) -> int:
        return sum(1 for n in os.listdir(out) if n.startswith("sample_")) if out.exists() else 0

    argv = [str(RASP), "sample", str(count), "--seed", str(seed), "--jobs", str(jobs)]
    lines, _, seconds, watch = run([*argv, "-o", str(out)], kept, marks)
    print(f"$ rasp sample {count} --seed {seed} --jobs {jobs} -o TMP/samples")
    print("\n".join(f"  | {line}" for line in lines))
    summary = "\n".join(lines)
    rate = re.search(r"rejection rate ([\d.]+)%", summary)
    tried = re.search(r"([\d,]+) tried", summary)
    print(
        f"  wall {seconds:.1f} s, {count / seconds:.2f} samples/s, rejection rate "
        f"{rate.group(1) if rate else '?'}% ({tried.group(1) if tried else '?'} tried)"
    )
    report(watch)


def _outcome(line: str) -> bool:
    """Whether export printed this line for one program: written (" -> ") or skipped."""
    return " -> " in line or " skipped: " in line


def _outcomes(lines: list[str]) -> int:
    return sum(map(_outcome, lines))


def export_step(samples: Path, size: int, jobs: int, out: Path, marks: list[int]) -> None:
    argv = [str(RASP), "export", str(samples), "--shard-size", str(size), "--jobs", str(jobs)]
    lines, status, seconds, watch = run([*argv, "-o", str(out)], _outcomes, marks)
    print(f"$ rasp export TMP/samples --shard-size {size} --jobs {jobs} -o TMP/shards")
    print("\n".join(f"  | {line}" for line in lines if not _outcome(line)))
    reasons = Counter(  # layers and heads made N: a few kinds of reason
        re.sub(r"\d+", "N", re.sub(r" \(and \d+ more\)", "", line.partition(" skipped: ")[2]))
        for line in lines
        if " skipped: " in line
    )
    for reason, times in reasons.most_common():
        print(f"  skipped {times:,}: {reason}")
    summary = "\n".join(lines)
    exported = re.search(r"Exported ([\d,]+) program", summary)
    skipped = re.search(r"; (\d+) skipped", summary)
    files = [p for p in out.rglob("*") if p.is_file()]
    shards = len({p.stem for p in files})
    size_on_disk = sum(p.stat().st_size for p in files)
    done = int(exported.group(1).replace(",", "")) if exported else 0
    print(
        f"  wall {seconds:.1f} s, {done / seconds:.2f} testbeds/s; exported {done:,}, skipped "
        f"{skipped.group(1) if skipped else '?'} (exit {status}); {shards} shards, "
        f"{len(files)} files, {size_on_disk / 2**20:.1f} MiB"
    )
    report(watch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, metavar="N")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--jobs", type=int, default=2, metavar="J")
    parser.add_argument("--shard-size", type=int, default=1_000, metavar="K")
    parser.add_argument("--keep", type=Path, metavar="DIR")
    options = parser.parse_args()
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    n = options.count
    marks = sorted({min(100, n), *(n * q // 4 for q in (1, 2, 3) if n * q // 4 > 100)})
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        sample_step(n, options.seed, options.jobs, folder / "samples", marks)
        export_step(folder / "samples", options.shard_size, options.jobs, folder / "shards", marks)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""Whole-process start-up times of every front end, side by side with `import numpy`.

    .venv/bin/python benchmarks/startup.py [RUNS]

Each figure is a fresh process, from spawn to the moment a user gets what they asked for:
`rasp --help` to its exit; `rasp check` on one small program to its exit (worker start, tracr
import and the check included); `rasp serve` to its reply to `initialize`; `rasp repl` to its
prompt in a pseudo-terminal (the worker starts in the background; the first definition's echo
waits for it, shown too). `python -c "import numpy"` runs in the same loop as the yardstick.
"""

import json
import os
import platform
import pty
import select
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASP = Path(sys.executable).parent / "rasp"
PROGRAM = ROOT / "programs/positional/reverse.py"
GUARD = 120.0


def _exits(*command: str) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT, timeout=GUARD)
        return time.perf_counter() - start

    return run


def _server_initialize() -> float:
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-P", "-m", "raspstudio", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    params = {"processId": None, "rootUri": None, "capabilities": {}}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
    server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body.encode()))
    server.stdin.flush()
    server.stdout.readline()  # the reply's header
    elapsed = time.perf_counter() - start
    server.kill()
    server.wait()
    return elapsed


def _read_until(fd: int, marker: bytes) -> None:
    seen, deadline = b"", time.perf_counter() + GUARD
    while marker not in seen:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no {marker!r}: {seen[-300:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            seen += os.read(fd, 65536)


def _repl() -> tuple[float, float]:
    """(start -> prompt, start -> first definition echoed)."""
    main, child = pty.openpty()
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(RASP), "repl"],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=ROOT,
        close_fds=True,
        env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1"},  # nobody answers cursor queries
    )
    os.close(child)
    try:
        _read_until(main, b"rasp>")
        prompt = time.perf_counter() - start
        os.write(main, b":vocab a b\rt = rasp.tokens\r")
        _read_until(main, b"t \xc2\xb7 tokens")
        return prompt, time.perf_counter() - start
    finally:
        process.kill()
        process.wait()
        os.close(main)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    measures: dict[str, Callable[[], float]] = {
        'python -c "import numpy"': _exits(sys.executable, "-c", "import numpy"),
        "rasp --help": _exits(str(RASP), "--help"),
        "rasp check reverse.py": _exits(str(RASP), "check", str(PROGRAM)),
        "rasp serve -> initialize reply": _server_initialize,
    }
    times: dict[str, list[float]] = {name: [] for name in measures}
    times["rasp repl -> prompt"], times["rasp repl -> first echo"] = [], []
    for _ in range(runs):  # interleaved, so a busy moment hits every measure alike
        for name, measure in measures.items():
            times[name].append(measure())
        prompt, echo = _repl()
        times["rasp repl -> prompt"].append(prompt)
        times["rasp repl -> first echo"].append(echo)
    numpy = statistics.median(times['python -c "import numpy"'])
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{runs} runs each, whole processes; ratio = median / median of import numpy")
    print(f"{'':34} {'median':>8} {'min':>8} {'max':>8} {'ratio':>6}")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:34} {median * 1000:6.0f}ms {min(values) * 1000:6.0f}ms "
            f"{max(values) * 1000:6.0f}ms {median / numpy:6.1f}"
        )


if __name__ == "__main__":
    main()

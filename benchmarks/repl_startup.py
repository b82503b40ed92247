"""Time from starting `rasp repl` to its prompt, in a pseudo-terminal.

    .venv/bin/python benchmarks/repl_startup.py [RUNS]

The worker (which imports tracr) starts in the background, so the prompt should not wait for
it; this measures what a user waits before they can type, and then how long until the first
definition is echoed (which does wait for the worker).
"""

import os
import platform
import pty
import select
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASP = Path(sys.executable).parent / "rasp"


def _read_until(fd: int, marker: bytes, timeout: float = 60) -> float:
    """Seconds until `marker` appears on the terminal."""
    seen, start = b"", time.perf_counter()
    while marker not in seen:
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"no {marker!r} after {timeout} s: {seen[-300:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            seen += os.read(fd, 65536)
    return time.perf_counter() - start


def one_run() -> tuple[float, float]:
    main, child = pty.openpty()
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(RASP), "repl"],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=ROOT,
        close_fds=True,
        env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1"},  # nobody answers cursor queries here
    )
    os.close(child)
    try:
        _read_until(main, b"rasp>")
        prompt = time.perf_counter() - start
        os.write(main, b":vocab a b\rt = rasp.tokens\r")
        _read_until(main, b"t \xc2\xb7 tokens")
        echoed = time.perf_counter() - start
        os.write(main, b":quit\r")
        process.wait(10)
        return prompt, echoed
    finally:
        process.kill()
        os.close(main)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = [one_run() for _ in range(runs)]
    prompts, echoes = [r[0] for r in results], [r[1] for r in results]
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"`rasp repl` in a pseudo-terminal, {runs} runs:")
    print(
        f"  start -> prompt            median {statistics.median(prompts) * 1000:5.0f} ms"
        f"   max {max(prompts) * 1000:5.0f} ms"
    )
    print(
        f"  start -> first echo        median {statistics.median(echoes) * 1000:5.0f} ms"
        f"   max {max(echoes) * 1000:5.0f} ms  (waits for the worker's tracr import)"
    )


if __name__ == "__main__":
    main()

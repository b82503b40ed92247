"""What testbeds cost: `rasp export` of the library with and without the circuit check, and
`rasp testbed verify` of every testbed with each backend, in one run.

    .venv/bin/python benchmarks/testbed_bench.py [PATH]

PATH defaults to programs/. "check only" is `rasp check` of the same files (what export did
before it derived and ablated circuits); the ablations themselves are counted from the
exported circuit.json files. The transformer-lens backend is timed only where the [lens]
extra is installed.
"""

import importlib.util
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASP = Path(sys.executable).parent / "rasp"


def timed(*args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([str(RASP), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"rasp {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - start


def main(path: Path) -> None:
    print(
        f"{platform.node()} {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "testbeds"
        check = timed("check", str(path))
        export = timed("export", str(path), "-o", str(out))
        circuits = [json.loads(p.read_text())["checked"] for p in out.glob("*/circuit.json")]
        edges = sum(c["edges"] for c in circuits)
        pairs = edges + sum(c["non_edges"] for c in circuits)
        print(f"programs exported          {len(circuits)}")
        print(f"rasp check (no circuits)   {check:7.1f} s")
        print(
            f"rasp export                {export:7.1f} s   ({export - check:.1f} s more: "
            f"{edges} edges and {pairs - edges} non-edges ablated)"
        )
        backends = ["numpy"]
        if importlib.util.find_spec("transformer_lens"):
            backends.append("transformer-lens")
        for backend in backends:
            seconds = timed("testbed", "verify", str(out), "--backend", backend)
            print(
                f"rasp testbed verify {backend:<16} {seconds:7.1f} s"
                f"   ({seconds / len(circuits) * 1000:.0f} ms per testbed)"
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "programs")

"""Time each stage of `rasp check` per program: load / validate / evaluate / compile / verify.

Runs in-process (no worker) so each stage is measured alone. "evaluate" includes tracr's
dynamic validation, the reference comparison and the warnings; "compile" is tracr's passes
plus model assembly; "verify" runs the compiled model on every input and compares.

    .venv/bin/python benchmarks/check_bench.py [--backend jax] [PATH ...]

The default backend is NumPy (pipeline/numpy_model.py); `--backend jax` measures stock
tracr (haiku `init`, jitted JAX forward) for comparison.
Default paths: programs/ and three fixtures.
"""

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [
    *sorted((ROOT / "programs").rglob("*.py")),
    ROOT / "tests/fixtures/sample.py",
    ROOT / "tests/fixtures/causal_count.py",
    ROOT / "tests/fixtures/none_output.py",
]
STAGES = ["load", "validate", "evaluate", "compile", "verify"]


def main(paths: list[Path], backend: str) -> None:
    start = time.perf_counter()
    from raspstudio.pipeline.check import check_program  # imports tracr and JAX
    from raspstudio.pipeline.load import load_file

    print(f"import engine (tracr; JAX only for --backend jax): {time.perf_counter() - start:.2f} s")
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.node()}")
    header = (
        f"{'program':<34}{'inputs':>7}" + "".join(f"{s:>10}" for s in STAGES) + f"{'total':>10}"
    )
    print(header)
    print("-" * len(header))
    totals = dict.fromkeys(STAGES, 0.0)
    for path in paths:
        t0 = time.perf_counter()
        loaded = load_file(str(path), overrides={"backend": backend})
        load_seconds = time.perf_counter() - t0
        for program in loaded.programs:
            result = check_program(program, loaded.config, loaded.reference)
            seconds = {"load": load_seconds, **result.seconds}
            load_seconds = 0.0  # the file is loaded once for all its programs
            for stage in STAGES:
                totals[stage] += seconds.get(stage, 0.0)
            name = f"{path.stem}:{program.name}"[:33]
            cells = "".join(f"{seconds.get(s, 0.0) * 1000:>8.0f}ms" for s in STAGES)
            total = sum(seconds.values()) * 1000
            print(f"{name:<34}{result.report.verified_inputs:>7}{cells}{total:>8.0f}ms")
    print("-" * len(header))
    cells = "".join(f"{totals[s]:>9.2f}s" for s in STAGES)
    print(f"{'total':<41}{cells}{sum(totals.values()):>9.2f}s")


if __name__ == "__main__":
    args = sys.argv[1:]
    backend = "numpy"
    if args[:1] == ["--backend"]:
        backend, args = args[1], args[2:]
    print(f"backend: {backend}")
    main([Path(p) for p in args] or DEFAULT, backend)

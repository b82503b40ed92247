"""What the clean judge costs: a verdict through plain data versus one computed in place.

    .venv/bin/python benchmarks/judge_bench.py [ROUNDS]

For each library program, the pipeline analyses and compiles it once (in this process, as
the worker does). Then, alternating, each round times:

- in place: the judge on the live objects (what a verdict inside the worker would cost);
- through the boundary: the evidence and the compiled model encoded by `raspstudio.wire`
  (the worker's side), decoded (the front end's side), then the same judge.

The difference is what judging outside the worker adds per program. The forward pass itself
is not added: it moved from the worker to the front end.
"""

import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from raspstudio import wire
from raspstudio.judge import verdict
from raspstudio.pipeline import check
from raspstudio.pipeline.load import load_file

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    "programs/maps/abs_diff_from_two.py",
    "programs/positional/reverse.py",
    "programs/counting/histogram.py",
    "programs/ordering/argsort_stable.py",
    "programs/arithmetic/fraction_of_even_tokens.py",
    "programs/languages/dyck1_balanced.py",
]


def _analysed(path: Path) -> check.ProgramCheck:
    loaded = load_file(str(path))
    result = check.analyze_program(loaded.programs[0], loaded.config, loaded.reference)
    check.compile_checked(result)
    assert result.compiled is not None, path
    return result


def _in_place(result: check.ProgramCheck) -> float:
    start = time.perf_counter()
    verdict.judge_analysis(result.evidence)
    compiled = check.model_evidence(result)
    judged = verdict.judge_model(
        result.evidence, compiled, lambda row: check.operation_values(result, row)
    )
    assert judged.verified_inputs, judged.diagnostics
    return time.perf_counter() - start


def _through_wire(result: check.ProgramCheck) -> tuple[float, int]:
    start = time.perf_counter()
    data = wire.encode((result.evidence, check.model_evidence(result)))
    evidence, compiled = wire.decode(data)
    verdict.judge_analysis(evidence)
    judged = verdict.judge_model(evidence, compiled, lambda row: [])
    assert judged.verified_inputs, judged.diagnostics
    return time.perf_counter() - start, len(data)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    paths = [ROOT / f for f in FILES if (ROOT / f).exists()]
    results = {path: _analysed(path) for path in paths}
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{rounds} rounds each, medians")
    print(
        f"{'program':26} {'inputs':>7} {'params':>8} {'KiB sent':>9} "
        f"{'in place ms':>12} {'boundary ms':>12} {'added ms':>9}"
    )
    for path, result in results.items():
        here, there, size = [], [], 0
        for _ in range(rounds):
            here.append(_in_place(result))
            seconds, size = _through_wire(result)
            there.append(seconds)
        a, b = statistics.median(here) * 1000, statistics.median(there) * 1000
        print(
            f"{path.stem:26} {len(result.evidence.inputs):7} {result.compiled.summary.params:8} "
            f"{size / 1024:9.0f} {a:12.1f} {b:12.1f} {b - a:9.1f}"
        )


if __name__ == "__main__":
    main()

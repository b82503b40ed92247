"""Each program's whole check, now and on another checkout, side by side: no check may become
more than 2x slower.

    .venv/bin/python benchmarks/slowdown_bench.py --before CHECKOUT

For every library program and every tracr TEST_CASES program, the work `rasp check` does, in
process (no worker start, no wire): analysis (evaluation, and steering where the space is
sampled), compilation, the judge's comparison, and, where the space is sampled, the program's
tables and the block-wise proof. Each checkout runs in its own process (`PYTHONPATH`); the
median of 3 runs per program, then the ratio now / before per program.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3


def _measure_all() -> dict[str, float]:
    """Run in the checkout under test: program -> median seconds of its whole check."""
    from tracr.compiler import test_cases

    from raspstudio.config import Config
    from raspstudio.judge import proof, verdict
    from raspstudio.pipeline import check
    from raspstudio.pipeline.load import Program, load_file
    from raspstudio.report import Span

    programs = []
    for path in sorted(ROOT.glob("programs/*/*.py")):
        loaded = load_file(str(path))
        programs += [(f"{path.parent.name}/{path.stem}", p, loaded.config) for p in loaded.programs]
    for case in test_cases.TEST_CASES:
        config = Config(vocab=frozenset(case["vocab"]), max_seq_len=case["max_seq_len"])
        program = Program(case["testcase_name"], case["program"], Span(1, 1, 1, 2))
        programs.append((f"tracr/{case['testcase_name']}", program, config))

    def whole_check(program, config) -> None:
        result = check.analyze_program(program, config)
        check.compile_checked(result)
        if result.compiled is None:
            return
        sampled = result.report.sampled
        evidence = check.model_evidence(result, sampled)
        verdict.judge_model(
            result.evidence, evidence, lambda row: check.operation_values(result, row)
        )
        if sampled:
            proof.prove(evidence, list(config.vocab), config.max_seq_len)

    times = {}
    for name, program, config in programs:
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            whole_check(program, config)
            runs.append(time.perf_counter() - start)
        times[name] = statistics.median(runs)
    return times


def _run(checkout: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    script = f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
    script += "import json, slowdown_bench; print(json.dumps(slowdown_bench._measure_all()))"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=checkout, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True)
    args = parser.parse_args()
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    before, now = _run(args.before.resolve()), _run(ROOT)
    ratios = {name: now[name] / before[name] for name in now if name in before}
    worst = sorted(ratios, key=ratios.get, reverse=True)[:8]
    print(f"{'program':<44}{'before s':>10}{'now s':>10}{'ratio':>8}")
    for name in worst:
        print(f"{name:<44}{before[name]:>10.3f}{now[name]:>10.3f}{ratios[name]:>8.2f}")
    values = sorted(ratios.values())
    print(
        f"ratio now / before over {len(values)} programs: median {statistics.median(values):.2f}, "
        f"max {values[-1]:.2f}; total {sum(before.values()):.1f} s before, "
        f"{sum(now.values()):.1f} s now"
    )


if __name__ == "__main__":
    main()

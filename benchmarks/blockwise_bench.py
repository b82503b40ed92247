"""What the block-wise proof costs, next to the sampled comparison it complements.

    .venv/bin/python benchmarks/blockwise_bench.py

For every library program, every tracr TEST_CASES program and the fixtures of
tests/fixtures/rare/: the time of the judge's comparison on the input space (the forward pass
over every input run), of building the program's nodes (the worker's side: every function's
table on its inputs' exact value sets) and of the proof itself (the judge's side: value sets,
lanes, every block with its error bound), whether the proof holds, and how many MLP rows it
found wrong. Medians of 5 runs, ms. The library's input spaces are enumerated, so `rasp check`
does not run the proof there; it is run here anyway, to measure it on every program.
"""

import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tracr.compiler import test_cases

from raspstudio.config import Config
from raspstudio.judge import proof, verdict
from raspstudio.pipeline import blocks, check
from raspstudio.pipeline.load import Program, load_file
from raspstudio.pipeline.validate import walk
from raspstudio.report import Span

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def _programs() -> list[tuple[str, Program, Config]]:
    found = []
    for path in sorted([*ROOT.glob("programs/*/*.py"), *ROOT.glob("tests/fixtures/rare/*.py")]):
        loaded = load_file(str(path))
        found += [(f"{path.parent.name}/{path.stem}", p, loaded.config) for p in loaded.programs]
    for case in test_cases.TEST_CASES:
        config = Config(vocab=frozenset(case["vocab"]), max_seq_len=case["max_seq_len"])
        program = Program(case["testcase_name"], case["program"], Span(1, 1, 1, 2))
        found.append((f"tracr/{case['testcase_name']}", program, config))
    return found


def _median_ms(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def _measure(program: Program, config: Config) -> tuple | None:
    result = check.analyze_program(program, config)
    check.compile_checked(result)
    if result.compiled is None:
        return None
    compiled = check.model_evidence(result)

    def trace(row: int) -> list:
        return check.operation_values(result, row)

    sample, _ = _median_ms(lambda: verdict.judge_model(result.evidence, compiled, trace))
    vocab, n = config.vocab, config.max_seq_len
    tables_ms, nodes = _median_ms(lambda: blocks.program_nodes(program.sop, walk, vocab, n))
    compiled.nodes = nodes
    proof_ms, proved = _median_ms(lambda: proof.prove(compiled, list(vocab), n))
    return len(result.evidence.inputs), sample, tables_ms, proof_ms, proved


def main() -> None:
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"{'program':44} {'inputs':>7} {'sample ms':>10} {'tables ms':>10} "
        f"{'proof ms':>10} {'proved':>7} {'wrong':>6}"
    )
    ratios, sampled_ratios, proved_count, reasons = [], [], 0, {}
    for name, program, config in _programs():
        measured = _measure(program, config)
        if measured is None:
            continue
        inputs, sample, tables_ms, proof_ms, proved = measured
        ratios.append((tables_ms + proof_ms) / max(sample, 1e-6))
        if inputs == config.max_inputs:  # sampled: where `rasp check` runs the proof
            sampled_ratios.append(ratios[-1])
        proved_count += proved.complete
        if not proved.complete:
            reason = proved.reason.split(": ")[-1][:70]
            reasons[reason] = reasons.get(reason, 0) + 1
        print(
            f"{name[:44]:44} {inputs:7} {sample:10.1f} {tables_ms:10.1f} "
            f"{proof_ms:10.1f} {'yes' if proved.complete else 'no':>7} {len(proved.failures):6}"
        )
    print(
        f"block-wise / sampled time: median {statistics.median(ratios):.2f}, "
        f"max {max(ratios):.2f} over {len(ratios)} programs; proved {proved_count}"
    )
    print(
        f"sampled spaces only: median {statistics.median(sampled_ratios):.2f}, "
        f"max {max(sampled_ratios):.2f} over {len(sampled_ratios)} programs"
    )
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"  not proved ({count}): {reason}")


if __name__ == "__main__":
    sys.exit(main())

"""What block-wise checks cost, next to the sampled comparison they complement.

    .venv/bin/python benchmarks/blockwise_bench.py

For every library program, every tracr TEST_CASES program and the fixtures of
tests/fixtures/rare/: the time of the judge's comparison on the input space (the forward pass
over every input run), of building the MLP block tables (the worker's side: each Map's and
SequenceMap's function on its inputs' value sets) and of the block checks themselves (the
judge's side), plus how many blocks were checked and found wrong. Medians of 5 runs, ms.
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
from raspstudio.judge import blocks as judge_blocks
from raspstudio.judge import verdict
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
    graph = result.compiled.graph
    tables_ms, tables = _median_ms(lambda: blocks.block_tables(program.sop, graph, walk))
    compiled.blocks = tables
    blocks_ms, wrong = _median_ms(lambda: judge_blocks.judge_blocks(compiled))
    return len(result.evidence.inputs), sample, tables_ms, blocks_ms, len(tables), len(wrong)


def main() -> None:
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"{'program':44} {'inputs':>7} {'sample ms':>10} {'tables ms':>10} "
        f"{'blocks ms':>10} {'blocks':>7} {'wrong':>6}"
    )
    ratios = []
    for name, program, config in _programs():
        measured = _measure(program, config)
        if measured is None:
            continue
        inputs, sample, tables_ms, blocks_ms, checked, wrong = measured
        ratios.append((tables_ms + blocks_ms) / max(sample, 1e-6))
        print(
            f"{name[:44]:44} {inputs:7} {sample:10.1f} {tables_ms:10.1f} "
            f"{blocks_ms:10.1f} {checked:7} {wrong:6}"
        )
    print(
        f"block-wise / sampled time: median {statistics.median(ratios):.2f}, "
        f"max {max(ratios):.2f} over {len(ratios)} programs"
    )


if __name__ == "__main__":
    sys.exit(main())

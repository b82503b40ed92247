"""Stock tracr vs the NumPy path: compile a program and run it on the same ≥ 500 inputs.

    .venv/bin/python benchmarks/verify_bench.py [--verdicts-only]

For each program (tracr's TEST_CASES with at least 500 possible inputs, one per family, and
programs/ files likewise), in one process:
  stock  = `compile_rasp_to_model` + `model.apply` on each input, one at a time;
  fast   = our compile (tracr's passes up to the craft model + NumPy assembly) + one batched
           NumPy forward pass over the same inputs.
It checks both give the same outputs wherever RASP's output is defined, prints the times and
the ratio, then the time to a first verified verdict (`check_program`: evaluate, validate,
compile, verify over the whole input space) and the peak memory of the fast path.
`--verdicts-only` skips the (slow) stock comparison and prints only the verdict times.
"""

import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracr.compiler import compiling, test_cases  # noqa: E402

from raspstudio.config import Config  # noqa: E402
from raspstudio.judge.forward import forward  # noqa: E402
from raspstudio.judge.inputs import input_space, space_size  # noqa: E402
from raspstudio.pipeline.check import check_program  # noqa: E402
from raspstudio.pipeline.interpret.per_input import evaluate_program  # noqa: E402
from raspstudio.pipeline.load import Program, load_file  # noqa: E402
from raspstudio.pipeline.rasp_to_model import compile_program  # noqa: E402
from raspstudio.report import Span  # noqa: E402

INPUTS = 500


def programs() -> list[tuple[str, object, Config]]:
    found, families = [], set()
    for case in test_cases.TEST_CASES:
        family = re.sub(r"_\d+$", "", case["testcase_name"])
        if family in families or space_size(len(case["vocab"]), case["max_seq_len"]) < INPUTS:
            continue
        families.add(family)
        config = Config(vocab=frozenset(case["vocab"]), max_seq_len=case["max_seq_len"])
        found.append((family, case["program"], config))
    for path in sorted((ROOT / "programs").rglob("*.py")):
        loaded = load_file(str(path))
        config = loaded.config
        for p in loaded.programs:
            if space_size(len(config.vocab), config.max_seq_len) >= INPUTS:
                found.append((f"{path.stem}", p.sop, config))
    return found


def same(a: list, b: list, defined: list) -> bool:
    return all(
        x == y or (isinstance(x, float) and abs(x - y) < 1e-5)
        for x, y, d in zip(a, b, defined, strict=True)
        if d is not None
    )


def first_verdict(name: str, program: object, config: Config) -> tuple[float, str]:
    """Seconds to a verdict on a new program, and a table row of where they went."""
    t0 = time.perf_counter()
    check = check_program(Program(name, program, Span(1, 1, 1, 2)), config)
    seconds = time.perf_counter() - t0
    stages = "".join(f"{check.seconds.get(s, 0) * 1000:>9.0f}ms" for s in STAGES)
    inputs = len(check.evaluation.inputs)
    return seconds, f"{name:<34}{inputs:>6}{stages}{seconds * 1000:>9.0f}ms"


STAGES = ("evaluate", "compile", "verify")


def print_verdicts(verdicts: list[tuple[float, str]]) -> None:
    print(f"\n{'program':<34}{'inputs':>6}" + "".join(f"{s:>11}" for s in (*STAGES, "total")))
    for _, row in verdicts:
        print(row)
    times = [seconds for seconds, _ in verdicts]
    print(
        f"time to a first verified verdict (whole input space, check_program): median "
        f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )


def main() -> None:
    if "--verdicts-only" in sys.argv:
        print_verdicts([first_verdict(*p) for p in programs()])
        return
    print(f"{'program':<30}{'stock':>10}{'fast':>10}{'ratio':>8}  agree")
    ratios, verdicts, peaks = [], [], []
    for name, program, config in programs():
        inputs, _ = input_space(config.vocab, config.max_seq_len, INPUTS)
        inputs = inputs[:INPUTS]

        t0 = time.perf_counter()
        stock = compiling.compile_rasp_to_model(
            program, set(config.vocab), config.max_seq_len, compiler_bos="BOS", compiler_pad="PAD"
        )
        stock_out = [stock.apply(["BOS", *xs]).decoded[1:] for xs in inputs]
        stock_s = time.perf_counter() - t0

        tracemalloc.start()
        t0 = time.perf_counter()
        fast_out = forward(compile_program(program, config).model, inputs).outputs
        fast_s = time.perf_counter() - t0
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()

        defined = evaluate_program(program, inputs).outputs
        agree = all(same(a, b, d) for a, b, d in zip(stock_out, fast_out, defined, strict=True))
        ratios.append(stock_s / fast_s)
        print(f"{name:<30}{stock_s:>9.2f}s{fast_s * 1000:>8.0f}ms{ratios[-1]:>7.0f}x  {agree}")

        verdicts.append(first_verdict(name, program, config))

    print(f"\nmedian ratio: {statistics.median(ratios):.0f}x over {len(ratios)} programs")
    print_verdicts(verdicts)
    print(f"fast path peak traced memory per program: max {max(peaks) / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (includes JAX for the stock path): {rss:.0f} MiB")


if __name__ == "__main__":
    main()

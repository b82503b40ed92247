"""What drafting costs besides the model: judging one reply, through the real worker.

Each kind of reply goes through `drafting.candidate.judge` (policy, assembly, `rasp check` in the
worker, the example check, and for a failure the values on the failing input) on a warm
worker, `--runs` times; the median is printed. The model's own latency (seconds per reply
for a real model) is not included.

    .venv/bin/python benchmarks/draft_bench.py [--runs 20]
"""

import argparse
import platform
import statistics
import time

from raspstudio.drafting.candidate import judge
from raspstudio.drafting.data import DraftRequest, Example
from raspstudio.engine.file_requests import Engine
from raspstudio.engine.worker_client import Worker

REVERSE = """\
```python
from tracr.compiler import lib
from tracr.rasp import rasp

length = lib.make_length().named("length")
opposite = rasp.SequenceMap(lambda n, i: n - i - 1, length, rasp.indices).named("opposite")
flip = rasp.Select(rasp.indices, opposite, rasp.Comparison.EQ).named("flip")
program = rasp.Aggregate(flip, rasp.tokens).named("reverse")
```"""
REPLIES = {
    "verified (reverse)": REVERSE,
    "wrong on an example": REVERSE.replace("n - i - 1", "n - i"),
    "raises (RASP201)": REVERSE.replace(
        'program = rasp.Aggregate(flip, rasp.tokens).named("reverse")',
        'moved = rasp.Aggregate(flip, rasp.tokens).named("moved")\n'
        'program = rasp.Map(lambda x: 6 // (x - 2), moved).named("inverse")',
    ),
    "refused by the policy": REVERSE.replace("from tracr", "import os\nfrom tracr", 1),
    "no code block": "Use a Select, then an Aggregate.",
}
REQUEST = DraftRequest(
    "Reverse the sequence.", [Example([1, 2, 3], [3, 2, 1])], vocab=[1, 2, 3], max_seq_len=5
)


def main(runs: int) -> None:
    engine = Engine(Worker(timeout=30))
    engine.worker.ensure_started()
    print(f"python {platform.python_version()} on {platform.machine()}; {runs} runs each")
    print(f"{'reply':<24}{'stage':>10}{'median ms':>12}{'max ms':>9}")
    for name, reply in REPLIES.items():
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            attempt = judge(reply, REQUEST, engine, "/tmp/rasp-draft-bench/draft.py", 0, 0)
            seconds.append(time.perf_counter() - start)
        print(
            f"{name:<24}{attempt.stage:>10}{statistics.median(seconds) * 1000:>12.0f}"
            f"{max(seconds) * 1000:>9.0f}"
        )
    engine.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    main(parser.parse_args().runs)

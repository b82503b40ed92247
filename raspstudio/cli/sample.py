"""`rasp sample N -o DIR [--seed S]`: a corpus of random programs that compile and verify.

The sampler (raspstudio.sampling) draws and the engine checks (with `--jobs N`, N candidates at
once in a pool of processes, raspstudio.cli.jobs, for the same files); this writes each kept
program to DIR/sample_00000.py ... as it comes, atomically (a temporary file renamed), so a
file that is there is whole, and ends with what was kept, tried and rejected, and why.
"""

import argparse
import os
from concurrent.futures import Future
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from raspstudio.cli import jobs
from raspstudio.cli.files import refuse_non_empty
from raspstudio.engine import Engine
from raspstudio.report import counted
from raspstudio.sampling.sampler import SamplingError, Tally, samples, verdict


def cmd_sample(args: argparse.Namespace, engine: Engine) -> int:
    out = Path(args.output)
    refuse_non_empty(out, args.force, "samples")
    out.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    console = Console(stderr=True)
    status = 0
    count = jobs.workers(args.jobs, args.count)
    with (
        Progress(console=console, transient=True, disable=not console.is_terminal) as bar,
        jobs.Pool(engine, count) as pool,
    ):
        task = bar.add_task("sampling", total=args.count)

        def judge(path: str, text: str) -> Future:
            return pool.submit(verdict, path, text)

        ahead = 4 * count if count > 1 else 1  # samples judged ahead: enough to keep all busy
        drawn = samples(args.count, args.seed, judge, lambda n: str(out / n), tally, ahead)
        try:
            for sample in drawn:
                write_atomically(out / f"{sample.name}.py", sample.source)
                bar.update(task, advance=1, description=f"sampling ({tally.tried} tried)")
        except SamplingError as e:
            print(f"rasp: error: {e}")
            status = 1
    print(report(tally, out, args.seed))
    return status


def write_atomically(path: Path, text: str) -> None:
    """Write beside `path` under a hidden name, then rename: no reader sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)


def report(tally: Tally, out: Path, seed: int) -> str:
    """Kept, tried, the rejection rate and its reasons, most frequent first."""
    lines = [
        f"Sampled {counted(tally.kept, 'program')} to {out} (seed {seed}): "
        f"{tally.tried:,} tried, rejection rate {tally.rejection_rate:.1%}."
    ]
    if tally.reasons:
        reasons = ", ".join(f"{reason} {n}" for reason, n in tally.reasons.most_common())
        lines.append(f"Rejected: {reasons}.")
    return "\n".join(lines)


COMMANDS = {"sample": cmd_sample}

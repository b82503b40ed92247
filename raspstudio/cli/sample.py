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
from raspstudio.cli.cluster import Cluster
from raspstudio.cli.files import refuse_non_empty
from raspstudio.engine import Engine
from raspstudio.report import counted
from raspstudio.sampling.sampler import SamplingError, Tally, samples, verdict


def cmd_sample(args: argparse.Namespace, engine: Engine) -> int:
    out = Path(args.output)
    refuse_non_empty(out, args.force, "samples")
    judges, ahead = _judges(args, engine)  # a scheduler that cannot be reached: no DIR made
    out.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    console = Console(stderr=True)
    status = 0
    with (
        Progress(console=console, transient=True, disable=not console.is_terminal) as bar,
        judges,
    ):
        task = bar.add_task("sampling", total=args.count)

        def judge(path: str, text: str) -> Future:
            return judges.submit(verdict, path, text)

        where = out.absolute()  # as a Dask worker on another machine must be told it
        drawn = samples(args.count, args.seed, judge, lambda n: str(where / n), tally, ahead)
        try:
            for sample in drawn:
                write_atomically(out / f"{sample.name}.py", sample.source)
                bar.update(task, advance=1, description=f"sampling ({tally.tried} tried)")
        except SamplingError as e:
            print(f"rasp: error: {e}")
            status = 1
    print(report(tally, out, args.seed))
    return status


def _judges(args: argparse.Namespace, engine: Engine) -> tuple[jobs.Pool | Cluster, int]:
    """Where candidates are judged (here, a pool of `--jobs`, a Dask cluster), and how many
    samples ahead of the one being decided: enough to keep them all busy."""
    jobs.one_way(args.jobs, args.scheduler)
    if args.scheduler:
        cluster = Cluster(args.scheduler, engine)
        return cluster, 4 * cluster.threads
    count = jobs.workers(args.jobs, args.count)
    return jobs.Pool(engine, count), 4 * count if count > 1 else 1


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

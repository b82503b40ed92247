"""Draw, check, keep: N distinct programs that compile and verify, deterministic for a seed.

Candidate `attempt` of sample `index` is drawn from `random.Random("seed/index/attempt")`
alone, and attempts run in order until one is kept, so the same N and seed give the same
files. Each candidate is checked by the engine like any file (in the sandboxed worker; this
process never runs it): it is kept only when clean, with a compiled model that agreed with the
interpreter and no error or warning (a warning such as RASP601, an output undefined on some
input, leaves a testbed without ground truth there). A candidate equal to an earlier one (as
an expression DAG, with its vocabulary and length limit) is not checked again: a kept one is a
duplicate, a rejected one is rejected for the same reason.
"""

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from raspstudio.engine import Engine
from raspstudio.report import FileReport
from raspstudio.sampling.grammar import Candidate, draw
from raspstudio.sampling.render import source

MAX_ATTEMPTS = 500  # per sample: a grammar that keeps nothing fails, not loops


class SamplingError(Exception):
    """No candidate of a sample was kept within MAX_ATTEMPTS."""


@dataclass
class Sample:
    index: int
    name: str  # sample_00007: the file's stem and the output operation's name
    source: str


@dataclass
class Tally:
    """What the sampler tried: why each rejected candidate was (a diagnostic code, or words)."""

    kept: int = 0
    tried: int = 0
    reasons: Counter = field(default_factory=Counter)

    @property
    def rejection_rate(self) -> float:
        return 1 - self.kept / self.tried if self.tried else 0.0


def sample_name(index: int) -> str:
    return f"sample_{index:05d}"


def samples(
    count: int,
    seed: int,
    engine: Engine,
    path_of: Callable[[str], str],
    tally: Tally,
) -> Iterator[Sample]:
    """Yield `count` kept samples in order; `path_of(name)` is where the file will be written
    (diagnostics name it). `tally` counts every candidate as it is judged."""
    verdicts: dict[Candidate, str | None] = {}  # None: kept
    for index in range(count):
        name = sample_name(index)
        for attempt in range(MAX_ATTEMPTS):
            candidate = draw(random.Random(f"{seed}/{index}/{attempt}"))
            text = source(candidate, name, seed, index, attempt)
            tally.tried += 1
            if candidate in verdicts:
                reason = verdicts[candidate] or "duplicate"
            else:
                reason = verdicts[candidate] = rejection(engine.check_file(path_of(name), text))
            if reason is None:
                tally.kept += 1
                yield Sample(index, name, text)
                break
            tally.reasons[reason] += 1
        else:
            raise SamplingError(f"no candidate for {name} was kept in {MAX_ATTEMPTS} attempts")


def rejection(report: FileReport) -> str | None:
    """Why a checked candidate is not kept (its first error's or warning's code), or None."""
    problems = [d for d in report.diagnostics if d.severity in ("error", "warning")]
    problems.sort(key=lambda d: d.severity != "error")
    if problems:
        return problems[0].code
    if not report.programs or report.programs[0].verified_inputs == 0:
        return "not verified"
    return None

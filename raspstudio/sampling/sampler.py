"""Draw, check, keep: N distinct programs that compile and verify, deterministic for a seed.

Candidate `attempt` of sample `index` is drawn from `random.Random("seed/index/attempt")`
alone, and attempts run in order until one is kept, so the same N and seed give the same
files. Each candidate is checked by the engine like any file (in the sandboxed worker; this
process never runs it): it is kept only when clean, with a compiled model that agreed with the
interpreter and no error or warning (a warning such as RASP601, an output undefined on some
input, leaves a testbed without ground truth there), and whose circuit ablation confirms, as
`rasp export` requires (raspstudio.testbed.build). A candidate equal to an earlier one (as
an expression DAG, with its vocabulary and length limit) is not checked again: a kept one is a
duplicate, a rejected one is rejected for the same reason.
"""

import random
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from raspstudio.engine import Engine
from raspstudio.report import FileReport
from raspstudio.sampling.grammar import Candidate, draw
from raspstudio.sampling.render import source
from raspstudio.testbed import build

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


Judge = Callable[[str, str], "Future[str | None]"]  # (path, text) -> the verdict, to come


def samples(
    count: int,
    seed: int,
    judge: Judge,
    path_of: Callable[[str], str],
    tally: Tally,
    ahead: int = 1,
) -> Iterator[Sample]:
    """Yield `count` kept samples in order; `path_of(name)` is where the file will be written
    (diagnostics name it). `tally` counts every candidate as it is judged.

    `judge(path, text)` starts `verdict` on a candidate and returns its Future. With `ahead`
    above 1 the candidates that will certainly be needed are judged before their turn (see
    `_Lookahead`); the decisions (kept, rejected, duplicate) are still taken here in order, so
    the files do not depend on `ahead` or on the order in which verdicts arrive.
    """
    verdicts: dict[Candidate, str | None] = {}  # None: kept
    lookahead = _Lookahead(count, seed, judge, path_of, ahead)
    for index in range(count):
        name = sample_name(index)
        for attempt in range(MAX_ATTEMPTS):
            lookahead.fill(index)
            candidate, text = candidate_of(seed, index, attempt)
            tally.tried += 1
            if candidate in verdicts:
                lookahead.drop(index, attempt)
                reason = verdicts[candidate] or "duplicate"
            else:
                reason = verdicts[candidate] = lookahead.verdict(index, attempt)
            if reason is None:
                tally.kept += 1
                yield Sample(index, name, text)
                break
            tally.reasons[reason] += 1
        else:
            raise SamplingError(f"no candidate for {name} was kept in {MAX_ATTEMPTS} attempts")


def candidate_of(seed: int, index: int, attempt: int) -> tuple[Candidate, str]:
    """Candidate `attempt` of sample `index`, and its file's text: a function of the three."""
    candidate = draw(random.Random(f"{seed}/{index}/{attempt}"))
    return candidate, source(candidate, sample_name(index), seed, index, attempt)


def verdict(engine: Engine, path: str, text: str) -> str | None:
    """Why this candidate is not kept, or None: what `judge` computes, in any process
    (module-level, plain arguments and result). A candidate that checks clean must also
    export: a circuit that ablation does not confirm (an input read but never needed, as in
    `lambda x, y: x`) is rejected as "circuit", since a corpus is sampled to be exported."""
    report = engine.check_file(path, text)
    if (reason := rejection(report)) is not None:
        return reason
    _, check = build.from_export(engine.export(report.programs[0].name), Path(path))
    return None if check.holds else "circuit"


class _Lookahead:
    """Verdicts judged ahead of their turn, for the `ahead - 1` samples after the current one
    (whose candidates are judged when needed, which is now).

    A candidate is judged early only when it will be needed whatever the other verdicts say:
    the first attempt of each of those samples, and the next attempt of one whose latest
    attempt came back rejected. (A candidate judged clean may still turn out a duplicate of an
    earlier sample; its next attempt is then judged when its turn comes.)
    """

    def __init__(self, count: int, seed: int, judge: Judge, path_of, ahead: int) -> None:
        self.count, self.seed, self.judge, self.path_of, self.ahead = (
            count,
            seed,
            judge,
            path_of,
            ahead,
        )
        self.pending: dict[tuple[int, int], Future] = {}
        self.next_attempt: dict[int, int] = {}  # per sample: its first attempt not yet judged

    def fill(self, index: int) -> None:
        for sample in range(index + 1, min(self.count, index + self.ahead)):
            attempt = self.next_attempt.get(sample, 0)
            while attempt < MAX_ATTEMPTS and (attempt == 0 or self._rejected(sample, attempt - 1)):
                self._start(sample, attempt)
                attempt += 1
            self.next_attempt[sample] = attempt
        for sample in [s for s in self.next_attempt if s <= index]:
            del self.next_attempt[sample]

    def verdict(self, index: int, attempt: int) -> str | None:
        if (index, attempt) not in self.pending:
            self._start(index, attempt)
        return self.pending.pop((index, attempt)).result()

    def drop(self, index: int, attempt: int) -> None:
        """A candidate whose verdict is known already (it was drawn before)."""
        self.pending.pop((index, attempt), None)

    def _start(self, index: int, attempt: int) -> None:
        _, text = candidate_of(self.seed, index, attempt)
        self.pending[index, attempt] = self.judge(self.path_of(sample_name(index)), text)

    def _rejected(self, index: int, attempt: int) -> bool:
        future = self.pending.get((index, attempt))
        return future is not None and future.done() and future.result() is not None


def rejection(report: FileReport) -> str | None:
    """Why a checked candidate is not kept (its first error's or warning's code), or None."""
    problems = [d for d in report.diagnostics if d.severity in ("error", "warning")]
    problems.sort(key=lambda d: d.severity != "error")
    if problems:
        return problems[0].code
    if not report.programs or report.programs[0].verified_inputs == 0:
        return "not verified"
    return None

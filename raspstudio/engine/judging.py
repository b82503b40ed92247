"""One program's verdict, from the worker's evidence: the steps a file's program and a REPL's
share.

The worker analyses the program (`analyze`, or the REPL's `repl_analyze`), then compiles it
(`verify`) and answers the judge's questions about it (`trace`, `hint`, `search`, `witness`);
`ask(op, **args)` sends one of these requests to whichever worker holds the program. The
verdict is decided here, outside the worker, by `raspstudio.judge`.
"""

import time
from collections.abc import Callable
from typing import Any

from raspstudio.engine.worker_client import WorkerError
from raspstudio.evidence import Evidence, FastModel, ModelEvidence
from raspstudio.report import Diagnostic, ProgramReport, Span

Ask = Callable[..., Any]  # ask(op, **args) -> the worker's reply


def load_the_judge() -> None:
    """Import now what judging imports on first use (the judge, with NumPy and SciPy), for a
    front end that drives engines from several threads: it calls this from one thread at a
    time, since two threads importing NumPy at once can leave one with a half-initialised
    module (Python's import-deadlock avoidance)."""
    from raspstudio.judge import blocks, proof, verdict  # noqa: F401


def analyze(
    ask: Ask, name: str, line: int, op: str = "analyze", **args: Any
) -> tuple[ProgramReport, list[Diagnostic], Evidence]:
    """The worker's findings on one program, and the judge's on its evidence."""
    from raspstudio.judge import verdict  # NumPy: loaded once a program is checked

    program, found, evidence = ask(op, name=name, **args)
    if not isinstance(evidence, Evidence) or not isinstance(program, ProgramReport):
        raise WorkerError("it sent a malformed reply", "crashed")
    evidence.program, evidence.span = name, _span(evidence.span, line)
    verdict.cover(program, evidence, 0)
    return program, list(found) + verdict.judge_analysis(evidence), evidence


def verify(
    ask: Ask, name: str, evidence: Evidence, timeout: float
) -> tuple[ProgramReport, list[Diagnostic], FastModel | None]:
    """Compile in the worker; run and compare the model here (the verdict). Returns the
    model too when it was verified on some inputs."""
    from raspstudio.judge import verdict

    program, found, compiled = ask("verify", name=name)
    if not isinstance(program, ProgramReport):
        raise WorkerError("it sent a malformed reply", "crashed")
    found, verified, proved = list(found), 0, None
    if isinstance(compiled, ModelEvidence):
        deadline = time.monotonic() + timeout  # the program's model must not hold us
        judged = verdict.judge_model(
            evidence, compiled, lambda row: ask("trace", name=name, row=row), deadline
        )
        found += judged.diagnostics
        if judged.culprit is not None:
            label = judged.culprit.label
            found += ask("hint", name=name, label=label, row=judged.row)
        elif judged.verified_inputs:
            if compiled.nodes:
                proved, wrong = _prove(ask, name, evidence, compiled, deadline)
                found += wrong
            if not any(d.severity == "error" for d in found):
                verified = judged.verified_inputs
    verdict.cover(program, evidence, verified, proved)
    return program, found, compiled.model if verified else None


def _prove(
    ask: Ask, name: str, evidence: Evidence, compiled: ModelEvidence, deadline: float
) -> tuple[Any, list[Diagnostic]]:
    """Where the input space was sampled: the block-wise proof (judge/proof.py).

    A selector the proof could not settle (it may select nothing, or two values) sends the
    worker searching skewed inputs for the None output or error it may cause. An MLP that is
    wrong on some values sends it looking for an input that reaches them: the model is then
    judged on that input (RASP501), or RASP608 says the block is wrong where no input was
    found to go, or where the output is still right.
    """
    from raspstudio.judge import blocks, proof, verdict

    proved = proof.prove(compiled, evidence.vocab, evidence.max_seq_len, deadline)
    defined = all(out is None or None not in out for out in evidence.outputs)
    search = proved.open_selector and defined  # else the sample already found a None
    found = list(ask("search", name=name)) if search else []
    for failure in proved.failures:
        label = failure.operation.label
        witness = ask("witness", name=name, label=label, values=failure.values)
        judged = verdict.judge_witness(evidence, compiled, witness) if witness else None
        if judged is not None and judged.diagnostics:
            found += judged.diagnostics
        else:
            reached = witness["input"] if judged is not None else None
            found.append(blocks.unreached(evidence, failure, blocks.WITNESS_TRIES, reached))
    return proved, found


def _span(span: object, line: int) -> Span:
    """A span from the worker, or the program's line when it sent none (or not a span)."""
    return span if isinstance(span, Span) else Span(line, 1, line, 2)

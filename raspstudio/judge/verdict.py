"""Verdicts from evidence: is the interpreter right about `reference`, is the model right?

Two judgements, each after its stage of the check:

- `judge_analysis(evidence)`: the worker evaluated exactly the input space the judge chooses
  for the file's configuration (a patched `itertools.product` cannot shrink it), and the
  program agrees with its `reference` on every input (RASP502).
- `judge_model(evidence, compiled, trace)`: the compiled model, run here, gives the
  interpreter's output on every input the interpreter handled (RASP501, else the count of
  verified inputs). On a disagreement, `trace(row)` asks the worker for every operation's value
  on that input, and the first operation whose compiled value differs is blamed.

Evidence that does not fit what was asked (another input space, a model for another
vocabulary, malformed weights) is refused with RASP504: only a program tampering with the
checker produces it.
"""

import dataclasses
import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from raspstudio.evidence import Evidence, FastModel, ModelEvidence, Operation
from raspstudio.judge.forward import forward
from raspstudio.judge.inputs import MAX_STEERED, input_space, space_size
from raspstudio.report import Diagnostic, Related, format_values

TOLERANCE = 1e-3  # numerical outputs: absolute and relative
BATCH = 64  # inputs per forward pass, so the deadline is looked at often
MAX_COUNTED_LENGTH = 1000  # beyond it the input space is not counted (a number of 10^1000)
MALFORMED = (ValueError, TypeError, KeyError, IndexError, AttributeError)  # from forged data


@dataclass
class ModelVerdict:
    """What the judge found about a compiled model."""

    verified_inputs: int
    diagnostics: list[Diagnostic]
    culprit: Operation | None = None  # the operation blamed for a miscompilation
    row: int | None = None  # the input it was found on (an index into evidence.inputs)


def same(expected: Any, got: Any, numerical: bool) -> bool:
    if expected is None:
        return True  # tracr leaves None outputs undefined; RASP601 warns about them
    if numerical and isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(expected, got, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return expected == got


def outputs_agree(expected: list, got: list, numerical: bool) -> bool:
    return len(expected) == len(got) and all(
        same(e, g, numerical) for e, g in zip(expected, got, strict=True)
    )


def cover(report: Any, evidence: Evidence, verified_inputs: int, proof: Any = None) -> None:
    """Set a ProgramReport's count of verified inputs, its input space and completeness.

    Complete means the verdict covers every input up to MAX_SEQ_LEN: either the input space
    was enumerated, every input agreed at every position and no output is None (undefined: the
    compiled model emits an arbitrary value there, RASP601); or it was sampled, every sampled
    input agreed, and the block-wise `proof` (proof.py) holds. A sampled verdict that agreed
    but is not complete gets the proof's reason in `report.incomplete`.
    """
    report.verified_inputs = verified_inputs
    try:
        report.sampled = _input_space(evidence)[1]
    except MALFORMED:
        report.sampled, report.space, report.complete = False, 0, False
        return
    countable = evidence.max_seq_len <= MAX_COUNTED_LENGTH
    report.space = space_size(len(evidence.vocab), evidence.max_seq_len) if countable else 0
    defined = all(out is None or None not in out for out in evidence.outputs)
    if not report.sampled:
        report.complete = defined and 0 < verified_inputs == report.space
        return
    agreed = defined and 0 < verified_inputs == len(evidence.inputs)
    report.complete = agreed and proof is not None and proof.complete
    report.incomplete = proof.reason if agreed and proof is not None else ""


def _input_space(evidence: Evidence) -> tuple[list[list], bool]:
    """The judge's own input space for the evidence's configuration (read-only, cached).

    Its size is checked against the number of inputs the worker sent before it is built, so a
    configuration claiming billions of inputs costs nothing here.
    """
    vocab, max_seq_len, max_inputs = evidence.vocab, evidence.max_seq_len, evidence.max_inputs
    if not all(isinstance(n, int) and n >= 1 for n in (max_seq_len, max_inputs)):
        raise ValueError("MAX_SEQ_LEN and max_inputs must be positive integers")
    if not vocab:
        raise ValueError("the vocabulary is empty")
    sent, total = len(evidence.inputs), 0
    for n in range(1, max_seq_len + 1):
        total += len(vocab) ** n
        if total > sent:
            break
    base = min(total, max_inputs)
    steered = MAX_STEERED if total > max_inputs else 0  # coverage.py adds to a sample only
    if not base <= sent <= base + steered:
        raise ValueError(f"it sent {sent} inputs for an input space of {base}")
    try:
        key = (tuple(vocab), max_seq_len, max_inputs)
        hash(key)
    except TypeError as e:
        raise ValueError(f"the vocabulary cannot be read ({e})") from None
    return _cached_space(*key)


@functools.lru_cache(maxsize=8)
def _cached_space(vocab: tuple, max_seq_len: int, max_inputs: int) -> tuple[list[list], bool]:
    return input_space(vocab, max_seq_len, max_inputs)


def judge_analysis(evidence: Evidence) -> list[Diagnostic]:
    """RASP504 if the worker evaluated another input space; RASP502/503 for the reference."""
    try:
        return _judge_analysis(evidence)
    except MALFORMED as e:
        return [_forged(evidence, f"its evidence is malformed ({type(e).__name__}: {e})")]


def _judge_analysis(evidence: Evidence) -> list[Diagnostic]:
    refused = _refusal(evidence)
    if refused:
        return [_forged(evidence, refused)]
    if evidence.reference_error is not None:
        return [evidence.reference_error]
    if evidence.reference is None:
        return []
    for xs, out, expected in zip(
        evidence.inputs, evidence.outputs, evidence.reference, strict=True
    ):
        if out is None:
            continue
        if not isinstance(expected, list):
            return [_forged(evidence, "the reference's outputs are missing for some inputs")]
        if not outputs_agree(expected, out, numerical=True):
            return [
                Diagnostic(
                    "RASP502",
                    f"`{evidence.program}` disagrees with reference() on input {xs}: "
                    f"reference gives {format_values(expected)}, "
                    f"the program gives {format_values(out)}",
                    evidence.span,
                    evidence.program,
                    input=list(xs),
                )
            ]
    return []


def _refusal(evidence: Evidence) -> str | None:
    """Why the analysis evidence cannot be judged, or None if it can."""
    try:
        expected, _ = _input_space(evidence)
    except ValueError as e:
        return f"it evaluated another input space than its configuration's ({e})"
    if evidence.inputs[: len(expected)] != expected:
        return "it evaluated other inputs than the input space of its configuration"
    if not _new_inputs(evidence, evidence.inputs[len(expected) :]):
        return "the inputs it added to the sample are not new inputs of its configuration"
    if len(evidence.outputs) != len(evidence.inputs):
        return "it gave a different number of outputs than inputs"
    for xs, out in zip(evidence.inputs, evidence.outputs, strict=True):
        if out is not None and (not isinstance(out, list) or len(out) != len(xs)):
            return f"its output on input {xs} is not one value per position"
    if evidence.reference is not None and len(evidence.reference) != len(evidence.inputs):
        return "it gave a different number of reference outputs than inputs"
    return None


def _new_inputs(evidence: Evidence, added: list) -> bool:
    """Inputs steered towards rare values (pipeline/coverage.py) are sequences of the
    vocabulary up to MAX_SEQ_LEN, each new."""
    vocab = set(evidence.vocab)
    for xs in added:
        if not isinstance(xs, list) or not 1 <= len(xs) <= evidence.max_seq_len:
            return False
        if not all(t in vocab for t in xs):
            return False
    return len({tuple(xs) for xs in evidence.inputs}) == len(evidence.inputs)


def judge_model(
    evidence: Evidence,
    compiled: ModelEvidence,
    trace: Callable[[int], list],
    deadline: float | None = None,
) -> ModelVerdict:
    """Run the compiled model on every input the interpreter handled, and compare.

    `trace(row)` gives each operation's interpreter values on input `row` (one list per entry
    of `compiled.operations`, None where it has none); it is asked only on a disagreement.
    The model runs in batches; past `deadline` (time.monotonic) the verdict is withheld with
    RASP106, since a file can make its model too large to run in reasonable time.
    """
    try:
        return _judge_model(evidence, compiled, trace, deadline)
    except MALFORMED as e:
        why = f"its evidence is malformed ({type(e).__name__}: {e})"
        return ModelVerdict(0, [_forged(evidence, why)])


def _judge_model(
    evidence: Evidence,
    compiled: ModelEvidence,
    trace: Callable[[int], list],
    deadline: float | None,
) -> ModelVerdict:
    model = compiled.model
    refused = _refusal(evidence) or _model_refusal(evidence, model)
    if refused:
        return ModelVerdict(0, [_forged(evidence, refused)])
    rows = [i for i, out in enumerate(evidence.outputs) if out is not None]
    if not rows:
        return ModelVerdict(0, [])
    numerical = not model.categorical_output
    for start in range(0, len(rows), BATCH):
        if deadline is not None and time.monotonic() > deadline:
            return ModelVerdict(0, [_too_slow(evidence, start, len(rows))])
        batch = rows[start : start + BATCH]
        run = forward(model, [evidence.inputs[i] for i in batch])
        for k, row in enumerate(batch):
            expected, got = evidence.outputs[row], run.outputs[k]
            if not outputs_agree(expected, got, numerical):
                values = trace(row)
                return _mismatch(evidence, compiled, run.residual[k], row, got, values)
    return ModelVerdict(len(rows), [])


def _too_slow(evidence: Evidence, done: int, total: int) -> Diagnostic:
    return Diagnostic(
        "RASP106",
        f"judging `{evidence.program}` did not finish in time: its compiled model ran on "
        f"{done} of {total} inputs. The model is too large to run on them all within the "
        "timeout; raise it (--timeout) or lower the number of inputs (--max-inputs)",
        evidence.span,
        evidence.program,
    )


def run_one(result: dict[str, Any]) -> dict[str, Any]:
    """A worker's `run` result with the compiled model's output and the verdict filled in.

    The worker sends the interpreter's output and the compiled model (`model`); the model is
    run here, and `compiled` and `agree` are set from it. `model` is dropped.
    """
    if "input_error" in result:  # nothing was run
        return result
    model = result.pop("model", None)
    compiled = None
    if isinstance(model, FastModel):
        try:
            compiled = forward(model, [result["input"]]).outputs[0]
        except MALFORMED as e:
            result["compile_error"] = f"the compiled model could not be run ({e})"
    interpreted = result.get("interpreter")
    result["compiled"] = compiled
    result["agree"] = (
        isinstance(interpreted, list)
        and compiled is not None
        and outputs_agree(interpreted, compiled, not model.categorical_output)
    )
    return result


def judge_witness(
    evidence: Evidence, compiled: ModelEvidence, witness: dict[str, Any]
) -> ModelVerdict:
    """The full model on a witness input the worker found (blocks.py): RASP501 if it is wrong.

    `witness` holds the input, the interpreter's output on it and every operation's value.
    """
    try:
        xs, expected = witness["input"], witness["output"]
        if _model_refusal(evidence, compiled.model) or len(xs) > evidence.max_seq_len:
            return ModelVerdict(0, [_forged(evidence, "its witness input cannot be run")])
        run = forward(compiled.model, [xs])
        got = run.outputs[0]
        if outputs_agree(expected, got, not compiled.model.categorical_output):
            return ModelVerdict(0, [])
        alone = dataclasses.replace(evidence, inputs=[xs], outputs=[expected])
        return _mismatch(alone, compiled, run.residual[0], 0, got, witness["values"])
    except MALFORMED as e:
        return ModelVerdict(0, [_forged(evidence, f"its witness is malformed ({e})")])


def _model_refusal(evidence: Evidence, model: FastModel) -> str | None:
    """Why a compiled model cannot stand for this program's configuration, or None."""
    encoding = model.input_encoder.encoding_map
    tokens = set(encoding) - {model.input_encoder.bos_token, model.input_encoder.pad_token}
    if tokens != set(evidence.vocab):
        return "its compiled model reads another vocabulary than its configuration"
    if model.params["pos_embed"]["embeddings"].shape[0] < evidence.max_seq_len + 1:
        return "its compiled model is shorter than MAX_SEQ_LEN"
    return None


def _mismatch(
    evidence: Evidence,
    compiled: ModelEvidence,
    residual: np.ndarray,
    row: int,
    got: list,
    values: list,
) -> ModelVerdict:
    """Blame the first operation whose compiled value is wrong (else the program itself)."""
    xs, expected = evidence.inputs[row], evidence.outputs[row]
    output = compiled.operations[-1] if compiled.operations else None  # inputs first, output last
    culprit, culprit_expected, culprit_got = output, expected, got
    for operation, interpreted in zip(compiled.operations, values, strict=False):
        if interpreted is None:
            continue
        decoded = _decode(operation, residual, len(xs))
        if not outputs_agree(interpreted, decoded, operation.numerical):
            culprit, culprit_expected, culprit_got = operation, interpreted, decoded
            break
    what = f"`{evidence.program}`" if culprit is None else f"`{culprit.name}` ({culprit.kind})"
    message = (
        f"miscompilation: the compiled model disagrees with the RASP interpreter at {what} on "
        f"input {xs}: expected {format_values(culprit_expected)}, got {format_values(culprit_got)}"
    )
    related: list[Related] = []
    if culprit is not output:
        message += f"; program output expected {format_values(expected)}, got {format_values(got)}"
        site = evidence.site(output)
        related = [Related(site.span, f"`{evidence.program}`, the output", site.path)]
    where = evidence.site(culprit)
    diagnostic = Diagnostic.at(where, "RASP501", message, evidence.program, related, list(xs))
    return ModelVerdict(0, [diagnostic], culprit, row)


def _decode(operation: Operation, residual: np.ndarray, length: int) -> list:
    """An operation's value at each input position, read from its residual directions."""
    return read(operation, residual[1 : length + 1][:, operation.dims])


def read(operation: Operation, block: np.ndarray) -> list:
    """The operation's value in each row of `block` (rows x its dimensions): the magnitude of
    its one direction if numerical, else the value of its largest direction."""
    if operation.numerical:
        return block[:, 0].tolist()
    return [operation.values[int(i)] for i in np.argmax(block, axis=1)]


def _forged(evidence: Evidence, why: str) -> Diagnostic:
    return Diagnostic(
        "RASP504",
        f"the worker's results for `{evidence.program}` were refused: {why}. Something in the "
        "file changed how it is checked; no verdict is given",
        evidence.span,
        evidence.program,
    )

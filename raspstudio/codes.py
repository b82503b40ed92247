"""The diagnostic catalogue: every code the engine can emit, in one place.

Codes are a contract (scripts match on them): front ends show them, docs/diagnostics.md
documents each one under a heading equal to the code, and `codeDescription` links point there.
"""

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info", "hint"]

DOCS_URL = "https://github.com/rasp-studio/rasp-studio/blob/main/docs/diagnostics.md"


@dataclass(frozen=True)
class Code:
    code: str
    slug: str
    severity: Severity
    title: str

    @property
    def url(self) -> str:
        """Link to this code's section in docs/diagnostics.md (GitHub heading anchor)."""
        return f"{DOCS_URL}#{self.code.lower()}-{self.slug}"


_CATALOGUE = [
    # RASP1xx: the file cannot be loaded or configured.
    Code("RASP101", "syntax-error", "error", "The file is not valid Python"),
    Code("RASP102", "load-exception", "error", "An exception was raised while loading the file"),
    Code("RASP103", "no-vocab", "error", "No vocabulary is configured"),
    Code("RASP104", "no-program", "error", "The file defines no RASP program"),
    Code("RASP105", "bad-config", "error", "A configuration value is invalid"),
    Code("RASP106", "timeout", "error", "The worker did not finish within the time limit"),
    Code("RASP107", "worker-crashed", "error", "The worker process died"),
    Code("RASP108", "not-a-program", "error", "A `make_*` function did not return an SOp"),
    # RASP2xx: evaluation fails.
    Code("RASP201", "raises-on-input", "error", "An operation raises on an input"),
    Code("RASP202", "raises-on-value-set", "error", "An operation raises on its value set"),
    # RASP3xx: tracr cannot compile this operation.
    Code("RASP301", "unsupported-encoding", "error", "tracr does not support this encoding"),
    Code("RASP302", "averaging-categorical-aggregate", "error", "A categorical Aggregate averages"),
    Code("RASP303", "non-binary-numerical-aggregate", "error", "A numerical Aggregate of non-0/1"),
    Code("RASP304", "length-primitive", "error", "`rasp.length` cannot be compiled"),
    Code(
        "RASP305", "constant-sop", "error", "Full/ConstantSOp/ConstantSelector cannot be compiled"
    ),
    Code("RASP306", "composite-selector", "error", "Combined Selects over different keys/queries"),
    Code("RASP307", "sop-in-function", "error", "An SOp is used inside a Map/Select function"),
    Code("RASP308", "no-tokens", "error", "The program does not use `rasp.tokens`"),
    # RASP4xx: the compiler failed for another reason.
    Code("RASP401", "compiler-error", "error", "tracr failed to compile the program"),
    # RASP5xx: miscompilation.
    Code("RASP501", "compiled-mismatch", "error", "The compiled model disagrees with RASP"),
    Code("RASP502", "reference-mismatch", "error", "The program disagrees with `reference`"),
    Code("RASP503", "reference-error", "error", "`reference` raised an exception"),
    Code("RASP504", "results-refused", "error", "The worker's results do not fit the check"),
    # RASP6xx: warnings (and one hint).
    Code("RASP601", "none-output", "warning", "The program outputs None"),
    Code("RASP602", "negative-numerical-map", "warning", "A numerical Map outputs negatives"),
    Code("RASP603", "low-mlp-exactness", "warning", "An MLP approximation is inexact"),
    Code("RASP604", "huge-mlp", "warning", "An operation compiles to a very large MLP"),
    # A style hint, not a warning: shown in editors faintly, in `rasp check` only when selected.
    Code("RASP605", "unnamed-operation", "hint", "An operation has no name"),
    Code("RASP606", "causal-difference", "warning", "Causal masking changes the output"),
    Code("RASP607", "unused-operation", "warning", "An operation is not used by any program"),
    Code("RASP608", "unreached-block-error", "warning", "An MLP is wrong on an unreached value"),
]

CODES: dict[str, Code] = {c.code: c for c in _CATALOGUE}


def code(code_id: str) -> Code:
    """Look up a catalogue entry; an unknown id is a ValueError (a worker may send anything)."""
    try:
        return CODES[code_id]
    except (KeyError, TypeError):
        raise ValueError(f"unknown diagnostic code {code_id!r}") from None

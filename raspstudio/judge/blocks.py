"""What a block-wise check found wrong, and how it is told when no input reaches it.

The proof (proof.py) checks each compiled MLP on every value its inputs can take. A row it
gets wrong is a `BlockFailure`: the engine asks the worker for an input that reaches those
values (the full model is then judged on it, verdict.judge_witness), and when none is found
`unreached` says so (RASP608): the weights are wrong there, but perhaps no input goes there.
"""

from dataclasses import dataclass
from typing import Any

from raspstudio.evidence import Evidence, Operation
from raspstudio.report import Diagnostic, format_values

WITNESS_TRIES = 20_000  # candidate inputs the worker tries (raspstudio/pipeline/blocks.py)


@dataclass
class BlockFailure:
    """A value combination on which a compiled MLP disagrees with the RASP function."""

    operation: Operation
    values: list  # the inputs' values
    expected: Any
    got: Any

    def inputs(self) -> str:
        """ "its inputs are [91]" ("its width is 10" for a SelectorWidth's MLP)."""
        if self.operation.kind == "SelectorWidth":
            return f"its width is {format_values(self.values)[1:-1]}"
        return f"its inputs are {format_values(self.values)}"


def unreached(
    evidence: Evidence, failure: BlockFailure, tries: int, reached: list | None = None
) -> Diagnostic:
    """RASP608: the MLP is wrong on values no input was found to reach, or on values an
    input (`reached`) reaches while the program's output there is still right."""
    operation = failure.operation
    if reached is None:
        found = (
            f"No input reaching these values was found in {tries:,} tries, so the model may "
            "never meet them; if some input does, the model is wrong there"
        )
    else:
        found = (
            f"Input {format_values(reached)} reaches them; the program's output there is "
            "still right, as later operations do not tell the values apart, but the block's "
            "weights are wrong"
        )
    return Diagnostic.at(
        evidence.site(operation),
        "RASP608",
        f"the compiled MLP for `{operation.name}` ({operation.kind}) is wrong when "
        f"{failure.inputs()}: expected {format_values([failure.expected])}, "
        f"got {format_values([failure.got])}. {found}. The verdict is not complete",
        evidence.program,
    )

"""`rasp testbed verify`: does a testbed folder still do what it says, without its source?

Three checks, each on the folder's own files: the weights run every stored example to its
stored output (examples.json, written by `rasp export` from the inputs the program was
verified on); weights.npz and weights.safetensors, where both are there, hold the same
tensors; and circuit.json passes the ablation check (ablation.py). `runner` is the forward
pass of the backend asked for (forward.py's, or lens.py's through TransformerLens).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from raspstudio.testbed import ablation
from raspstudio.testbed.folder import Testbed


@dataclass
class Verdict:
    inputs: int = 0
    agree: int = 0
    check: ablation.Check | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "agree": self.agree,
            "circuit": self.check.summary() if self.check else None,
            "ok": self.ok,
            "problems": self.problems,
        }


def verify(testbed: Testbed, runner: Callable, progress: Callable[[int], None]) -> Verdict:
    """Check `testbed`; `progress(total)` is told how many ablations there are, then called
    with 0 after each one."""
    found = Verdict()
    examples = testbed.examples
    if not examples or not examples.get("inputs"):
        found.problems.append("examples.json is missing or holds no inputs")
        return found
    inputs, expected = examples["inputs"], examples["outputs"]
    found.inputs = len(inputs)
    outputs = runner(inputs).outputs
    pairs = enumerate(zip(expected, outputs, strict=True))
    wrong = [i for i, (e, o) in pairs if not _agree(testbed, e, o)]
    found.agree = len(inputs) - len(wrong)
    if wrong:
        first = wrong[0]
        found.problems.append(
            f"{len(wrong)} of {len(inputs)} stored inputs give another output than stored; "
            f"first: {inputs[first]} -> {outputs[first]}, stored {expected[first]}"
        )
    if differ := _weight_files_differ(testbed):
        found.problems.append(differ)
    if testbed.circuit is None:
        found.problems.append("circuit.json is missing")
        return found
    if unknown := ablation.unknown_edges(testbed):
        found.problems.append(f"circuit.json lists edges this model does not have: {unknown[0]}")
    found.check = ablation.check_circuit(testbed, runner, progress)
    found.problems += found.check.problems()
    return found


def _agree(testbed: Testbed, expected: list, got: list) -> bool:
    """Positions the program leaves undefined (None) are skipped: tracr's output there is
    arbitrary."""
    return len(expected) == len(got) and all(
        e is None or ablation.same(testbed, e, g) for e, g in zip(expected, got, strict=True)
    )


def _weight_files_differ(testbed: Testbed) -> str | None:
    npz, safetensors = testbed.folder / "weights.npz", testbed.folder / "weights.safetensors"
    if not (npz.exists() and safetensors.exists()):
        return None
    with np.load(npz, allow_pickle=False) as other:
        names = set(other.files)
        if names != set(testbed.arrays):
            return "weights.npz and weights.safetensors hold different tensors"
        for name in sorted(names):
            if not np.array_equal(other[name], testbed.arrays[name]):
                return f"weights.npz and weights.safetensors differ in {name!r}"
    return None

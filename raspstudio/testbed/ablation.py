"""Circuits checked, not assumed: every edge matters, and nothing outside the circuit does.

Resample ablation over the input space: an edge (sender -> an input of a receiver) is ablated
by giving that one input, at every token position, the sender's output at another token
position of another stored input (a seeded shuffle of all of them), instead of its real
output there (forward.py). An edge of the circuit is *necessary* when that changes some
output on some input; a pair outside the circuit is *spurious* when it does.

Why resample, and across positions: the replacements are real outputs of the sender, so
what the receiver reads stays a value the program can produce; drawn from other positions
too, they change what the sender says about positions (a shuffle within one position would
leave `indices` as it was). A mean would not do: where two edges carry the same information
(dyck1_balanced reads both the fraction of "(" and of ")" so far, which sum to 1), replacing
one by its mean keeps every output, while a value from elsewhere does not. An edge that
changes nothing under the first shuffle is tried with up to `SHUFFLES` in all before it is
called unnecessary; a pair outside the circuit is ablated with the first shuffle (thousands of
replacements, one per token position of every input), which keeps the check affordable
through TransformerLens too.

Outputs are compared where the testbed's examples define them (tracr leaves positions the
interpreter gives None undefined); numerical outputs within the judge's tolerance.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from raspstudio.testbed import circuit as derive
from raspstudio.testbed.components import Component, Edge
from raspstudio.testbed.folder import Testbed, TestbedError
from raspstudio.testbed.forward import Ablation, Run

TOLERANCE = 1e-3  # numerical outputs, absolute and relative: the judge's
SHUFFLES = 3  # resamplings tried before an edge is called unnecessary
SEED = 0

Runner = Callable[[list[list], Ablation | None, bool], Run]


@dataclass
class Check:
    """What the ablation check found; `holds` when every edge is necessary and no other pair
    is spurious."""

    edges: int
    non_edges: int
    unnecessary: list[Edge] = field(default_factory=list)
    spurious: list[Edge] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.unnecessary and not self.spurious

    def summary(self) -> dict[str, int]:
        return {
            "edges": self.edges,
            "necessary": self.edges - len(self.unnecessary),
            "non_edges": self.non_edges,
            "spurious_found": len(self.spurious),
        }

    def problems(self) -> list[str]:
        return [
            f"edge {e.sender.name} -> {e.receiver.name} changes no output when ablated"
            for e in self.unnecessary
        ] + [
            f"{e.sender.name} -> {e.receiver.name} is not in the circuit, but ablating it "
            "changes an output"
            for e in self.spurious
        ]


def check(
    testbed: Testbed,
    inputs: list[list],
    expected: list[list],
    edges: list[Edge],
    non_edges: list[Edge],
    runner: Runner,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Check:
    """Ablate each edge and each non-edge alone; `runner` is a backend's forward pass.
    `progress(done, total)` is called after each."""
    clean = runner(inputs, None, True)
    shuffles = [_shuffled(clean, n) for n in range(SHUFFLES)]
    found = Check(len(edges), len(non_edges))

    def changes(edge: Edge, shuffle: dict) -> bool:
        ablated = runner(inputs, Ablation(edge, shuffle[edge.sender]), False)
        return _differ(testbed, expected, clean.outputs, ablated.outputs)

    total = len(edges) + len(non_edges)
    for done, edge in enumerate(edges, 1):
        if not any(changes(edge, shuffle) for shuffle in shuffles):
            found.unnecessary.append(edge)
        progress(done, total)
    for done, edge in enumerate(non_edges, len(edges) + 1):
        if changes(edge, shuffles[0]):
            found.spurious.append(edge)
        progress(done, total)
    return found


def check_circuit(
    testbed: Testbed, runner: Runner, progress: Callable[[int, int], None] = lambda d, t: None
) -> Check:
    """The circuit of circuit.json against ablation over the testbed's stored examples."""
    edges, non_edges = stored_edges(testbed)
    examples = testbed.examples or {"inputs": [], "outputs": []}
    return check(
        testbed, examples["inputs"], examples["outputs"], edges, non_edges, runner, progress
    )


def stored_edges(testbed: Testbed) -> tuple[list[Edge], list[Edge]]:
    """Every (component, later input) pair of the model, split by whether circuit.json's
    `qkv_edges` lists it."""
    _, derived, non_derived = derive.graph(testbed)
    listed = set(_pairs(testbed.circuit, "qkv_edges"))
    pairs = sorted(derived + non_derived)
    return [e for e in pairs if e.names in listed], [e for e in pairs if e.names not in listed]


def unknown_edges(testbed: Testbed) -> list[str]:
    """What in circuit.json names no pair of this model, or disagrees with itself: its
    component `edges` must be its `qkv_edges` with q, k and v merged."""
    _, derived, non_derived = derive.graph(testbed)
    known = {e.names: e for e in derived + non_derived}
    listed = _pairs(testbed.circuit, "qkv_edges")
    found = [f"{a} -> {b}" for a, b in listed if (a, b) not in known]
    merged = {(a, known[(a, b)].receiver.component.name) for a, b in listed if (a, b) in known}
    if not found and set(_pairs(testbed.circuit, "edges")) != merged:
        found.append("its `edges` are not its `qkv_edges` merged by component")
    return found


def _pairs(circuit: dict | None, key: str) -> list[tuple[str, str]]:
    """circuit.json's edges under `key` as pairs of hook names; TestbedError if malformed."""
    pairs = (circuit or {}).get(key, []) if isinstance(circuit, dict | None) else None
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(n, str) for n in p) for p in pairs
    ):
        raise TestbedError(f"circuit.json's `{key}` is not a list of [sender, receiver] names")
    return [(a, b) for a, b in pairs]


def _shuffled(clean: Run, n: int) -> dict[Component, list[np.ndarray]]:
    """Per component, its outputs at every token position of every input, shuffled across
    them all (the `n`th shuffle, seeded by the component: the same whichever components a
    backend keeps) and cut back into the batches' shapes."""
    found = {}
    for component, batches in clean.written.items():
        pool = np.concatenate([b[:, 1:].reshape(-1, b.shape[-1]) for b in batches])
        seed = [SEED, n, component.layer + 1, component.stage, component.head]
        pool = pool[np.random.default_rng(seed).permutation(len(pool))]
        cut = np.cumsum([b.shape[0] * (b.shape[1] - 1) for b in batches])[:-1]
        found[component] = [
            part.reshape(b.shape[0], b.shape[1] - 1, -1)
            for part, b in zip(np.split(pool, cut), batches, strict=True)
        ]
    return found


def _differ(testbed: Testbed, expected: list, before: list, after: list) -> bool:
    """Whether an output changed at a position the examples define."""
    for want, was, now in zip(expected, before, after, strict=True):
        for w, b, a in zip(want, was, now, strict=True):
            if w is not None and not same(testbed, b, a):
                return True
    return False


def same(testbed: Testbed, one, other) -> bool:
    """Whether two output values of `testbed` are the same: numerical ones within TOLERANCE."""
    if testbed.categorical:
        return one == other
    return math.isclose(one, other, rel_tol=TOLERANCE, abs_tol=TOLERANCE)

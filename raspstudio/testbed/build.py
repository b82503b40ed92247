"""A testbed from what the engine hands over for a verified program, its circuit derived from
the weights and checked by ablation over the inputs it was verified on.

Both `rasp export` (which writes only testbeds whose circuit holds) and `rasp sample` (which
keeps only programs that would export) build testbeds here.
"""

from pathlib import Path

import numpy as np

from raspstudio.testbed import ablation, circuit, forward
from raspstudio.testbed.folder import Testbed


def from_export(data: dict, folder: Path) -> tuple[Testbed, ablation.Check]:
    """The testbed of `Engine.export`'s `data`, to be written as `folder`, with its circuit;
    the check says whether the circuit holds."""
    arrays = {name: np.asarray(value) for name, value in data["arrays"].items()}
    testbed = Testbed(folder, data["model"], arrays, data["examples"])
    nodes, edges, non_edges = circuit.graph(testbed)
    examples = data["examples"]
    check = ablation.check(
        testbed,
        examples["inputs"],
        examples["outputs"],
        edges,
        non_edges,
        forward.runner(testbed),
    )
    testbed.circuit = circuit.circuit_json(testbed, nodes, edges) | {
        "checked": {"ablation": "resample", "inputs": len(examples["inputs"]), **check.summary()}
    }
    return testbed, check

"""Testbeds: a compiled program's weights with the ground truth of what every part computes.

An export is what interpretability research needs from a compiled RASP program and nothing
else: the weights (`weights.npz`), and `model.json` with the configuration, the encoders and
the *ground-truth map*: for each head and MLP, the RASP operations it implements (name, kind,
source line); for each residual dimension, the variable and value it encodes. docs/export.md
loads one with NumPy alone and runs it.
"""

from typing import Any

import numpy as np
from tracr.compiler import nodes
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline.load import Program
from raspstudio.pipeline.rasp_to_model import Compiled, direction_owners
from raspstudio.pipeline.spans import span_of
from raspstudio.tokens import sorted_vocab

FORMAT = "rasp-studio testbed 1"


def testbed(program: Program, config: Config, compiled: Compiled, spec: str) -> dict[str, Any]:
    """{"model": the model.json object, "arrays": the weights.npz arrays} for one program."""
    model = compiled.model
    arrays = {
        f"{module}/{name}": np.asarray(value)
        for module, values in model.params.items()
        for name, value in values.items()
    }
    arrays["unembed"] = np.asarray(model.unembed)
    return {"model": _model_json(program, config, compiled, spec), "arrays": arrays}


def _model_json(program: Program, config: Config, compiled: Compiled, spec: str) -> dict:
    model, summary = compiled.model, compiled.summary
    shape = model.model_config
    output = program.sop
    return {
        "format": FORMAT,
        "program": program.name,
        "spec": spec,
        "config": {
            "vocab": sorted_vocab(config.vocab),
            "max_seq_len": config.max_seq_len,
            "bos": config.compiler_bos,
            "pad": config.compiler_pad,
            "causal": config.causal,
            "mlp_exactness": config.mlp_exactness,
            "layers": shape.num_layers,
            "heads_per_layer": shape.num_heads,
            "key_size": shape.key_size,
            "mlp_hidden_size": shape.mlp_hidden_size,
            "d_model": len(model.residual_labels),
            "params": summary.params,
        },
        "input_encoding": [[t, i] for t, i in model.input_encoder.encoding_map.items()],
        "output": {
            "variable": compiled.names[output.label],
            "encoding": rasp.get_encoding(output).value,
            "decoding": [[i, v] for v, i in model.output_encoder.encoding_map.items()]
            if model.categorical_output
            else None,
        },
        "residual": _residual_map(compiled),
        "blocks": [
            {
                "layer": block.layer,
                "sublayer": block.sublayer,
                "head": block.head,
                "width": block.width,
                "operations": [_operation(compiled, label) for label in block.labels],
            }
            for block in summary.blocks
        ],
    }


def _operation(compiled: Compiled, label: str) -> dict[str, Any]:
    """An operation by the name people read (`name`) and tracr's unique `label`."""
    expr = compiled.graph.nodes[label][nodes.EXPR]
    span = span_of(expr)
    return {
        "name": compiled.names[label],
        "label": label,
        "kind": type(expr).__name__,
        "encoding": None if isinstance(expr, rasp.Selector) else rasp.get_encoding(expr).value,
        "line": span.line if span else None,
    }


def _residual_map(compiled: Compiled) -> list[dict[str, Any]]:
    """For each residual dimension: the variable whose value it encodes, and which value.

    `label` is tracr's, which the weights' dimensions mean; `name` is the same dimension as
    the layer table names it (`count_ones:3` for `count_ones_10:3`). Directions of an SOp's
    output space come from the graph with their typed values; the rest (the constant `one`,
    the BOS/PAD token directions, an MLP's scratch space) have the variable they belong to
    where one is known.
    """
    known: dict[str, Any] = {}
    for node in compiled.graph.nodes.values():
        for direction in node.get(nodes.OUTPUT_BASIS, []) or []:
            known[str(direction)] = direction.value
    summary = compiled.summary
    owners = direction_owners(summary.residual_labels, compiled.graph)
    found = []
    for index, (label, name, owner) in enumerate(
        zip(summary.residual_labels, summary.residual_names, owners, strict=True)
    ):
        found.append(
            {
                "index": index,
                "label": label,
                "name": name,
                "variable": compiled.names[owner] if owner else label.split(":", 1)[0],
                "value": known.get(label),
                "role": "value" if label in known else "other",
            }
        )
    return found

"""The ground-truth circuit of a testbed, derived from its weights.

A component *writes* the residual dimensions its output projection reaches (the embeddings:
those their tables set); an input *reads* the dimensions its projection takes in (a head's
query, key or value weights, an MLP's first layer, the unembedding). There is an edge from a
component to an input of a later one where the first writes a dimension the second reads,
not counting the two dimensions tracr keeps the same at every token position of every input:
`one` (1 everywhere; MLPs read it as a bias) and the BOS token's (0 everywhere but position
0; every head's key reads it to fall back on BOS). They carry no information from one input
to another, so no ablation over the input space can tell whether they are used.

Nodes carry the RASP operations they compute (model.json's `blocks`); the embeddings compute
`tokens` and `indices`, the output reads the program's output variable. The circuit comes at
two granularities: `edges` to components, and `qkv_edges` to a head's query, key and value
inputs separately. ablation.py checks that it is right.
"""

from typing import Any

import numpy as np

from raspstudio.testbed import components
from raspstudio.testbed.components import Component, Edge, Input
from raspstudio.testbed.folder import Testbed

FORMAT = "rasp-studio circuit 1"


def graph(testbed: Testbed) -> tuple[list[Component], list[Edge], list[Edge]]:
    """(the components that write something, the edges, the non-edges): every pair of a
    component and a later component's input is one or the other."""
    groups = _groups(testbed)
    writes = {c: _written(mask, groups) for c, mask in _writes(testbed).items()}
    reads = {i: _read(matrix, groups) for i, matrix in _reads(testbed).items()}
    nodes = [c for c in writes if writes[c]] + [components.output(testbed.config["layers"])]
    edges, non_edges = [], []
    for receiver in nodes:
        for part in components.inputs(receiver):
            for sender in nodes:
                if sender.kind != "output" and components.precedes(sender, receiver):
                    edge = Edge(sender, part)
                    (edges if writes[sender] & reads[part] else non_edges).append(edge)
    return nodes, edges, non_edges


def circuit_json(testbed: Testbed, nodes: list[Component], edges: list[Edge]) -> dict[str, Any]:
    """circuit.json (docs/export.md): nodes with their operations, and edges as hook-name
    pairs at component and at q/k/v-input granularity."""
    component_edges = sorted({(e.sender.name, e.receiver.component.name) for e in edges})
    return {
        "format": FORMAT,
        "program": testbed.model["program"],
        "nodes": [_node(testbed, node) for node in nodes],
        "edges": [list(pair) for pair in component_edges],
        "qkv_edges": [list(e.names) for e in sorted(edges)],
    }


def _node(testbed: Testbed, node: Component) -> dict[str, Any]:
    found = {"name": node.name, "kind": node.kind}
    if node.kind in ("head", "mlp"):
        found["layer"] = node.layer
    if node.kind == "head":
        found["head"] = node.head
    found["operations"] = _operations(testbed, node)
    return found


def _operations(testbed: Testbed, node: Component) -> list[str]:
    if node.kind == "embed":
        return ["tokens", "indices"]
    if node.kind == "output":
        return [testbed.model["output"]["variable"]]
    sublayer = "attn" if node.kind == "head" else "mlp"
    return [
        operation["name"]
        for block in testbed.model["blocks"]
        if block["layer"] == node.layer
        and block["sublayer"] == sublayer
        and (node.kind == "mlp" or block["head"] == node.head)
        for operation in block["operations"]
    ]


def _groups(testbed: Testbed) -> list[list[int]]:
    """The residual dimensions that carry information, grouped by what a reader can tell
    apart: a categorical variable's value directions (exactly one is 1 at a token position),
    and each other dimension alone. `one`, BOS and PAD are left out: the same at every token
    position of every input (inputs of one length run without padding)."""
    constant = {"one"} | {f"tokens:{testbed.config[t]}" for t in ("bos", "pad")}
    by_variable: dict[str, list[int]] = {}
    groups = []
    for d in testbed.model["residual"]:
        if d["label"] in constant:
            continue
        if d["role"] == "value" and ":" in d["label"]:
            by_variable.setdefault(d["variable"], []).append(d["index"])
        else:
            groups.append([d["index"]])
    return list(by_variable.values()) + groups


def _written(mask: np.ndarray, groups: list[list[int]]) -> set[int]:
    """The groups (by position in `groups`) a component writes any dimension of."""
    return {i for i, group in enumerate(groups) if mask[group].any()}


def _read(matrix: np.ndarray, groups: list[list[int]]) -> set[int]:
    """The groups whose value changes what `matrix` (rows: residual dimensions) computes: a
    single dimension whose row is not zero, or a categorical variable whose value directions
    have rows that are not all the same (were they, every value would be read alike)."""
    return {
        i
        for i, group in enumerate(groups)
        if (np.any(matrix[group[0]]) if len(group) == 1 else np.ptp(matrix[group], axis=0).any())
    }


def _nonzero_rows(weights: np.ndarray) -> np.ndarray:
    return np.abs(weights).sum(axis=1) > 0


def _writes(testbed: Testbed) -> dict[Component, np.ndarray]:
    """Per component, a mask of the residual dimensions it writes."""
    cfg, w = testbed.config, testbed.arrays
    found = {
        components.embed(): _nonzero_rows(w["token_embed/embeddings"].T)
        | _nonzero_rows(w["pos_embed/embeddings"].T)
    }
    k = cfg["key_size"]
    for layer in range(cfg["layers"]):
        out = w[f"transformer/layer_{layer}/attn/linear/w"]
        for h in range(cfg["heads_per_layer"]):
            found[components.head(layer, h)] = _nonzero_rows(out[h * k : (h + 1) * k].T)
        found[components.mlp(layer)] = _nonzero_rows(
            w[f"transformer/layer_{layer}/mlp/linear_2/w"].T
        )
    return found


def _reads(testbed: Testbed) -> dict[Input, np.ndarray]:
    """Per input, the matrix through which it reads the stream (rows: residual dimensions):
    for a head's query and key, the product of both projections (what the attention logits
    are made of), for its value, the value projection times the output projection; an MLP's
    first layer; the unembedding."""
    cfg, w = testbed.config, testbed.arrays
    found = {Input(components.output(cfg["layers"]), "output"): w["unembed"]}
    k = cfg["key_size"]
    for layer in range(cfg["layers"]):
        attn = f"transformer/layer_{layer}/attn"
        for h in range(cfg["heads_per_layer"]):
            cols = slice(h * k, (h + 1) * k)
            query, key, value = (w[f"{attn}/{n}/w"][:, cols] for n in ("query", "key", "value"))
            me = components.head(layer, h)
            qk = query @ key.T
            found[Input(me, "q")], found[Input(me, "k")] = qk, qk.T
            found[Input(me, "v")] = value @ w[f"{attn}/linear/w"][cols]
        found[Input(components.mlp(layer), "mlp")] = w[f"transformer/layer_{layer}/mlp/linear_1/w"]
    return found

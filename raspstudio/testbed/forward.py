"""A testbed's forward pass in NumPy, component by component, with one edge ablated if asked.

The model is tracr's: embeddings; per layer, attention heads (`softmax(q k^T / sqrt(key_size))`,
BOS at position 0, a causal mask where the config says so) whose results are added to the
residual stream, then a ReLU MLP; no layer norm; then `unembed`. Inputs of one length run
as one batch, so no position is padding.

Ablating an edge (sender -> an input of a receiver) changes only what that one input reads:
the sender's output is replaced, at every token position, by `replacement` (its output
elsewhere, chosen by ablation.py), while every other component reads the sender's real
output. This is edge ablation as circuit-discovery tools do it.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from raspstudio.testbed import components
from raspstudio.testbed.components import Component, Edge
from raspstudio.testbed.folder import Testbed


@dataclass
class Ablation:
    edge: Edge
    # Per batch of `batches`, [inputs, token positions, d_model]: what the receiver reads
    # from the sender instead of its output (BOS, at position 0, is not ablated).
    replacement: list[np.ndarray]


@dataclass
class Run:
    """Outputs per input; with `keep`, each component's output and the residual stream after
    each layer ([batch, positions, d_model] per length, in the order of the inputs' lengths)."""

    outputs: list[list]
    batches: list[tuple[list[int], np.ndarray]]  # as `batches` gives them
    written: dict[Component, list[np.ndarray]] = field(default_factory=dict)
    residual: list[list[np.ndarray]] = field(default_factory=list)  # per length, per layer


def batches(testbed: Testbed, inputs: list[list]) -> list[tuple[list[int], np.ndarray]]:
    """The inputs as batches of one length, in order of first appearance: (rows, token ids
    [batch, 1 + length]). Every backend runs these, so an ablation's replacements line up."""
    by_length: dict[int, list[int]] = {}
    for row, tokens in enumerate(inputs):
        by_length.setdefault(len(tokens), []).append(row)
    return [
        (rows, np.array([testbed.encode(inputs[row]) for row in rows]))
        for rows in by_length.values()
    ]


def run(
    testbed: Testbed,
    inputs: list[list],
    ablation: Ablation | None = None,
    keep: bool = False,
    resume: Run | None = None,
) -> Run:
    """Run every input; outputs come back in the inputs' order. `resume`: a run of the same
    inputs with `keep`, whose stream an ablated run starts from at the receiver's layer (what
    comes before it is the same)."""
    outputs: list[list] = [[] for _ in inputs]
    result = Run(outputs, resume.batches if resume else batches(testbed, inputs))
    layers = _layers(testbed)
    for batch, (rows, ids) in enumerate(result.batches):
        replacement = ablation and (ablation.edge, ablation.replacement[batch])
        start = _start(testbed, ids, replacement, resume, batch)
        out, written, residual = _forward(testbed, layers, start, replacement)
        for row, values in zip(rows, testbed.decode(out), strict=True):
            outputs[row] = values
        if keep:
            for component, value in written.items():
                result.written.setdefault(component, []).append(value)
            result.residual.append(residual)
    return result


def runner(testbed: Testbed) -> Callable[..., Run]:
    """`run` for ablation.check: an ablated run resumes from the last clean run with `keep`,
    if that was a run of the same inputs."""
    clean: list[tuple[list[list], Run]] = []

    def run_(inputs: list[list], ablation: Ablation | None = None, keep: bool = False) -> Run:
        resume = clean[0][1] if ablation and clean and clean[0][0] == inputs else None
        found = run(testbed, inputs, ablation, keep, resume)
        if keep and ablation is None:
            clean[:] = [([list(tokens) for tokens in inputs], found)]
        return found

    return run_


def writers(testbed: Testbed) -> list[Component]:
    """The components whose outputs a run with `keep` returns, in the order they run: the
    embeddings, then per layer the heads that write something, and the MLP."""
    found = [components.embed()]
    for layer, prepared in enumerate(_layers(testbed)):
        found += [components.head(layer, h) for h, _ in prepared.heads]
        found.append(components.mlp(layer))
    return found


@dataclass
class _Layer:
    """One layer's weights, less the heads and MLP units that write nothing (their output is
    exactly zero, so leaving them out changes no number)."""

    heads: list[tuple[int, slice]]  # (head, its columns in query/key/value and rows of linear)
    units: np.ndarray  # the MLP's hidden units that write something


_prepared: "weakref.WeakKeyDictionary[Testbed, list[_Layer]]" = weakref.WeakKeyDictionary()


def _layers(testbed: Testbed) -> list[_Layer]:
    if testbed not in _prepared:
        cfg, w, k = testbed.config, testbed.arrays, testbed.config["key_size"]
        found = []
        for layer in range(cfg["layers"]):
            out = w[f"transformer/layer_{layer}/attn/linear/w"]
            columns = [slice(h * k, (h + 1) * k) for h in range(cfg["heads_per_layer"])]
            heads = [(h, cols) for h, cols in enumerate(columns) if np.any(out[cols])]
            second = w[f"transformer/layer_{layer}/mlp/linear_2/w"]
            found.append(_Layer(heads, np.flatnonzero(np.abs(second).sum(axis=1))))
        _prepared[testbed] = found
    return _prepared[testbed]


@dataclass
class _Start:
    layer: int  # the first layer to compute
    x: np.ndarray  # the stream entering it
    written: dict[Component, np.ndarray]  # every component's output before it
    residual: list[np.ndarray]  # the stream after each layer before it


def _start(testbed, ids, ablation, resume: Run | None, batch: int) -> _Start:
    w = testbed.arrays
    if resume is None or ablation is None:
        x = w["token_embed/embeddings"][ids] + w["pos_embed/embeddings"][: ids.shape[1]]
        return _Start(0, x, {components.embed(): x}, [])
    receiver = ablation[0].receiver.component
    layer = min(receiver.layer, testbed.config["layers"])
    before = {c: v[batch] for c, v in resume.written.items() if c.layer < layer}
    residual = resume.residual[batch][:layer]
    x = residual[-1] if residual else before[components.embed()]
    return _Start(layer, x, before, list(residual))


def _forward(testbed: Testbed, layers: list[_Layer], start: _Start, ablation):
    cfg, w = testbed.config, testbed.arrays
    x, written, residual = start.x, start.written, start.residual
    width = x.shape[1]

    def read(receiver: components.Input, stream: np.ndarray) -> np.ndarray:
        if ablation is None or ablation[0].receiver != receiver:
            return stream
        edge, replacement = ablation
        patched = stream.copy()
        patched[:, 1:] += replacement - written[edge.sender][:, 1:]
        return patched

    scale = np.sqrt(cfg["key_size"]).astype(np.float32)
    allowed = np.tril(np.ones((width, width), bool)) if cfg["causal"] else True
    for layer in range(start.layer, cfg["layers"]):
        attn, mlp = f"transformer/layer_{layer}/attn", f"transformer/layer_{layer}/mlp"
        total = np.zeros_like(x) + w[f"{attn}/linear/b"]
        for h, cols in layers[layer].heads:
            me = components.head(layer, h)

            q, key, v = (
                read(components.Input(me, part), x) @ w[f"{attn}/{name}/w"][:, cols]
                + w[f"{attn}/{name}/b"][cols]
                for part, name in (("q", "query"), ("k", "key"), ("v", "value"))
            )
            logits = np.where(allowed, q @ key.transpose(0, 2, 1) / scale, np.float32(-1e30))
            pattern = np.exp(logits - logits.max(-1, keepdims=True))
            pattern /= pattern.sum(-1, keepdims=True)
            written[me] = (pattern @ v) @ w[f"{attn}/linear/w"][cols]
            total += written[me]
        x = x + total
        me, units = components.mlp(layer), layers[layer].units
        hidden = read(components.Input(me, "mlp"), x) @ w[f"{mlp}/linear_1/w"][:, units]
        hidden = np.maximum(hidden + w[f"{mlp}/linear_1/b"][units], 0)
        written[me] = hidden @ w[f"{mlp}/linear_2/w"][units] + w[f"{mlp}/linear_2/b"]
        x = x + written[me]
        residual.append(x)
    final = read(components.Input(components.output(cfg["layers"]), "output"), x)
    return final @ w["unembed"], written, residual

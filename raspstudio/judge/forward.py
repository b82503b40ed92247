"""The compiled transformer's forward pass in NumPy, on a batch of inputs at once.

One-hot token and position embeddings, attention with BOS, PAD and causal masks, ReLU MLPs and
the unembedding, exactly as tracr's model computes them (the parameters are bit-identical to
`compile_rasp_to_model`'s; tests compare with stock tracr). The judge runs it on the weights the
worker hands over; the worker runs it too, for views and traces of one input.

Ported from tracr's `model.py` and `assemble.py` (Apache 2.0, DeepMind).
"""

from dataclasses import dataclass, field

import numpy as np

from raspstudio.evidence import CategoricalEncoding, FastModel, ModelConfig
from raspstudio.judge import used_weights


@dataclass
class Forward:
    """A batched forward pass: decoded outputs and everything a front end may draw."""

    outputs: list[list]  # per input, BOS dropped
    residual: np.ndarray  # final residual stream [batch, T, D]
    embedded: np.ndarray | None = None  # after the embeddings [batch, T, D], with keep_layers
    layer_residuals: list[np.ndarray] = field(default_factory=list)  # after each half-layer
    attention: list[np.ndarray | None] = field(default_factory=list)  # per layer [B, H, T, T]


def encode_batch(
    enc: CategoricalEncoding, inputs: list[list], width: int | None = None
) -> np.ndarray:
    """Token ids [batch, width]: BOS, the input, then PAD (width: longest input + BOS)."""
    width = width or 1 + max((len(xs) for xs in inputs), default=0)
    ids = np.full((len(inputs), width), enc.pad_encoding, dtype=np.int32)
    for row, xs in enumerate(inputs):
        ids[row, : len(xs) + 1] = enc.encode([enc.bos_token, *xs])
    return ids


def forward(model: FastModel, inputs: list[list], keep_layers: bool = False) -> Forward:
    """Run the compiled model on many inputs at once; PAD positions are never attended to."""
    config, params = model.model_config, model.params
    ids = encode_batch(model.input_encoder, inputs)
    width = ids.shape[1]
    x = params["token_embed"]["embeddings"][ids] + params["pos_embed"]["embeddings"][:width]
    mask = (ids != model.input_encoder.pad_encoding)[:, None, None, :]  # keys [B, 1, 1, T]
    if config.causal:
        mask = mask & np.tril(np.ones((width, width), dtype=bool))[None, None]
    result = Forward(outputs=[], residual=x, embedded=x if keep_layers else None)
    for used in used_weights.of(model):
        x, weights = _attention(x, mask, used, config)
        x_after_attention = x
        x = used.mlp(x)
        if keep_layers:  # None where a layer's attention is unused
            result.layer_residuals += [x_after_attention, x]
            result.attention.append(weights)
    result.residual = x
    out = x @ model.unembed
    if model.categorical_output:
        decoded = out.argmax(axis=-1)
    else:
        decoded = out[..., 0] if out.shape[-1] == 1 else out
    for row, xs in enumerate(inputs):
        values = decoded[row, 1 : len(xs) + 1].tolist()
        result.outputs.append(model.output_encoder.decode(values))
    return result


def _attention(
    x: np.ndarray, mask: np.ndarray, used: used_weights.Layer, config: ModelConfig
) -> tuple[np.ndarray, np.ndarray | None]:
    if not used.output.columns.size:
        return x, None  # an unused half-layer adds exactly zero
    batch, width, _ = x.shape
    heads, k = config.num_heads, config.key_size

    def project(part: used_weights.Linear) -> np.ndarray:
        return part(x).reshape(batch, width, heads, k)

    logits = np.einsum("bthd,bThd->bhtT", project(used.query), project(used.key))
    logits = logits / np.sqrt(k).astype(np.float32)
    logits = np.where(mask, logits, np.float32(-1e30))
    logits = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=-1, keepdims=True)
    attended = np.einsum("bhtT,bThd->bthd", weights, project(used.value))
    out = x.copy()
    out[..., used.output.columns] += used.output(attended.reshape(batch, width, heads * k))
    return out, weights

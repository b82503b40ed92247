"""Run a compiled model on many inputs at once: NumPy (numpy_model.py) or stock tracr's JAX model.

The JAX path exists to check the NumPy one and for `--backend jax`. tracr's `model.apply`
takes one input and builds its model without a padding mask, so padded
batches would let queries attend to PAD positions. Here the same haiku modules are rebuilt with
`pad_token` set (keys at PAD positions are masked out), jitted once per program with a fixed
batch shape, and fed every input padded to MAX_SEQ_LEN + 1 (BOS included).
"""

from typing import Any

import numpy as np

from raspstudio.evidence import FastModel
from raspstudio.judge.forward import Forward, encode_batch, forward

BATCH = 256


def run_compiled(model: Any, inputs: list[list]) -> Forward:
    """Decoded outputs per input (BOS dropped) and the final residual stream [N, T, D]."""
    if isinstance(model, FastModel):
        return forward(model, inputs)
    return _run_jax(model, inputs)


def _run_jax(model: Any, inputs: list[list]) -> Forward:
    import haiku as hk  # only the stock path pays for JAX
    import jax

    width = model.input_encoder._max_seq_len  # one jitted shape for every batch
    pad = model.input_encoder.pad_encoding

    @hk.without_apply_rng
    @hk.transform
    def forward(tokens):
        compiled = model.get_compiled_model()
        compiled.pad_token = pad
        return compiled(tokens, use_dropout=False)

    apply = jax.jit(forward.apply)
    ids = encode_batch(model.input_encoder, inputs, width)

    unembedded, residuals = [], []
    for start in range(0, len(inputs), BATCH):
        chunk = ids[start : start + BATCH]
        filled = np.concatenate([chunk, np.repeat(chunk[-1:], BATCH - len(chunk), axis=0)])
        out = apply(model.params, filled)
        unembedded.append(np.asarray(out.unembedded_output)[: len(chunk)])
        residuals.append(np.asarray(out.transformer_output.output)[: len(chunk)])
    unembedded_all = np.concatenate(unembedded) if unembedded else np.zeros((0, width))
    residual = np.concatenate(residuals) if residuals else np.zeros((0, width, 0))

    outputs = []
    for row, xs in enumerate(inputs):
        values = unembedded_all[row, 1 : len(xs) + 1].tolist()
        outputs.append(model.output_encoder.decode(values) if model.output_encoder else values)
    return Forward(outputs=outputs, residual=residual)

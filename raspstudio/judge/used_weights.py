"""The part of a compiled model's weights that is not zero, for the batched forward pass.

tracr's weights are almost all zero: each block reads and writes a few residual directions,
a categorical MLP's hidden unit reads two of them, and every layer is padded to the widest.
A program with MLPs of thousands of units has millions of parameters of which thousands are
used, and multiplying by the zeros was most of the judge's time. Here each product keeps only
the rows that are read and the columns that are written, as a sparse matrix: the same sums
without their zero terms (up to float32 rounding in the order of the terms).
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from raspstudio.evidence import FastModel


@dataclass(frozen=True)
class Linear:
    """`x @ w + b` on the rows of `w` that are read, giving its `columns` only."""

    rows: np.ndarray
    columns: np.ndarray
    transposed: sparse.csr_array  # w[rows][:, columns], transposed: [columns, rows]
    bias: np.ndarray  # b[columns]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """x [..., residual] -> [..., len(columns)]."""
        flat = x.reshape(-1, x.shape[-1])
        every_row = len(self.rows) == flat.shape[1]  # (rows are sorted and distinct)
        read = flat if every_row else flat[:, self.rows]
        out = (self.transposed @ read.T).T + self.bias
        return out.reshape(*x.shape[:-1], len(self.columns))


@dataclass(frozen=True)
class MLP:
    first: Linear  # residual -> used hidden units
    second: Linear  # used hidden units -> the residual columns written

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The residual after the MLP."""
        if not self.second.columns.size:
            return x
        hidden = self.first(x)
        np.maximum(hidden, 0, out=hidden)
        out = x.copy()
        out[..., self.second.columns] += self.second(hidden)
        return out


@dataclass(frozen=True)
class Layer:
    query: Linear
    key: Linear
    value: Linear
    output: Linear  # the heads' outputs, side by side -> the residual columns written
    mlp: MLP


def of(model: FastModel) -> list[Layer]:
    """Each layer's used weights; remembered for the last model asked about, since the judge
    runs one model on many batches."""
    global _last
    if _last is not None and _last[0] is model.params:
        return _last[1]
    count = model.model_config.num_layers
    layers = [_layer(model.params, f"transformer/layer_{n}") for n in range(count)]
    _last = (model.params, layers)
    return layers


_last: tuple[dict, list[Layer]] | None = None


def _layer(params: dict, prefix: str) -> Layer:
    def weights(module: str) -> tuple[np.ndarray, np.ndarray]:
        return params[f"{prefix}/{module}"]["w"], params[f"{prefix}/{module}"]["b"]

    def projection(part: str) -> Linear:
        w, b = weights(f"attn/{part}")
        return _linear(w, b, np.flatnonzero(w.any(axis=1)), np.arange(w.shape[1]))

    (w1, b1), (w2, b2) = weights("mlp/linear_1"), weights("mlp/linear_2")
    hidden = np.flatnonzero((w1.any(axis=0) | (b1 != 0)) & w2.any(axis=1))
    read = np.flatnonzero(w1[:, hidden].any(axis=1))
    written = np.flatnonzero(w2[hidden].any(axis=0) | (b2 != 0))
    mlp = MLP(
        first=_linear(w1, b1, read, hidden),
        second=_linear(w2[hidden], b2, np.arange(hidden.size), written),
    )
    w, b = weights("attn/linear")
    output = _linear(w, b, np.arange(w.shape[0]), np.flatnonzero(w.any(axis=0) | (b != 0)))
    return Layer(projection("query"), projection("key"), projection("value"), output, mlp)


def _linear(w: np.ndarray, b: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> Linear:
    used = w[np.ix_(rows, columns)]
    return Linear(rows, columns, sparse.csr_array(used.T), b[columns])

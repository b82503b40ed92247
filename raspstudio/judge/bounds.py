"""One compiled block on chosen residual vectors, with a bound on how far its output can move.

A block is checked on exact encodings of its inputs' values, but the residual stream it
meets holds those values only up to an error: float rounding, and the softmax weight an
attention head leaks to positions it should ignore. These functions return a block's output
on exact inputs together with a bound on the change when the inputs are off by their errors.

Errors come in groups (`Errors`): a categorical operation's directions with a bound on the
sum of their absolute changes (its one-hot vector moves by at most that much in total), a
numerical operation's single direction with a bound on its change. `UNKNOWN` stands for a
value the proof knows nothing about; a bound that large fails every later check.

MLP: a ReLU unit whose pre-activation is further than its possible change from 0 keeps its
state, so the MLP is linear there; units that may switch add at most their possible change.
For single directions the linear part is bounded through the product of the two layers,
which keeps the cancellations a discretising MLP relies on; for one-hot groups, through
absolute values, unit by unit or through the whole product, whichever is smaller.
"""

from dataclasses import dataclass

import numpy as np

from raspstudio.evidence import FastModel

Errors = list[tuple[list[int], float]]  # (directions, bound on their summed absolute change)
UNKNOWN = 1e12


def spread(w: np.ndarray, errors: Errors) -> np.ndarray:
    """The largest change of each column of x @ w when x moves within `errors`."""
    total = np.zeros(w.shape[1])
    for dims, eps in errors:
        if eps > 0:
            total += eps * np.abs(w[dims]).max(axis=0)
    return total


def mlp(
    model: FastModel, layer: int, units: np.ndarray, x: np.ndarray, errors: Errors, out: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """The output of MLP `units` of `layer` in directions `out` for rows `x` [rows, residual],
    and a bound on each output's change [rows, out]."""
    first = model.params[f"transformer/layer_{layer}/mlp/linear_1"]
    second = model.params[f"transformer/layer_{layer}/mlp/linear_2"]
    w1, b1 = first["w"][:, units].astype(np.float64), first["b"][units].astype(np.float64)
    w2 = second["w"][units][:, out].astype(np.float64)
    abs_w2 = np.abs(w2)
    single = [(dims, eps) for dims, eps in errors if len(dims) == 1 and eps > 0]
    grouped = [(dims, eps) for dims, eps in errors if len(dims) > 1 and eps > 0]
    pre = x @ w1 + b1
    change = spread(w1, errors)
    steady = pre > change  # active whatever the error
    switching = np.abs(pre) <= change
    linear = np.zeros((len(x), len(out)))
    for dims, eps in single:
        linear += eps * np.abs((steady * w1[dims[0]]) @ w2)
    unit_by_unit = (switching * change + steady * spread(w1, grouped)) @ abs_w2
    whole = (switching * spread(w1, single)) @ abs_w2
    products = np.abs(w1) @ abs_w2
    for dims, eps in grouped:
        whole += eps * products[dims].max(axis=0)
    return np.maximum(pre, 0) @ w2, linear + np.minimum(unit_by_unit, whole)


@dataclass
class Scores:
    """A head's attention scores between query and key vectors, and a bound on their error."""

    scores: np.ndarray  # [queries, keys]
    error: float


def scores(
    model: FastModel,
    layer: int,
    head: int,
    queries: np.ndarray,
    keys: np.ndarray,
    query_errors: Errors,
    key_errors: Errors,
) -> Scores:
    """Scores of `head` for query rows against key rows."""
    q, dq = _project(model, layer, head, "query", queries, query_errors)
    k, dk = _project(model, layer, head, "key", keys, key_errors)
    scale = 1 / np.sqrt(model.model_config.key_size)
    worst = np.abs(q) @ dk + (np.abs(k) @ dq).max(initial=0) + dq @ dk
    return Scores(q @ k.T * scale, float(np.max(worst, initial=0.0)) * scale)


def values(
    model: FastModel, layer: int, head: int, x: np.ndarray, errors: Errors, out: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """What `head` writes in directions `out` for each key row attended alone, and a bound on
    each output's change [out]."""
    v, dv = _project(model, layer, head, "value", x, errors)
    w = head_output(model, layer, head)[:, out].astype(np.float64)
    return v @ w, dv @ np.abs(w)


def head_output(model: FastModel, layer: int, head: int) -> np.ndarray:
    """The output projection [key_size, residual] of one head."""
    size = model.model_config.key_size
    w = model.params[f"transformer/layer_{layer}/attn/linear"]["w"]
    return w[head * size : (head + 1) * size]


def head_weights(model: FastModel, layer: int, head: int, part: str) -> np.ndarray:
    """The projection [residual, key_size] of one head (query, key or value)."""
    size = model.model_config.key_size
    w = model.params[f"transformer/layer_{layer}/attn/{part}"]["w"]
    return w[:, head * size : (head + 1) * size]


def _project(
    model: FastModel, layer: int, head: int, part: str, x: np.ndarray, errors: Errors
) -> tuple[np.ndarray, np.ndarray]:
    size = model.model_config.key_size
    w = head_weights(model, layer, head, part).astype(np.float64)
    b = model.params[f"transformer/layer_{layer}/attn/{part}"]["b"]
    return x @ w + b[head * size : (head + 1) * size], spread(w, errors)

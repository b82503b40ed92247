"""Where each operation's block lives in the weights, and whether it keeps to its own lanes.

The block-wise proof checks each block alone, on the values of the operations it reads. That
is sound only if the block reads nothing else and writes nothing but its own operation's
directions: otherwise a value elsewhere in the residual stream could change what it computes,
or it could overwrite another operation's value. So this module reads the weights themselves:

- which attention head and which MLP hidden units write each operation's directions (a
  SelectorWidth's head writes a hidden direction, `<label>_selector_width_attn_output`, that
  its MLP reads);
- that every head and unit writing anything belongs to exactly one operation (except units
  that only fire at the BOS position, where tracr resets SelectorWidth), that no block
  writes the embeddings' directions (tokens, indices, `one`), and that the output biases,
  which would write at every position, are zero;
- for each block, the directions it reads (`reads`), which the proof compares with the
  directions of the operations the block is meant to read.
"""

from dataclasses import dataclass, field

import numpy as np

from raspstudio.evidence import FastModel, Operation


@dataclass
class Layout:
    """Each operation's block: the head (layer, head) and the MLP (layer, hidden units)."""

    owner: list[str | None]  # per residual dimension: its operation's label
    heads: dict[str, tuple[int, int]] = field(default_factory=dict)
    mlps: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)
    hidden: dict[str, list[int]] = field(default_factory=dict)  # SelectorWidth -> its direction
    problems: list[str] = field(default_factory=list)


def layout(model: FastModel, operations: list[Operation]) -> Layout:
    """Assign every head and MLP unit that writes something to the operation it writes."""
    labels = model.residual_labels
    owner: list[str | None] = [None] * len(labels)
    for operation in operations:
        for dim in operation.dims:
            owner[dim] = operation.label
    found = Layout(owner)
    for operation in operations:
        hidden = f"{operation.label}_selector_width_attn_output"
        dims = [d for d, text in enumerate(labels) if text.split(":", 1)[0] == hidden]
        if dims and operation.kind == "SelectorWidth":
            found.hidden[operation.label] = dims
            for dim in dims:
                owner[dim] = operation.label
    bos = labels.index(f"tokens:{model.input_encoder.bos_token}")
    config = model.model_config
    for layer in range(config.num_layers):
        attn = model.params[f"transformer/layer_{layer}/attn/linear"]
        second = model.params[f"transformer/layer_{layer}/mlp/linear_2"]
        if np.any(attn["b"]) or np.any(second["b"]):
            found.problems.append(f"layer {layer} adds a bias at every position")
        for head in range(config.num_heads):
            rows = attn["w"][head * config.key_size : (head + 1) * config.key_size]
            _assign(found, f"layer {layer} head {head}", rows, found.heads, (layer, head))
        first = model.params[f"transformer/layer_{layer}/mlp/linear_1"]
        units = [
            u
            for u in np.flatnonzero(np.abs(second["w"]).sum(axis=1))
            if not _bos_only(first["w"][:, u], first["b"][u], bos)
        ]
        by_label: dict[str, list[int]] = {}
        for unit in units:
            label = _writer(found, f"layer {layer} MLP unit {unit}", second["w"][unit : unit + 1])
            if label is not None:
                by_label.setdefault(label, []).append(int(unit))
        for label, mine in by_label.items():
            if label in found.mlps:
                found.problems.append(f"two MLPs write `{label}`")
            found.mlps[label] = (layer, np.array(mine))
    return found


def _assign(found: Layout, what: str, rows: np.ndarray, into: dict, where: tuple) -> None:
    label = _writer(found, what, rows)
    if label is None:
        return
    if label in into:
        found.problems.append(f"two heads write `{label}`")
    into[label] = where


def _writer(found: Layout, what: str, rows: np.ndarray) -> str | None:
    """The one operation whose directions `rows` write, or None (nothing, or a problem)."""
    written = writes(rows)
    if not written.size:
        return None
    owners = {found.owner[d] for d in written}
    if len(owners) != 1 or None in owners:
        found.problems.append(f"{what} writes directions of more than one operation")
        return None
    return owners.pop()


def _bos_only(weights: np.ndarray, bias: float, bos: int) -> bool:
    """A unit that reads only the BOS token's direction, and is off without it: it is 0 at
    every position but BOS (whose residual the proof computes with the whole MLP)."""
    return bias <= 0 and set(np.flatnonzero(weights).tolist()) <= {bos}


def reads(weights: np.ndarray) -> set[int]:
    """The residual dimensions a projection [residual, ...] reads."""
    return set(np.flatnonzero(np.abs(weights).sum(axis=1)).tolist())


def writes(weights: np.ndarray) -> np.ndarray:
    """The residual dimensions a projection [..., residual] writes."""
    return np.flatnonzero(np.abs(weights).sum(axis=0))

"""The compiled model's residual stream read back as RASP variables, stage by stage.

tracr gives every SOp its own residual directions (its OUTPUT_BASIS), written once by the
half-layer that computes it. Decoding those directions after the embeddings and after each
half-layer shows where each variable appears and what value it holds there: the compiled
counterpart of the interpreter's per-expression values.
"""

from dataclasses import dataclass

import networkx as nx
import numpy as np
from tracr.compiler import nodes
from tracr.rasp import rasp

from raspstudio.evidence import FastModel
from raspstudio.judge.forward import forward
from raspstudio.pipeline.rasp_to_model import Compiled
from raspstudio.report import ResidualTrace, TracedVariable, TraceStage
from raspstudio.tokens import format_value

NOT_WRITTEN = "·"  # how format_trace shows a position whose directions are all zero
# A categorical variable's largest component, below which its position counts as unwritten:
# softmax leaks ~1e-5 into positions an attention head does not write (BOS), while a written
# value is 1, or at least 1/(MAX_SEQ_LEN + 1) where a categorical Aggregate averages.
WRITTEN = 1e-2
NOISE = 5e-5  # a numerical value closer to 0 than this reads as 0 (4 decimals, as before)


@dataclass
class StageResidual:
    """The residual stream [T, D] of one input after a stage, and the dimensions it writes."""

    stage: TraceStage
    residual: np.ndarray
    written: np.ndarray  # indices of the residual dimensions this stage writes
    attention: np.ndarray | None = None  # [H, T, T] on attention stages


def output_dims(node: dict, residual_labels: list[str]) -> list[int] | None:
    """The residual dimension of each of a node's output directions; None if it has none."""
    if nodes.OUTPUT_BASIS not in node:
        return None
    index = {label: i for i, label in enumerate(residual_labels)}
    dims = [index.get(str(d)) for d in node[nodes.OUTPUT_BASIS]]
    return None if None in dims else dims


def read_values(node: dict, block: np.ndarray) -> list:
    """Values from rows [positions, dims] of a node's directions.

    A numerical SOp is the magnitude of its single direction; a categorical one is one-hot, so
    its value is the direction with the largest component.
    """
    if rasp.is_numerical(node[nodes.EXPR]):
        return block[:, 0].tolist()
    basis = node[nodes.OUTPUT_BASIS]
    return [basis[int(np.argmax(row))].value for row in block]


def trace_residual(compiled: Compiled, tokens: list) -> ResidualTrace:
    """Each variable's value after the embeddings and after each used half-layer, on one input.

    Needs the NumPy model (the default backend). A variable holds a value from the stage that
    first writes one of its directions; `changed` marks the stages where its value is new.
    """
    variables = _variables(compiled)
    trace = ResidualTrace(tokens=[compiled.model.input_encoder.bos_token, *tokens])
    written: set[int] = set()
    previous: dict[str, TracedVariable] = {}
    for step in stage_residuals(compiled.model, tokens):
        written.update(step.written.tolist())
        for label, node, dims in variables:
            if written.isdisjoint(dims):
                continue
            name = compiled.names[label]
            traced = _traced(name, label, node, step.residual[:, dims], previous.get(label))
            step.stage.variables.append(traced)
            previous[label] = traced
        trace.stages.append(step.stage)
    return trace


def stage_residuals(model: FastModel, tokens: list) -> list[StageResidual]:
    """The residual stream after the embeddings and after each half-layer that writes anything.

    Half-layers that write nothing (tracr allocates both halves of every layer) are left out;
    the others keep their layer numbers.
    """
    if not isinstance(model, FastModel):
        raise TypeError("tracing reads the NumPy model: compile with the numpy backend")
    run = forward(model, [tokens], keep_layers=True)
    stages = [StageResidual(TraceStage(None, None), run.embedded[0], _embed_writes(model))]
    for i, residual in enumerate(run.layer_residuals):
        layer, sublayer = divmod(i, 2)
        stage = TraceStage(layer, ("attn", "mlp")[sublayer])
        written = _half_layer_writes(model, stage)
        if written.size:
            weights = run.attention[layer][0] if stage.sublayer == "attn" else None
            stages.append(StageResidual(stage, residual[0], written, weights))
    return stages


def _embed_writes(model: FastModel) -> np.ndarray:
    """Dimensions the token and position embeddings write (tokens, indices, `one`)."""
    tables = [model.params[name]["embeddings"] for name in ("token_embed", "pos_embed")]
    return np.flatnonzero(sum(np.abs(t).sum(axis=0) for t in tables))


def _half_layer_writes(model: FastModel, stage: TraceStage) -> np.ndarray:
    """Dimensions a half-layer's output projection writes; empty for an unused half-layer."""
    prefix = f"transformer/layer_{stage.layer}"
    name = f"{prefix}/attn/linear" if stage.sublayer == "attn" else f"{prefix}/mlp/linear_2"
    return np.flatnonzero(np.abs(model.params[name]["w"]).sum(axis=0))


def _variables(compiled: Compiled) -> list[tuple[str, dict, list[int]]]:
    """(label, graph node, residual dims) of every SOp with directions, in computation order."""
    found = []
    for label in nx.topological_sort(compiled.graph):
        node = compiled.graph.nodes[label]
        dims = output_dims(node, compiled.model.residual_labels)
        if dims is not None:
            found.append((label, node, dims))
    return found


def _traced(
    name: str, label: str, node: dict, block: np.ndarray, previous: TracedVariable | None
) -> TracedVariable:
    """A variable's values at every position; a categorical one is None where unwritten."""
    expr = node[nodes.EXPR]
    numerical = rasp.is_numerical(expr)
    values = read_values(node, block)
    if not numerical:
        largest = np.abs(block).max(axis=1)
        values = [v if m >= WRITTEN else None for v, m in zip(values, largest, strict=True)]
    return TracedVariable(
        name=name,
        label=label,
        numerical=numerical,
        values=values,
        changed=previous is None or previous.values != values,
    )


def format_trace(trace: ResidualTrace) -> str:
    """Plain-text table: per stage, the variables it changed, values under the input tokens.

    Unchanged variables are left out, so each variable shows once, at the stage computing it.
    """
    shown = [(s, [v for v in s.variables if v.changed]) for s in trace.stages]
    header = [_cell(t) for t in trace.tokens]
    cells = {id(v): [_cell(x) for x in v.values] for _, changed in shown for v in changed}
    widths = [max(len(row[i]) for row in [header, *cells.values()]) for i in range(len(header))]
    name_width = max((len(v.name) for _, changed in shown for v in changed), default=0)
    lines = [" " * (name_width + 6) + _aligned(header, widths, "  ")]
    for stage, changed in shown:
        lines.append(stage.label if changed else f"{stage.label}  (intermediate directions only)")
        lines += [
            f"  {v.name.ljust(name_width)} = [{_aligned(cells[id(v)], widths, ', ')}]"
            for v in changed
        ]
    return "\n".join(lines)


def _aligned(cells: list[str], widths: list[int], separator: str) -> str:
    return separator.join(c.rjust(w) for c, w in zip(cells, widths, strict=True))


def _cell(value: object) -> str:
    """A value as every view shows it (tokens.format_value), `·` where nothing is written.

    A float within float32 noise of 0 (softmax leaks ~1e-5 into unselected positions) is 0.
    """
    if value is None:
        return NOT_WRITTEN
    if isinstance(value, float) and abs(value) < NOISE:
        value = 0.0
    return format_value(value)

"""Compile a program with tracr, locating failures, and describe the model's layers.

The stages are those of `tracr.compiler.compiling.compile_rasp_to_model`, run one by one so
that a failure can be pinned to the stage and the expression being processed. The layer table
is read from tracr's public results: which residual directions each head and MLP writes.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import networkx as nx
import numpy as np
from tracr.compiler import (
    basis_inference,
    craft_graph_to_model,
    expr_to_craft_graph,
    nodes,
    rasp_to_graph,
)
from tracr.craft import bases
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline import craft_matrices, numpy_model
from raspstudio.pipeline.names import unique_names
from raspstudio.pipeline.spans import display_name, span_of
from raspstudio.pipeline.validate import walk
from raspstudio.report import LayerBlock, ModelSummary
from raspstudio.tokens import sorted_vocab


@dataclass
class Compiled:
    model: Any  # numpy_model.FastModel, or tracr's AssembledTransformerModel with backend "jax"
    graph: nx.DiGraph
    summary: ModelSummary
    names: dict[str, str]  # graph node (tracr label) -> the name every view shows


class CompileFailure(Exception):
    """tracr failed; `expr` is the operation being compiled when it did, if known."""

    def __init__(self, code: str, message: str, expr: rasp.RASPExpr | None):
        super().__init__(message)
        self.code, self.message, self.expr = code, message, expr


def compile_program(program: rasp.SOp, config: Config) -> Compiled:
    with craft_matrices.placed():
        return _compile(program, config)


def _compile(program: rasp.SOp, config: Config) -> Compiled:
    extracted = _extract_graph(program)
    graph = extracted.graph
    _add_value_sets_and_blocks(extracted, config)
    try:
        craft_model = craft_graph_to_model.craft_graph_to_model(graph, extracted.sources)
        model = _assemble(config.backend)(
            craft_model=craft_model,
            graph=graph,
            sink=extracted.sink,
            max_seq_len=config.max_seq_len,
            causal=config.causal,
            compiler_bos=config.compiler_bos,
            compiler_pad=config.compiler_pad,
        )
    except Exception as e:
        raise CompileFailure("RASP401", _readable(e), None) from e
    names = program_names(program)
    return Compiled(model, graph, summarize(model, graph, names), names)


def program_names(program: rasp.RASPExpr) -> dict[str, str]:
    """Label -> display name of every expression of a program, unique within it (names.py)."""
    return unique_names((expr.label, display_name(expr)) for expr in walk(program))


def _assemble(backend: str) -> Callable[..., Any]:
    """The model builder: NumPy (numpy_model.py, the default) or stock tracr, which imports JAX."""
    if backend == "jax":
        from tracr.compiler import craft_model_to_transformer

        return craft_model_to_transformer.craft_model_to_transformer
    return numpy_model.assemble_model


def _extract_graph(program: rasp.SOp) -> rasp_to_graph.ExtractRaspGraphOutput:
    try:
        return rasp_to_graph.extract_rasp_graph(program)
    except Exception as e:
        raise CompileFailure("RASP401", _readable(e), None) from e


def _add_value_sets_and_blocks(
    extracted: rasp_to_graph.ExtractRaspGraphOutput, config: Config
) -> None:
    """Basis inference and craft blocks; a failure is located at the expression at fault."""
    graph = extracted.graph
    stages = [
        lambda: basis_inference.infer_bases(
            graph, extracted.sink, config.vocab, config.max_seq_len
        ),
        lambda: expr_to_craft_graph.add_craft_components_to_rasp_graph(
            graph,
            bos_dir=bases.BasisDirection(rasp.tokens.label, config.compiler_bos),
            mlp_exactness=config.mlp_exactness,
        ),
    ]
    for stage in stages:
        try:
            stage()
        except Exception as e:
            expr = _expr_in_traceback(e.__traceback__)
            element = _failing_element(expr, graph) if expr is not None else None
            if element is not None:
                raise CompileFailure("RASP202", element, expr) from e
            raise CompileFailure("RASP401", _readable(e), expr) from e


def _readable(e: Exception) -> str:
    text = " ".join(str(a) for a in e.args) if e.args else ""
    return f"{type(e).__name__}: {text}".strip().rstrip(":")


def _expr_in_traceback(tb: TracebackType | None) -> rasp.RASPExpr | None:
    """The innermost RASP expression a tracr compiler frame was working on when it raised."""
    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.endswith(("basis_inference.py", "expr_to_craft_graph.py")):
            for name in ("sop", "expr"):
                if isinstance(frame.f_locals.get(name), rasp.RASPExpr):
                    found = frame.f_locals[name]
        tb = tb.tb_next
    return found


def _failing_element(expr: rasp.RASPExpr, graph: nx.DiGraph) -> str | None:
    """Message naming the value-set element on which expr's function raises, if there is one.

    tracr evaluates every Map/SequenceMap/Select function on the whole inferred value set of its
    inputs while compiling, including values no real input produces (1/x fails here when 0 is
    in the set).
    """
    if isinstance(expr, rasp.Map):
        fn, argument_sets = expr.f, [expr.inner]
    elif isinstance(expr, rasp.SequenceMap):
        fn, argument_sets = expr.f, [expr.fst, expr.snd]
    elif isinstance(expr, rasp.Select):
        fn, argument_sets = expr.predicate, [expr.keys, expr.queries]
    else:
        return None
    value_sets = [
        sorted_vocab(graph.nodes[a.label].get(nodes.VALUE_SET, ())) for a in argument_sets
    ]
    for args in itertools.product(*value_sets):
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - we are looking for exactly this
            shown = ", ".join(repr(a) for a in args)
            sets = ", ".join(
                f"{display_name(a)}: {_short(s)}"
                for a, s in zip(argument_sets, value_sets, strict=True)
            )
            return (
                f"{type(e).__name__}: {e} when compiling, on value-set element {shown}. tracr "
                f"evaluates this function on every value its input can take ({sets}), "
                "not only on values real inputs produce; make the function total "
                "(e.g. guard the failing case)"
            )
    return None


def _short(values: list) -> str:
    shown = ", ".join(repr(v) for v in values[:8])
    return "{" + shown + (", …" if len(values) > 8 else "") + "}"


def summarize(model: Any, graph: nx.DiGraph, names: dict[str, str]) -> ModelSummary:
    """Layer table: for each head and MLP, the operations whose residual directions it writes."""
    labels = model.residual_labels
    owner = direction_owners(labels, graph)
    config = model.model_config
    blocks: list[LayerBlock] = []
    for layer in range(config.num_layers):
        prefix = f"transformer/layer_{layer}"
        linear = np.asarray(model.params[f"{prefix}/attn/linear"]["w"])
        for head in range(config.num_heads):
            rows = linear[head * config.key_size : (head + 1) * config.key_size]
            written = np.flatnonzero(np.abs(rows).sum(axis=0))
            if written.size:
                used = int(np.count_nonzero(np.abs(rows).sum(axis=1)))
                blocks.append(_block(layer, "attn", head, written, owner, graph, names, used))
        w2 = np.asarray(model.params[f"{prefix}/mlp/linear_2"]["w"])
        written = np.flatnonzero(np.abs(w2).sum(axis=0))
        if written.size:
            used = int(np.count_nonzero(np.abs(w2).sum(axis=1)))
            blocks.append(_block(layer, "mlp", None, written, owner, graph, names, used))
    params = sum(int(np.size(w)) for module in model.params.values() for w in module.values())
    return ModelSummary(
        layers=config.num_layers,
        heads=sum(b.sublayer == "attn" for b in blocks),
        mlps=sum(b.sublayer == "mlp" for b in blocks),
        residual_dim=len(labels),
        params=params,
        blocks=blocks,
        residual_labels=list(labels),
        residual_names=[_residual_name(t, o, names) for t, o in zip(labels, owner, strict=True)],
    )


def _residual_name(label: str, owner: str | None, names: dict[str, str]) -> str:
    """A residual dimension as people read it: `count_ones:3` for tracr's `count_ones_10:3`
    (the owner's label replaced by its display name); `one` and the like as they are."""
    return label if owner is None else names[owner] + label[len(owner) :]


def direction_owners(labels: list[str], graph: nx.DiGraph) -> list[str | None]:
    """For each residual dimension, the label of the expression it belongs to (or None)."""
    by_name: dict[str, str] = {}
    for label in graph.nodes:
        by_name[label] = label
    owners = []
    for text in labels:
        name = text.split(":", 1)[0]
        owner = by_name.get(name)
        if owner is None:  # hidden directions are named after their expression plus a suffix
            owner = next((lb for lb in by_name if name.startswith(lb + "_")), None)
        owners.append(owner)
    return owners


def _block(
    layer: int,
    sublayer: str,
    head: int | None,
    written: np.ndarray,
    owner: list[str | None],
    graph: nx.DiGraph,
    names: dict[str, str],
    width: int,
) -> LayerBlock:
    labels = sorted({owner[i] for i in written if owner[i] is not None})
    exprs = [graph.nodes[label][nodes.EXPR] for label in labels]
    spans = [span_of(e) for e in exprs]
    return LayerBlock(
        layer=layer,
        sublayer=sublayer,
        head=head,
        operations=[names[label] for label in labels],
        labels=labels,
        lines=[s.line if s else None for s in spans],
        width=width,
    )

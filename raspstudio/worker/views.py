"""Programs as editors show them: each expression's value on a running example, and its layer.

The language server's hovers, inlay hints and lenses (and the REPL's echo) read these views;
they are computed in the worker, where the program's expressions live, and cross to the front
end as plain text.
"""

from tracr.compiler import nodes
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline.interpret.per_input import evaluate_each
from raspstudio.pipeline.rasp_to_model import Compiled, program_names
from raspstudio.pipeline.spans import span_of
from raspstudio.pipeline.validate import walk
from raspstudio.report import ExpressionView, LayerBlock, ProgramView, format_values
from raspstudio.tokens import sorted_vocab

DEFAULT_EXAMPLE_LENGTH = 5


def format_selector(matrix: list[list[bool]]) -> str:
    """One row per query: which keys it selects, as 0/1."""
    return "\n".join(" ".join("1" if s else "0" for s in row) for row in matrix)


def running_example(config: Config, chosen: list | None = None) -> tuple[list, str]:
    """The input editors evaluate on: the one set by the user, else EXAMPLES[0], else a default.

    A chosen example outside the vocabulary or too long is ignored rather than failing the view.
    """
    if chosen and set(chosen) <= config.vocab and len(chosen) <= config.max_seq_len:
        return list(chosen), "set"
    if config.examples:
        return list(config.examples[0]), "EXAMPLES"
    tokens = sorted_vocab(config.vocab)
    length = min(config.max_seq_len, DEFAULT_EXAMPLE_LENGTH)
    return [tokens[i % len(tokens)] for i in range(length)], "default"


def describe_program(
    name: str,
    program: rasp.SOp,
    config: Config,
    example: list | None = None,
    compiled: Compiled | None = None,
) -> ProgramView:
    """Every located expression of `program` with its value on the running example."""
    tokens, source = running_example(config, example)
    trace = evaluate_each(program, [tokens], causal=config.causal).trace(0)
    places = _placements(compiled.summary.blocks) if compiled else {}
    names = compiled.names if compiled else program_names(program)
    view = ProgramView(name, tokens, source, compiled=compiled is not None)
    for expr in walk(program):
        span = span_of(expr)
        if span is None:
            continue
        value = trace.get(id(expr))
        is_selector = isinstance(expr, rasp.Selector)
        view.expressions.append(
            ExpressionView(
                span=span,
                name=names[expr.label],
                kind=_kind(expr),
                encoding=None if is_selector else rasp.get_encoding(expr).value,
                value=None
                if value is None
                else (format_selector(value) if is_selector else format_values(value)),
                value_set=_value_set(expr, compiled),
                placement=places.get(expr.label, []),
            )
        )
    return view


def _kind(expr: rasp.RASPExpr) -> str:
    if isinstance(expr, rasp.TokensType | rasp.IndicesType | rasp.LengthType):
        return expr.label  # "tokens", "indices", "length"
    return type(expr).__name__


def _value_set(expr: rasp.RASPExpr, compiled: Compiled | None) -> str | None:
    if compiled is None or expr.label not in compiled.graph.nodes:
        return None
    values = compiled.graph.nodes[expr.label].get(nodes.VALUE_SET)
    if values is None:
        return None
    shown = sorted(values, key=lambda v: (type(v).__name__, v))
    return "{" + format_values(shown)[1:-1] + "}"


def placement_text(block: LayerBlock) -> str:
    """`L0 attn h0` or `L1 mlp`: layers counted from 0, as in the layer table and tracr's params."""
    where = f"attn h{block.head}" if block.sublayer == "attn" else "mlp"
    return f"L{block.layer} {where}"


def _placements(blocks: list[LayerBlock]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in blocks:
        for label in block.labels:
            found.setdefault(label, []).append(placement_text(block))
    return found

"""A drawn program as a file of the library's convention, and as words for its docstring.

The file is what `rasp check` and `rasp export` read: a docstring (what it computes, how it
was sampled), VOCAB, MAX_SEQ_LEN, one named operation a line, and `program`. Operations
appear once each, in dependency order, named by kind and position; the output is named after
the sample.
"""

from raspstudio.sampling.grammar import GRAMMAR_VERSION, Candidate, Node, literal

_LEAVES = {"tokens": "rasp.tokens", "indices": "rasp.indices"}
_NAMES = {
    "Map": "map",
    "SequenceMap": "sequence_map",
    "Select": "select",
    "Aggregate": "aggregate",
    "SelectorWidth": "width",
}


def describe(node: Node) -> str:
    """The expression in one line, without names: `SelectorWidth(Select(tokens, ...))`."""
    if not node.children:
        return node.kind
    parts = [node.code] if node.code and node.kind != "Select" else []
    parts += [describe(child) for child in node.children]
    parts += [node.code] if node.kind == "Select" else []
    prefix = "numerical " if node.numerical else ""
    return f"{prefix}{node.kind}({', '.join(parts)})"


def source(candidate: Candidate, name: str, seed: int, index: int, attempt: int) -> str:
    """The program file of `candidate`, its output named `name`."""
    order = _in_dependency_order(candidate.output)
    names = {node: f"{_NAMES[node.kind]}_{i}" for i, node in enumerate(order, start=1)}
    names[candidate.output] = name
    encoding = "numerical" if candidate.output.numerical else "categorical"
    lines = [
        f'"""Sampled program, {encoding} output: {describe(candidate.output)}.',
        "",
        f"Drawn by `rasp sample` (grammar v{GRAMMAR_VERSION}, docs/sampling.md) with seed "
        f"{seed}: sample {index}, attempt {attempt}.",
        '"""',
        "",
        "from tracr.rasp import rasp",
        "",
        f"VOCAB = {{{', '.join(literal(token) for token in candidate.vocab)}}}",
        f"MAX_SEQ_LEN = {candidate.max_seq_len}",
        "",
    ]
    for node in order:
        target = "program" if node == candidate.output else names[node]
        lines.append(f'{target} = {_expression(node, names)}.named("{names[node]}")')
    return "\n".join(lines) + "\n"


def _in_dependency_order(output: Node) -> list[Node]:
    order: list[Node] = []

    def visit(node: Node) -> None:
        for child in node.children:
            visit(child)
        if node.children and node not in order:
            order.append(node)

    visit(output)
    return order


def _expression(node: Node, names: dict[Node, str]) -> str:
    args = [names.get(child) or _LEAVES[child.kind] for child in node.children]
    if node.kind == "Map":
        call = f"rasp.Map(lambda x: {node.code}, {args[0]})"
    elif node.kind == "SequenceMap":
        call = f"rasp.SequenceMap(lambda x, y: {node.code}, {args[0]}, {args[1]})"
    elif node.kind == "Select":
        call = f"rasp.Select({args[0]}, {args[1]}, rasp.Comparison.{node.code})"
    elif node.kind == "Aggregate":
        default = ", default=0" if node.numerical else ""
        call = f"rasp.Aggregate({args[0]}, {args[1]}{default})"
    else:
        call = f"rasp.SelectorWidth({args[0]})"
    return f"rasp.numerical({call})" if node.numerical else call

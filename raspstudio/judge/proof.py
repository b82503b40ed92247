"""A proof that the compiled model agrees with the program on every input up to MAX_SEQ_LEN.

When the input space is too large to run, the model is checked block by block instead, and
the checks compose into a proof by induction over the layers: if every operation's
directions hold its value (up to a bounded error) at every position before a block, they
still do after it. What is checked (docs/verification.md gives the argument):

1. Value sets (value_sets.py): every value each operation can take, computed exactly, and
   the model has a direction for each categorical one.
2. Lanes (layout.py): each block reads only its inputs' directions and `one` (and the BOS
   token's, for attention), and writes only its own operation's.
3. Embeddings: each token and position writes exactly its one-hot direction and `one`.
4. MLPs (Map, SequenceMap, the second half of SelectorWidth): on every combination of their
   inputs' values, exactly encoded, the output decodes to the function's value; the error
   bound (bounds.py) says how far it can drift when the inputs are off by their own bounds.
5. Attention heads (Aggregate, SelectorWidth): for every query value, the selected key values
   score within a small spread of each other, everything else (and the BOS position) scores
   at least a margin lower, so at most N·e^-margin of the weight leaks; where the selector may
   select nothing, BOS wins by a margin instead. Each value written is the value read.
6. The BOS position's residual is the same on every input: every head's BOS query attends to
   BOS by a margin. It is computed once, layer by layer, with its own error bound.
7. The output's final error is below what decoding tolerates: under 1 in total on one-hot
   directions (argmax), under the numerical tolerance otherwise.

Anything else (a causal model, an operation kind or block shape the proof does not know, a
value set too large) leaves the verdict incomplete, with the reason in words.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from raspstudio.evidence import ModelEvidence, Node
from raspstudio.judge import bounds, layout, value_sets
from raspstudio.judge.blocks import BlockFailure
from raspstudio.judge.verdict import TOLERANCE, read, same

ROUNDING = 1e-6  # float32 rounding of one block, relative to its largest output
# A one-hot vector whose entries move by less than 1 in total keeps its largest entry where it
# was (the right one loses e1, another gains e2, and e1 + e2 < 1): what argmax tolerates.
ONE_HOT_ERROR = 0.999
_BLOCKS = {  # what computes each kind of operation
    "Map": ("mlp",),
    "SequenceMap": ("mlp",),
    "Aggregate": ("head",),
    "SelectorWidth": ("head", "mlp"),
}


@dataclass
class Proof:
    """Whether the verdict covers every input, why not, and the MLP rows found wrong."""

    complete: bool = False
    reason: str = ""
    failures: list[BlockFailure] = field(default_factory=list)
    open_selector: bool = False  # an Aggregate may select nothing, or average: worth a search


class _NotProved(Exception):
    """A step of the proof that does not hold; the message says which and why."""


def prove(
    compiled: ModelEvidence, vocab: list, max_seq_len: int, deadline: float | None = None
) -> Proof:
    """Check every block; complete only if every step above holds."""
    proof = Proof()
    try:
        _Prover(compiled, vocab, max_seq_len, proof, deadline).run()
        proof.complete = not proof.failures
    except _NotProved as e:
        proof.reason = str(e)
    if proof.failures:  # the first wrong block says more than what follows from it
        first = proof.failures[0]
        proof.reason = (
            f"the compiled MLP for `{first.operation.name}` is wrong when {first.inputs()}"
        )
    return proof


class _Prover:
    def __init__(self, compiled: ModelEvidence, vocab: list, n: int, proof: Proof, deadline):
        self.model, self.n, self.proof, self.deadline = compiled.model, n, proof, deadline
        self.nodes = {node.label: node for node in compiled.nodes}
        self.ops = {o.label: o for o in compiled.operations}
        self.order = [node.label for node in compiled.nodes]
        self.sets = value_sets.infer(compiled.nodes, vocab, n, _read_table)
        self.places = layout.layout(self.model, compiled.operations)
        labels = self.model.residual_labels
        self.one = labels.index("one") if "one" in labels else None
        self.bos = labels.index(f"tokens:{self.model.input_encoder.bos_token}")
        self.width = len(labels)
        self.error: dict[str, float] = {}  # label -> its error bound at every position but BOS
        self.hidden_error: dict[str, float] = {}  # the same for a SelectorWidth's head output
        self.lane = np.zeros(self.width)  # the BOS position's residual
        self.lane_eps = np.zeros(self.width)  # and the error of each of its dimensions

    def run(self) -> None:
        if self.model.model_config.causal:
            raise _NotProved("causal models are not proved block-wise")
        if not self.order or self.order[-1] not in self.ops:
            raise _NotProved("the program's output has no directions in the model")
        for label in self.order:
            self._known(label)
        if self.places.problems:
            raise _NotProved(self.places.problems[0])
        for label, node in self.nodes.items():
            needs = _BLOCKS.get(node.kind, ())
            if ("head" in needs and label not in self.places.heads) or (
                "mlp" in needs and label not in self.places.mlps
            ):
                raise _NotProved(f"no block of the model computes {self._name(label)}")
        self._embeddings()
        for layer in range(self.model.model_config.num_layers):
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise _NotProved("the time for the check ran out")
            self._attention(layer)
            self._mlps(layer)
        self._output()

    def _name(self, label: str) -> str:
        op = self.ops.get(label)
        return f"`{op.name if op else label}`"

    def _known(self, label: str) -> None:
        """Its value set is known, holds no None, and the model can represent all of it."""
        if label in self.sets.unknown:
            self.proof.open_selector = self.sets.kinds.get(label) == "Aggregate"
            raise _NotProved(f"{self._name(label)}: {self.sets.unknown[label]}")
        values = self.sets.values[label]
        if None in values:
            self.proof.open_selector = True
            raise _NotProved(f"{self._name(label)} has no value where its selector selects nothing")
        op = self.ops.get(label)
        if op is None:
            raise _NotProved(f"{self._name(label)} has no directions in the model")
        if not op.numerical and (missing := [v for v in values if v not in op.values]):
            raise _NotProved(
                f"tracr's value set for {self._name(label)} lacks {missing[:3]}, values that "
                "inputs can produce"
            )

    # -- embeddings and the BOS lane -------------------------------------------------------

    def _embeddings(self) -> None:
        model, params = self.model, self.model.params
        tokens, positions = params["token_embed"]["embeddings"], params["pos_embed"]["embeddings"]
        for label, node in self.nodes.items():
            if node.kind in ("tokens", "indices") and (
                label in self.places.heads or label in self.places.mlps
            ):
                raise _NotProved(f"a block writes the directions of {self._name(label)}")
        encoding = model.input_encoder.encoding_map
        for token in self.sets.values.get("tokens", []):
            expected = self._rows(["tokens"], [[token]])[0]
            if not np.array_equal(tokens[encoding[token]], expected):
                raise _NotProved(f"the embedding of token {token!r} is not its direction")
        for index in self.sets.values.get("indices", []):
            expected = self._rows(["indices"], [[index]], with_one=False)[0]
            if not np.array_equal(positions[index + 1], expected):
                raise _NotProved(f"the embedding of position {index} is not its direction")
        self.lane = (tokens[encoding[model.input_encoder.bos_token]] + positions[0]).astype(float)

    def _rows(self, labels: list[str], rows: list[list], with_one: bool = True) -> np.ndarray:
        """Residual vectors holding each row's values in `labels`' directions, and `one`
        (float32, as the model holds them)."""
        x = np.zeros((len(rows), self.width), np.float32)
        if with_one and self.one is not None:
            x[:, self.one] = 1
        every_row = np.arange(len(rows))
        for column, label in enumerate(labels):
            op, values = self.ops[label], [row[column] for row in rows]
            if op.numerical:
                x[every_row, op.dims[0]] += values
            else:
                where = {value: dim for value, dim in zip(op.values, op.dims, strict=True)}
                x[every_row, [where[v] for v in values]] += 1
        return x

    # -- attention ------------------------------------------------------------------------

    def _attention(self, layer: int) -> None:
        written, lane_error = np.zeros(self.width), np.zeros(self.width)
        for label in self.order:
            if self.places.heads.get(label, (None,))[0] != layer:
                continue
            node = self.nodes[label]
            if node.kind not in ("Aggregate", "SelectorWidth"):
                raise _NotProved(f"an attention head writes {self._name(label)}, a {node.kind}")
            added, error = self._head(node, layer, self.places.heads[label][1])
            written += added
            lane_error += error
        self.lane += written
        self.lane_eps += lane_error

    def _head(self, node: Node, layer: int, head: int) -> tuple[np.ndarray, np.ndarray]:
        """Check one head and set its output's error bound; return what it adds to the BOS
        position's residual, and the error of that."""
        keys, queries = node.inputs[:2]
        aggregate = node.kind == "Aggregate"
        sources = [node.inputs[2]] if aggregate else []
        self._ready([keys, queries, *sources], layer * 2)
        allowed = {
            "query": self._dims([queries]) | self._one_dim(),
            "key": self._dims([keys]) | self._one_dim() | {self.bos},
            "value": self._dims(sources) | self._one_dim() | {self.bos},
        }
        for part, dims in allowed.items():
            if not layout.reads(bounds.head_weights(self.model, layer, head, part)) <= dims:
                raise _NotProved(
                    f"the head of {self._name(node.label)} reads other operations ({part})"
                )
        if not aggregate and len(self.places.hidden.get(node.label, [])) != 1:
            raise _NotProved(f"the head of {self._name(node.label)} has no direction to write")
        out = self.ops[node.label].dims if aggregate else self.places.hidden[node.label]
        q_values, k_values = self.sets.values[queries], self.sets.values[keys]
        xq = self._rows([queries], [[q] for q in q_values])
        xk = self._rows([keys], [[k] for k in k_values])
        errors, lane, lane_errors = self._errors(), self.lane[None], self._lane_errors()
        s = bounds.scores(self.model, layer, head, xq, xk, errors, errors)
        s_bos = bounds.scores(self.model, layer, head, xq, lane, errors, lane_errors)
        selected = _selection(node, q_values, k_values)
        shift = 2 * max(s.error, s_bos.error)
        spread, margin = _margins(node, self.sets, selected, s.scores, s_bos.scores[:, 0])
        spread, margin = spread + shift, margin - shift
        if margin < 1:
            raise _NotProved(
                f"the head of {self._name(node.label)} does not separate the positions its "
                f"selector selects from the others (margin {margin:.3g})"
            )
        if aggregate:
            read_values = self.sets.values[sources[0]]
            xv = self._rows(sources, [[v] for v in read_values])
            expected = self._rows([node.label], [[v] for v in read_values], False)[:, out]
        else:  # a SelectorWidth's value is its BOS position's, read from the BOS direction
            xv, expected = xk, np.zeros((len(xk), len(out)))
        got, got_eps = bounds.values(self.model, layer, head, xv, errors, out)
        at_bos, at_bos_eps = bounds.values(self.model, layer, head, lane, lane_errors, out)
        largest = max(_l1(got), _l1(at_bos), 1.0)
        if aggregate:  # BOS must add nothing: it is the default (0, or None's zero vector)
            error = max(_l1(got - expected) + got_eps.sum(), _l1(at_bos) + at_bos_eps.sum())
            if node.label in self.sets.averages:
                error += math.expm1(spread) * largest
        else:  # 1 at BOS, 0 elsewhere: the BOS position's weight, 1 / (width + 1)
            error = _l1(at_bos - 1) + at_bos_eps.sum() + _l1(got) + got_eps.sum()
            error += math.expm1(spread)
        error += _leak(self.n, margin) * 2 * largest + ROUNDING * largest
        (self.error if aggregate else self.hidden_error)[node.label] = error
        whole = list(range(self.width))
        added, added_eps = bounds.values(self.model, layer, head, lane, lane_errors, whole)
        written = np.zeros(self.width)
        written[layout.writes(bounds.head_output(self.model, layer, head))] = 1
        return added[0], added_eps + written * self._bos_query(layer, head, xk, largest)

    def _bos_query(self, layer: int, head: int, xk: np.ndarray, largest: float) -> float:
        """How far the head's output at the BOS position can move with the input: it attends
        to BOS alone by a margin, or nothing is known of it."""
        lane, lane_errors = self.lane[None], self._lane_errors()
        to_keys = bounds.scores(self.model, layer, head, lane, xk, lane_errors, self._errors())
        to_bos = bounds.scores(self.model, layer, head, lane, lane, lane_errors, lane_errors)
        margin = to_bos.scores[0, 0] - to_keys.scores.max() - to_keys.error - to_bos.error
        return _leak(self.n, margin) * 2 * largest if margin >= 1 else bounds.UNKNOWN

    # -- MLPs -----------------------------------------------------------------------------

    def _mlps(self, layer: int) -> None:
        for label in self.order:
            if self.places.mlps.get(label, (None,))[0] != layer:
                continue
            node, units = self.nodes[label], self.places.mlps[label][1]
            if node.kind in ("Map", "SequenceMap"):
                self._mlp(node, layer, units, node.inputs, node.rows, node.outputs)
            elif node.kind == "SelectorWidth":
                if self.places.heads.get(label, (layer + 1,))[0] > layer:
                    raise _NotProved(f"the MLP of {self._name(label)} runs before its head")
                widths = list(range(self.n + 1))
                rows = [[w] for w in widths]
                self._mlp(node, layer, units, [], rows, widths, self.places.hidden.get(label))
            else:
                raise _NotProved(f"an MLP writes {self._name(label)}, a {node.kind}")
        every_unit = np.arange(self.model.model_config.mlp_hidden_size)
        whole = list(range(self.width))
        added, bound = bounds.mlp(
            self.model, layer, every_unit, self.lane[None], self._lane_errors(), whole
        )
        self.lane += added[0]
        self.lane_eps += bound[0]

    def _mlp(
        self,
        node: Node,
        layer: int,
        units: np.ndarray,
        inputs: list[str],
        rows: list[list],
        outputs: list,
        hidden: list[int] | None = None,
    ) -> None:
        op = self.ops[node.label]
        self._ready(inputs, layer * 2 + 1)
        allowed = self._dims(inputs) | self._one_dim()
        if node.kind == "SelectorWidth":
            if hidden is None:
                raise _NotProved(f"the MLP of {self._name(node.label)} has no head before it")
            allowed |= set(hidden) | {self.bos}
        first = self.model.params[f"transformer/layer_{layer}/mlp/linear_1"]["w"]
        if not layout.reads(first[:, units]) <= allowed:
            raise _NotProved(f"the MLP of {self._name(node.label)} reads other operations")
        x = self._rows(inputs, rows)
        if hidden:  # SelectorWidth: the head left 1 / (width + 1) there
            x[:, hidden[0]] = [1 / (w + 1) for w in outputs]
        got, bound = bounds.mlp(self.model, layer, units, x, self._errors(), op.dims)
        decoded = read(op, got)
        for row, (expected, value) in enumerate(zip(outputs, decoded, strict=True)):
            if not same(expected, value, op.numerical):
                self.proof.failures.append(BlockFailure(op, rows[row], expected, value))
                self.error[node.label] = bounds.UNKNOWN
                return
        expected = self._rows([node.label], [[v] for v in outputs], False)[:, op.dims]
        largest = max(_l1(got), 1.0)
        self.error[node.label] = _l1(np.abs(got - expected) + bound) + ROUNDING * largest

    # -- shared ---------------------------------------------------------------------------

    def _ready(self, inputs: list[str], time_of_block: int) -> None:
        """Every input is computed before the block runs (embeddings come first)."""
        for label in inputs:
            head = self.places.heads.get(label)
            mlp = self.places.mlps.get(label)
            done = max(head[0] * 2 if head else -1, mlp[0] * 2 + 1 if mlp else -1)
            if done >= time_of_block:
                raise _NotProved(f"{self._name(label)} is read before the model computes it")

    def _dims(self, labels: list[str]) -> set[int]:
        return {d for label in labels for d in self.ops[label].dims}

    def _one_dim(self) -> set[int]:
        return set() if self.one is None else {self.one}

    def _errors(self) -> bounds.Errors:
        """Every operation's error (a SelectorWidth's head direction too), at every position
        but BOS."""
        errors = [(self.ops[label].dims, e) for label, e in self.error.items()]
        for label, dims in self.places.hidden.items():
            errors.append((dims, self.hidden_error.get(label, 0.0)))
        return errors

    def _lane_errors(self) -> bounds.Errors:
        return [([d], float(e)) for d, e in enumerate(self.lane_eps) if e > 0]

    def _output(self) -> None:
        op = self.ops[self.order[-1]]
        if not layout.reads(self.model.unembed) <= set(op.dims):
            raise _NotProved("the unembedding reads other directions than the output's")
        error = self.error.get(op.label, 0.0)
        limit = TOLERANCE if op.numerical else ONE_HOT_ERROR
        if error > limit:
            raise _NotProved(
                f"the output's error bound ({error:.2g}) exceeds what decoding tolerates "
                f"({limit:g})"
            )


def _l1(rows: np.ndarray) -> float:
    """The largest sum of absolute values of a row."""
    return float(np.abs(rows).sum(axis=-1).max(initial=0))


def _read_table(node: Node, rows: list[list]) -> list:
    """The judge's `apply`: a node's outputs, only if the worker tabled exactly these rows."""
    if node.rows != rows or len(node.outputs) != len(rows):
        raise value_sets.Unknown("the worker's table for it does not cover its values")
    return node.outputs


def _selection(node: Node, queries: list, keys: list) -> np.ndarray:
    """selected[query, key] from the node's predicate table."""
    chosen = value_sets.selected_keys(node.rows, node.outputs)
    return np.array([[k in chosen.get(q, ()) for k in keys] for q in queries], bool)


def _margins(
    node: Node, sets: value_sets.ValueSets, selected: np.ndarray, s: np.ndarray, s_bos: np.ndarray
) -> tuple[float, float]:
    """The spread of the selected keys' scores and the margin to everything else, over all
    query values. An Aggregate's selected keys must beat BOS (and BOS the rest where the
    selector may select nothing); a SelectorWidth's score the same as BOS."""
    spread, margin = 0.0, math.inf
    for q in range(len(s)):
        chosen, rest = s[q, selected[q]], s[q, ~selected[q]]
        top_rest = rest.max(initial=-math.inf)
        if node.kind == "SelectorWidth":
            spread = max(spread, float(np.abs(chosen - s_bos[q]).max(initial=0)))
            margin = min(margin, float(min(s_bos[q], chosen.min(initial=math.inf)) - top_rest))
            continue
        if chosen.size:
            spread = max(spread, float(chosen.max() - chosen.min()))
            margin = min(margin, float(chosen.min() - max(top_rest, s_bos[q])))
        if node.label in sets.may_select_none or not chosen.size:
            margin = min(margin, float(s_bos[q] - top_rest))
    return spread, margin


def _leak(n: int, margin: float) -> float:
    """The weight at most n positions scoring `margin` below the winners can take."""
    return n * math.exp(-margin) if margin < 700 else 0.0

"""The sampling grammar: random RASP expression DAGs drawn from a `random.Random`, as data.

Pure Python over our own tables: nothing here runs RASP or tracr. Each primitive carries the
Python function it denotes, so value sets are known while drawing and operations whose values
would be constant or too many are never drawn (tracr's MLPs grow with them). docs/sampling.md
documents this grammar and its distribution; change GRAMMAR_VERSION with either.
"""

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GRAMMAR_VERSION = 1

MAX_OPERATIONS = 5  # drawn per program; those the output does not use are dropped
MAX_DEPTH = 4  # operations on the longest path from tokens or indices to the output
MAX_VALUES = 8  # the most values a categorical operation may take
MAX_PAIRS = 40  # a SequenceMap's input combinations (its MLP's hidden size)
INT_VOCABS = [(0, 1, 2), (0, 1, 2, 3), (0, 1, 2, 3, 4)]
LETTER_VOCABS = [("a", "b"), ("a", "b", "c")]
P_LETTERS = 0.25
MAX_SEQ_LENS = [4, 5]
# Operation kinds and their weights; Aggregate and SelectorWidth each bring their own Select.
OPERATIONS = {"Map": 4, "SequenceMap": 2, "Aggregate": 3, "SelectorWidth": 3}
P_RECENT = 0.5  # an operand is the latest operation (deeper chains), else any earlier SOp
P_INDEX_LOOKUP = 0.6  # a categorical Aggregate selects keys by index (at most one per query)
P_NUMERICAL = 0.3  # the output is numerical: a 0/1 Map, averaged by an Aggregate or not
P_NUMERICAL_MEAN = 0.7
COMPARISONS = {"EQ": 3, "LT": 2, "LEQ": 2, "GT": 2, "GEQ": 2, "NEQ": 2, "TRUE": 1, "FALSE": 1}


@dataclass(frozen=True)
class Primitive:
    """A function of the table: `template` is its source in `x` (and `y`), with constants."""

    template: str
    function: Callable[..., Any]
    constants: tuple[tuple[int, ...], ...] = ()  # the choices for {k} (and {m})
    letters: bool = False  # applies to letters (by equality with a value) rather than ints


# Constants `None` in a choice list mean "one of the input's own values" (x == k, x > k).
UNARY = [
    Primitive("x + {k}", lambda x, k: x + k, ((1, 2, 3),)),
    Primitive("x - {k}", lambda x, k: x - k, ((1, 2, 3),)),
    Primitive("(x * {k}) % {m}", lambda x, k, m: (x * k) % m, ((2, 3), (3, 4, 5))),
    Primitive("min(x, {k})", lambda x, k: min(x, k), ((None,),)),
    Primitive("max(x, {k})", lambda x, k: max(x, k), ((None,),)),
    Primitive("x % 2", lambda x: x % 2),
    Primitive("1 if x == {k} else 0", lambda x, k: 1 if x == k else 0, ((None,),)),
    Primitive("1 if x > {k} else 0", lambda x, k: 1 if x > k else 0, ((None,),)),
    Primitive("1 if x == {k} else 0", lambda x, k: 1 if x == k else 0, ((None,),), True),
]
BINARY = [
    Primitive("x + y", lambda x, y: x + y),
    Primitive("x - y", lambda x, y: x - y),
    Primitive("min(x, y)", min),
    Primitive("max(x, y)", max),
    Primitive("1 if x == y else 0", lambda x, y: 1 if x == y else 0),
    Primitive("1 if x > y else 0", lambda x, y: 1 if x > y else 0),
    Primitive("1 if x == y else 0", lambda x, y: 1 if x == y else 0, letters=True),
]
# Numerical outputs are 0/1 indicators (their mean is a fraction tracr computes exactly).
INDICATORS = [p for p in UNARY if p.template.startswith("1 if") or p.template == "x % 2"]


@dataclass(frozen=True)
class Node:
    """One RASP expression. Equal nodes are the same program: the DAG is its own canonical form.

    `code` is the Map's or SequenceMap's function source, or a Select's comparison.
    """

    kind: str  # tokens, indices, Map, SequenceMap, Select, Aggregate, SelectorWidth
    children: tuple["Node", ...] = ()
    code: str = ""
    values: frozenset = frozenset()
    numerical: bool = False

    @property
    def depth(self) -> int:
        below = max((c.depth for c in self.children), default=0)
        return below if self.kind == "Select" or not self.children else below + 1

    @property
    def letters(self) -> bool:
        return all(isinstance(v, str) for v in self.values)

    def reaches(self, kind: str) -> bool:
        return self.kind == kind or any(c.reaches(kind) for c in self.children)


@dataclass(frozen=True)
class Candidate:
    """A drawn program: its vocabulary, length limit and output expression."""

    vocab: tuple
    max_seq_len: int
    output: Node


class _Redraw(Exception):
    """This choice makes an operation outside the limits: draw the operation again."""


def draw(rng: random.Random) -> Candidate:
    """One program of the grammar; every draw comes from `rng`, so a seed fixes it."""
    while True:
        candidate = _draw_once(rng)
        if candidate.output.children and candidate.output.reaches("tokens"):
            return candidate  # tracr compiles only programs of the tokens


def _draw_once(rng: random.Random) -> Candidate:
    letters = rng.random() < P_LETTERS
    vocab = rng.choice(LETTER_VOCABS if letters else INT_VOCABS)
    max_seq_len = rng.choice(MAX_SEQ_LENS)
    pool = [Node("tokens", values=frozenset(vocab))]
    pool.append(Node("indices", values=frozenset(range(max_seq_len))))
    for _ in range(rng.randint(1, MAX_OPERATIONS)):
        node = _attempt(_operation, rng, pool, max_seq_len)
        if node is not None and node not in pool:
            pool.append(node)
    if rng.random() < P_NUMERICAL:
        numerical = _attempt(_numerical, rng, pool, max_seq_len)
        pool += [numerical] if numerical is not None else []
    return Candidate(tuple(vocab), max_seq_len, pool[-1])


def _attempt(
    make: Callable[[random.Random, list[Node], int], Node],
    rng: random.Random,
    pool: list[Node],
    max_seq_len: int,
) -> Node | None:
    """`make`'s operation, drawn again while outside the limits (20 tries, then none)."""
    for _ in range(20):
        try:
            return make(rng, pool, max_seq_len)
        except _Redraw:
            continue
    return None


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _operand(rng: random.Random, pool: list[Node]) -> Node:
    return pool[-1] if rng.random() < P_RECENT else rng.choice(pool)


def _operation(rng: random.Random, pool: list[Node], max_seq_len: int) -> Node:
    kind = _weighted(rng, OPERATIONS)
    if kind == "Map":
        node = _map(rng, rng.choice(UNARY), _operand(rng, pool))
    elif kind == "SequenceMap":
        node = _sequence_map(rng, _operand(rng, pool), rng.choice(pool))
    elif kind == "SelectorWidth":
        values = frozenset(range(max_seq_len + 1))
        node = Node("SelectorWidth", (_select(rng, pool),), values=values)
    else:
        node = _aggregate(rng, pool)
    if node.depth > MAX_DEPTH:
        raise _Redraw
    return node


def _map(rng: random.Random, primitive: Primitive, x: Node, numerical: bool = False) -> Node:
    if primitive.letters != x.letters:
        raise _Redraw
    constants = [rng.choice(sorted(x.values) if c == (None,) else c) for c in primitive.constants]
    names = dict(zip("km", constants, strict=False))
    code = primitive.template.format(**{n: literal(v) for n, v in names.items()})
    values = frozenset(primitive.function(v, *constants) for v in x.values)
    _within_limits(values)
    return Node("Map", (x,), code, values, numerical)


def _sequence_map(rng: random.Random, x: Node, y: Node) -> Node:
    primitive = rng.choice(BINARY)
    if x == y or x.letters != primitive.letters or y.letters != primitive.letters:
        raise _Redraw
    if len(x.values) * len(y.values) > MAX_PAIRS:
        raise _Redraw
    values = frozenset(primitive.function(a, b) for a in x.values for b in y.values)
    _within_limits(values)
    return Node("SequenceMap", (x, y), primitive.template, values)


def literal(value: object) -> str:
    """A token as Python source, strings in double quotes as in the library's files."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _within_limits(values: frozenset) -> None:
    if not 2 <= len(values) <= MAX_VALUES:  # a constant is no computation; many are slow
        raise _Redraw


def _select(rng: random.Random, pool: list[Node]) -> Node:
    keys, queries = rng.choice(pool), _operand(rng, pool)
    if keys.letters != queries.letters:
        raise _Redraw  # "a" < 1 raises, "a" == 1 is never true
    return Node("Select", (keys, queries), _weighted(rng, COMPARISONS))


def _aggregate(rng: random.Random, pool: list[Node]) -> Node:
    """A categorical Aggregate; by index lookup mostly, so that each query selects one key."""
    values = [node for node in pool if not node.letters]
    if rng.random() < P_INDEX_LOOKUP:
        selector = Node("Select", (pool[1], rng.choice(values)), "EQ")
    else:
        selector = _select(rng, pool)
    source = _operand(rng, pool)
    if source.kind == "indices" and selector.children[0].kind == "indices":
        raise _Redraw  # the query itself, where it is an index: nothing computed
    return Node("Aggregate", (selector, source), values=source.values)


def _numerical(rng: random.Random, pool: list[Node], max_seq_len: int) -> Node:
    """A numerical 0/1 Map of an operation, averaged over a selector or not."""
    node = _map(rng, rng.choice(INDICATORS), _operand(rng, pool), numerical=True)
    if rng.random() < P_NUMERICAL_MEAN:
        fractions = frozenset(k / n for n in range(1, max_seq_len + 1) for k in range(n + 1))
        node = Node("Aggregate", (_select(rng, pool), node), values=fractions, numerical=True)
    if node.depth > MAX_DEPTH:
        raise _Redraw
    return node

"""Every value each operation can take on inputs up to MAX_SEQ_LEN, computed exactly.

The block-wise proof (proof.py) checks each compiled block on every value its inputs can
take, so it is only as good as those value sets, and tracr's are not always right: it
assumes a numerical mean is one of the values averaged, while the mean of 1, 0 and 0 is 1/3.
Here the sets follow the program's structure:

- tokens: the vocabulary; indices: 0 to MAX_SEQ_LEN - 1; a SelectorWidth: 0 to MAX_SEQ_LEN;
- a Map or SequenceMap: its function on every value (or pair of values) of its inputs;
- a numerical Aggregate: the means of 1 to MAX_SEQ_LEN values of its input (exact fractions),
  and its default 0 where the selector may select nothing; only the values themselves where
  it provably selects at most one position;
- a categorical Aggregate: its input's values, when no query can select two positions with
  different values (which tracr cannot compile: the model averages them); None joins them
  where the selector may select nothing.

The same code runs on both sides of the boundary. In the worker, `apply` calls the program's
functions and records their tables in the nodes; in the judge, `apply` reads those tables and
refuses any made for other rows. So the judge takes from the worker only what each function
returns on each value, never which values exist.
"""

import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from raspstudio.evidence import Node
from raspstudio.tokens import sorted_vocab

MAX_ROWS = 20_000  # rows of one function's table
MAX_VALUES = 5_000  # values of one operation

Apply = Callable[[Node, list[list]], list]  # a node's function on rows -> outputs


class Unknown(Exception):
    """A value set that cannot be computed (too large, unhashable values, a forged table)."""


@dataclass
class ValueSets:
    """What `infer` found: each operation's values, and what the proof must know besides."""

    values: dict[str, list] = field(default_factory=dict)  # label -> every value it can take
    kinds: dict[str, str] = field(default_factory=dict)  # label -> its node's kind
    unknown: dict[str, str] = field(default_factory=dict)  # label -> why it is not known
    may_select_none: set[str] = field(default_factory=set)  # Aggregates
    averages: set[str] = field(default_factory=set)  # numerical Aggregates that may average
    # label -> (the operation it is a function of, {that operation's value: its value})
    origin: dict[str, tuple[str, dict]] = field(default_factory=dict)


def infer(nodes: list[Node], vocab: Any, max_seq_len: int, apply: Apply) -> ValueSets:
    """Value sets of `nodes` (inputs before the operations that read them)."""
    found = ValueSets()
    for node in nodes:
        found.kinds[node.label] = node.kind
        if blocked := [label for label in node.inputs if label not in found.values]:
            found.unknown[node.label] = f"the values of its input `{blocked[0]}` are not known"
            continue
        try:
            found.values[node.label] = _values(node, found, vocab, max_seq_len, apply)
        except Unknown as e:
            found.unknown[node.label] = str(e)
        except Exception as e:  # noqa: BLE001 - values whose comparison or hash raises
            found.unknown[node.label] = f"its values cannot be compared ({type(e).__name__})"
    return found


def table_rows(node: Node, found: ValueSets) -> list[list]:
    """The rows a node's function is asked for: every combination of its inputs' values."""
    sets = [found.values[label] for label in node.inputs]
    if node.kind in ("Aggregate", "SelectorWidth"):
        sets = sets[:2]  # the selector's keys and queries
    elif node.kind == "SequenceMap" and node.inputs[0] == node.inputs[1]:
        # One operation read twice: each value pairs with itself only.
        return [[v, v] for v in sets[0]]
    size = 1
    for values in sets:
        size *= len(values)
    if size > MAX_ROWS:
        raise Unknown(f"its table would have {size:,} rows (the limit is {MAX_ROWS:,})")
    return [list(row) for row in itertools.product(*sets)]


def _values(node: Node, found: ValueSets, vocab: Any, max_seq_len: int, apply: Apply) -> list:
    if node.kind == "tokens":
        found.origin[node.label] = (node.label, {v: v for v in vocab})
        return sorted_vocab(vocab)
    if node.kind == "indices":
        found.origin[node.label] = (node.label, {i: i for i in range(max_seq_len)})
        return list(range(max_seq_len))
    if node.kind not in ("Map", "SequenceMap", "Aggregate", "SelectorWidth"):
        raise Unknown(f"a {node.kind} is not covered by the block-wise proof")
    rows = table_rows(node, found)
    outputs = apply(node, rows)
    if None in outputs:  # it raises there (or gives None): so would the interpreter
        row = rows[outputs.index(None)]
        raise Unknown(f"its function has no value on {_shown(row)}")
    if node.kind == "SelectorWidth":
        return list(range(max_seq_len + 1))
    if node.kind == "Aggregate":
        return _aggregate(node, rows, outputs, found, max_seq_len)
    values = _distinct(outputs)
    _follow_origin(node, rows, outputs, found)
    return values


def _aggregate(node: Node, rows: list, outputs: list, found: ValueSets, max_seq_len: int) -> list:
    keys, _, source = node.inputs
    selects = selected_keys(rows, outputs)
    at_most_one = _at_most_one(keys, selects, found)
    if not _never_empty(node, rows, outputs, found):
        found.may_select_none.add(node.label)
    values = found.values[source]
    if node.numerical:
        if node.default != 0:
            raise Unknown("a numerical Aggregate whose default is not 0")
        if not at_most_one:
            found.averages.add(node.label)
            values = _means(values, max_seq_len)
        extra = [0] if node.label in found.may_select_none else []
        return _distinct(values + extra)
    if not (at_most_one or _one_value(keys, source, selects, found)):
        raise Unknown(
            "it may select two positions holding different values (tracr's model averages "
            "them), and that could not be ruled out"
        )
    if node.default is not None:
        raise Unknown("a categorical Aggregate whose default is not None")
    return _distinct(values + ([None] if node.label in found.may_select_none else []))


def selected_keys(rows: list, outputs: list) -> dict:
    """query -> the key values a selector's table selects for it."""
    selects: dict = {}
    for (key, query), chosen in zip(rows, outputs, strict=True):
        keys = selects.setdefault(query, [])
        if chosen:
            keys.append(key)
    return selects


def _at_most_one(keys: str, selects: dict, found: ValueSets) -> bool:
    """At most one position is selected: the keys are distinct at every position (indices, or
    an injective function of them), and each query selects at most one key value."""
    root, mapping = found.origin.get(keys, (None, {}))
    if root is None or found.kinds.get(root) != "indices":
        return False
    injective = len(set(mapping.values())) == len(mapping)
    return injective and all(len(chosen) <= 1 for chosen in selects.values())


def _one_value(keys: str, source: str, selects: dict, found: ValueSets) -> bool:
    """Every selected position holds the same value: the values are a function of the same
    operation as the keys, and each query's selected keys all come with one value."""
    key_root, key_of = found.origin.get(keys, (None, {}))
    value_root, value_of = found.origin.get(source, (None, {}))
    if key_root is None or key_root != value_root:
        return False
    for chosen in selects.values():
        values = {value_of[r] for r, k in key_of.items() if k in chosen}
        if len(values) > 1:
            return False
    return True


def _never_empty(node: Node, rows: list, outputs: list, found: ValueSets) -> bool:
    """Every query selects some position on every input: its own (keys and queries are
    functions of one operation and the predicate holds on the position itself), one at or
    before it (keys and queries are functions of indices: every input reaching the query's
    position has those), or the first (the keys are a function of indices, and every query
    selects the key at index 0)."""
    keys, queries = node.inputs[:2]
    table = {(k, q): bool(o) for (k, q), o in zip(rows, outputs, strict=True)}
    key_root, key_of = found.origin.get(keys, (None, {}))
    query_root, query_of = found.origin.get(queries, (None, {}))
    same_position = [(key_of[r], query_of.get(r)) for r in key_of]
    if key_root is not None and key_root == query_root and all(map(table.get, same_position)):
        return True
    if key_root is None or found.kinds.get(key_root) != "indices":
        return False
    if query_root == key_root:
        return all(
            any(table.get((key_of[r], query)) for r in key_of if r <= position)
            for position, query in query_of.items()
        )
    if 0 in key_of:
        return all(table.get((key_of[0], q)) for q in found.values[queries])
    return False


def _follow_origin(node: Node, rows: list, outputs: list, found: ValueSets) -> None:
    """A Map of a function of X is a function of X (so is a SequenceMap reading X twice)."""
    if node.kind == "SequenceMap" and node.inputs[0] != node.inputs[1]:
        return
    root, inner_of = found.origin.get(node.inputs[0], (None, {}))
    if root is None:
        return
    table = {row[0]: out for row, out in zip(rows, outputs, strict=True)}
    found.origin[node.label] = (root, {r: table[v] for r, v in inner_of.items()})


def _means(values: list, max_seq_len: int) -> list:
    """The mean of every multiset of 1 to max_seq_len values, exactly, as floats."""
    if not all(isinstance(v, int | float) for v in values):
        raise Unknown("a numerical Aggregate of values that are not numbers")
    steps = {Fraction(v) for v in values}
    sums, means = {Fraction(0)}, set()
    for width in range(1, max_seq_len + 1):
        sums = {s + v for s in sums for v in steps}
        means |= {s / width for s in sums}
        if len(means) > MAX_VALUES:
            raise Unknown(f"its means take more than {MAX_VALUES:,} values")
    return [float(m) for m in means]


def _distinct(values: list) -> list:
    try:
        unique = list(dict.fromkeys(values))
    except TypeError as e:
        raise Unknown("its values are not hashable") from e
    if len(unique) > MAX_VALUES:
        raise Unknown(f"it takes more than {MAX_VALUES:,} values")
    defined = [v for v in unique if v is not None]
    with contextlib.suppress(TypeError):  # tuples of None and numbers: keep the order given
        defined = sorted_vocab(defined)
    return defined + ([None] if None in unique else [])


def _shown(row: list) -> str:
    return ", ".join(repr(v) for v in row)

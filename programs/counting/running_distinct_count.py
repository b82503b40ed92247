"""At each position i, the number of distinct tokens among x[0..i] (inclusive).

A position is a first occurrence when no earlier position holds the same token; the output
counts the first occurrences at or before i.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "b"], ["c", "c", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_earlier = rasp.Select(token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]).named(
    "same_earlier"
)
earlier_copies = rasp.SelectorWidth(same_earlier).named("earlier_copies")
new_at = rasp.SequenceMap(lambda c, i: (c == 0, i), earlier_copies, rasp.indices).named("new_at")
new_so_far = rasp.Select(new_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named("new_so_far")
program = rasp.SelectorWidth(new_so_far).named("running_distinct_count")


def reference(xs: list) -> list:
    return [len(set(xs[: i + 1])) for i in range(len(xs))]

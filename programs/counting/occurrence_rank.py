"""At each position i, the number of positions j < i with x[j] == x[i] (0 for a first occurrence).

This is the occurrence rank of the token: the first "a" gets 0, the second "a" 1, and so on.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "a", "b"], ["c", "c", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_earlier = rasp.Select(token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]).named(
    "same_earlier"
)
program = rasp.SelectorWidth(same_earlier).named("occurrence_rank")


def reference(xs: list) -> list:
    return [xs[:i].count(x) for i, x in enumerate(xs)]

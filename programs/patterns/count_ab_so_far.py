"""At each position i: how many j <= i have xs[j-1] == "a" and xs[j] == "b" (j >= 1).

That is, the number of "ab" bigrams ending at or before i.

Two counting heads. The first marks where "ab" ends: a "b" query (token, j) selects the key
("a", j-1), and SelectorWidth gives 1 or 0. The second counts the marked positions at or before i.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "b", "b"], ["b", "a", "c", "a", "b"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
a_before_b = rasp.Select(
    token_at, token_at, lambda k, q: q[0] == "b" and k[0] == "a" and k[1] == q[1] - 1
).named("a_before_b")
ab_ends = rasp.SelectorWidth(a_before_b).named("ab_ends")
ab_end_at = rasp.SequenceMap(lambda e, i: (e == 1, i), ab_ends, rasp.indices).named("ab_end_at")
ab_ends_so_far = rasp.Select(ab_end_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "ab_ends_so_far"
)
program = rasp.SelectorWidth(ab_ends_so_far).named("count_ab_so_far")


def reference(xs: list) -> list:
    out = []
    count = 0
    for j, x in enumerate(xs):
        if j >= 1 and xs[j - 1] == "a" and x == "b":
            count += 1
        out.append(count)
    return out

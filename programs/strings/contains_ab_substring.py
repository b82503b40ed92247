"""At every position: True iff the substring "a b" (an "a" immediately followed by a "b") occurs anywhere in the string, else False (broadcast).

`ab_ends_here` is 1 at a "b" whose previous position holds an "a"; the answer is whether any
position has it.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["c", "a", "b", "c"], ["b", "a", "c", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
a_before_b = rasp.Select(
    token_at, token_at, lambda k, q: k[1] == q[1] - 1 and k[0] == "a" and q[0] == "b"
).named("a_before_b")
ab_ends_here = rasp.SelectorWidth(a_before_b).named("ab_ends_here")
ab_positions = rasp.Select(ab_ends_here, ab_ends_here, lambda k, q: k > 0).named("ab_positions")
ab_count = rasp.SelectorWidth(ab_positions).named("ab_count")
program = rasp.Map(lambda c: c > 0, ab_count).named("contains_ab")


def reference(xs: list) -> list:
    return ["ab" in "".join(xs)] * len(xs)

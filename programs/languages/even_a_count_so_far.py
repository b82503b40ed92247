"""At each position i: True iff the number of "a" in xs[0..i] is even (0 is even), else False.

The regular language "even number of a's", recognised at every prefix: one attention head
(SelectorWidth) counts the "a" tokens at or before each position, and an MLP takes the parity.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "a", "a", "b"], ["b", "b", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
a_so_far = rasp.Select(token_at, rasp.indices, lambda k, q: k[0] == "a" and k[1] <= q).named(
    "a_so_far"
)
a_count = rasp.SelectorWidth(a_so_far).named("a_count")
program = rasp.Map(lambda c: c % 2 == 0, a_count).named("even_a_count_so_far")


def reference(xs: list) -> list:
    return [xs[: i + 1].count("a") % 2 == 0 for i in range(len(xs))]

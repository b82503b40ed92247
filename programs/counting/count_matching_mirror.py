"""At every position, the number of positions j with x[j] == x[n-1-j] (n = sequence length).

The sequence is a palindrome exactly when this count equals n. An attention head copies the
mirrored token x[n-1-j] to each position j, an MLP compares it with x[j], and a SelectorWidth
counts the matches.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b", "c"], ["c", "a", "c"]]

length = lib.make_length().named("length")
mirror_index = rasp.SequenceMap(lambda n, i: n - i - 1, length, rasp.indices).named("mirror_index")
to_mirror = rasp.Select(rasp.indices, mirror_index, rasp.Comparison.EQ).named("to_mirror")
mirror_token = rasp.Aggregate(to_mirror, rasp.tokens).named("mirror_token")
matches_mirror = rasp.SequenceMap(lambda t, m: t == m, rasp.tokens, mirror_token).named(
    "matches_mirror"
)
matching_positions = rasp.Select(matches_mirror, matches_mirror, lambda k, q: k).named(
    "matching_positions"
)
program = rasp.SelectorWidth(matching_positions).named("count_matching_mirror")


def reference(xs: list) -> list:
    n = len(xs)
    return [sum(1 for j in range(n) if xs[j] == xs[n - 1 - j])] * n

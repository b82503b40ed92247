"""At every position: the number of pairs (i, n-1-i), i < n-1-i, with xs[i] != xs[n-1-i].

The count is 0 iff the sequence is a palindrome, and at most n // 2.

Each position fetches its mirror token xs[n-1-i] with one attention head and flags a mismatch; a
SelectorWidth counts the flagged positions in the whole sequence. Both members of a differing pair
are flagged (the middle of an odd length never is), so the count is even and the MLP halves it.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "c"], ["a", "b", "b", "a"]]

length = lib.make_length().named("length")
mirror_index = rasp.SequenceMap(lambda n, i: n - 1 - i, length, rasp.indices).named("mirror_index")
select_mirror = rasp.Select(rasp.indices, mirror_index, rasp.Comparison.EQ).named("select_mirror")
mirror_token = rasp.Aggregate(select_mirror, rasp.tokens).named("mirror_token")
mismatch = rasp.SequenceMap(lambda t, m: t != m, rasp.tokens, mirror_token).named("mismatch")
any_mismatch = rasp.Select(mismatch, mismatch, lambda k, q: k).named("any_mismatch")
mismatched_positions = rasp.SelectorWidth(any_mismatch).named("mismatched_positions")
program = rasp.Map(lambda m: m // 2, mismatched_positions).named("palindrome_mismatch_pairs")


def reference(xs: list) -> list:
    n = len(xs)
    pairs = sum(1 for i in range(n) if i < n - 1 - i and xs[i] != xs[n - 1 - i])
    return [pairs] * n

"""At each position i of a length-n sequence: True iff xs[i] == xs[n-1-i], else False.

The token equals its mirror image; the middle of an odd-length sequence always does.

The per-position half of a palindrome check: `length` (SelectorWidth), the mirror index n-1-i
(MLP), one attention head that copies the token at the mirror index, and an MLP comparing it with
the position's own token. The sequence is a palindrome iff every output is True.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "a"], ["a", "b", "b", "a"]]

length = lib.make_length().named("length")
mirror_index = rasp.SequenceMap(lambda n, i: n - 1 - i, length, rasp.indices).named("mirror_index")
select_mirror = rasp.Select(rasp.indices, mirror_index, rasp.Comparison.EQ).named("select_mirror")
mirror_token = rasp.Aggregate(select_mirror, rasp.tokens).named("mirror_token")
program = rasp.SequenceMap(lambda t, m: t == m, rasp.tokens, mirror_token).named(
    "equals_mirror_token"
)


def reference(xs: list) -> list:
    n = len(xs)
    return [xs[i] == xs[n - 1 - i] for i in range(n)]

"""At every position: True iff the whole sequence is a palindrome (xs == xs[::-1]), else False.

Each position i fetches its mirror token xs[n-1-i] with one attention head (query n-1-i, key
index), flags a mismatch, and a second head (SelectorWidth over the mismatch flags) counts the
mismatches in the whole sequence; the sequence is a palindrome iff there are none.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b", "a"], ["a", "b", "b", "c"], ["c", "a", "a", "c"]]

length = lib.make_length().named("length")
mirror_index = rasp.SequenceMap(lambda n, i: n - 1 - i, length, rasp.indices).named("mirror_index")
select_mirror = rasp.Select(rasp.indices, mirror_index, rasp.Comparison.EQ).named("select_mirror")
mirror_token = rasp.Aggregate(select_mirror, rasp.tokens).named("mirror_token")
mismatch = rasp.SequenceMap(lambda t, m: t != m, rasp.tokens, mirror_token).named("mismatch")
any_mismatch = rasp.Select(mismatch, mismatch, lambda k, q: k).named("any_mismatch")
mismatches = rasp.SelectorWidth(any_mismatch).named("mismatches")
program = rasp.Map(lambda m: m == 0, mismatches).named("palindrome_whole_sequence")


def reference(xs: list) -> list:
    return [xs == xs[::-1]] * len(xs)

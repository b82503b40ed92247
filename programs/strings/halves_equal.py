"""At every position: True iff the first floor(n/2) characters equal the last floor(n/2) characters (the middle one of an odd length n is ignored; n = 1 gives True), broadcast.

Position i < n // 2 reads its partner i + (n + 1) // 2 and flags a mismatch; other positions read
themselves (never a mismatch). The answer is whether no position flags a mismatch.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["a", "b", "b", "a"]]

length = lib.make_length().named("length")
partner = rasp.SequenceMap(
    lambda n, i: i + (n + 1) // 2 if i < n // 2 else i, length, rasp.indices
).named("partner")
read_partner = rasp.Select(rasp.indices, partner, rasp.Comparison.EQ).named("read_partner")
partner_token = rasp.Aggregate(read_partner, rasp.tokens).named("partner_token")
mismatch = rasp.SequenceMap(lambda a, b: a != b, rasp.tokens, partner_token).named("mismatch")
mismatches = rasp.Select(mismatch, mismatch, lambda k, q: k).named("mismatches")
mismatch_count = rasp.SelectorWidth(mismatches).named("mismatch_count")
program = rasp.Map(lambda c: c == 0, mismatch_count).named("halves_equal")


def reference(xs: list) -> list:
    h = len(xs) // 2
    return [xs[:h] == xs[len(xs) - h :]] * len(xs)

"""At every position: True iff the whole sequence is a^n b^n for some n >= 1, else False.

A sequence of length L is a^n b^n iff L is even and xs[i] == "a" exactly for i < L/2. Each position
compares its token with the one it should hold; one attention head counts the mismatches over the
whole sequence, and the answer is "no mismatch and even length".
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "a", "b", "b"], ["a", "b", "a", "b"], ["a", "a", "b"]]

length = lib.make_length().named("length")
expected = rasp.SequenceMap(lambda i, n: "a" if 2 * i < n else "b", rasp.indices, length).named(
    "expected"
)
mismatch = rasp.SequenceMap(lambda t, e: t != e, rasp.tokens, expected).named("mismatch")
any_mismatch = rasp.Select(mismatch, mismatch, lambda k, q: k).named("any_mismatch")
mismatches = rasp.SelectorWidth(any_mismatch).named("mismatches")
program = rasp.SequenceMap(lambda m, n: m == 0 and n % 2 == 0, mismatches, length).named(
    "anbn_membership"
)


def reference(xs: list) -> list:
    n = len(xs) // 2
    ok = len(xs) % 2 == 0 and xs == ["a"] * n + ["b"] * n
    return [ok] * len(xs)

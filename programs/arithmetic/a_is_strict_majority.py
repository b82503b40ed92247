"""Everywhere: 1 if "a" is a strict majority of the tokens (2 * count_a > length), else 0.

Both counts are categorical SelectorWidths, so the comparison is exact (a numerical fraction
followed by a threshold Map would miscompile on means such as 2/3).
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "a"], ["a", "b"]]

length = lib.make_length().named("length")
is_a_key = rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k == "a").named("is_a_key")
count_a = rasp.SelectorWidth(is_a_key).named("count_a")
program = rasp.SequenceMap(lambda c, n: 1 if 2 * c > n else 0, count_a, length).named(
    "a_is_strict_majority"
)


def reference(xs: list) -> list:
    a = sum(1 for x in xs if x == "a")
    others = len(xs) - a
    return [1 if a > others else 0] * len(xs)

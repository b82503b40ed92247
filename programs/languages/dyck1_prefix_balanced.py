"""At each position i: True iff the prefix xs[0..i] is a balanced "("/")" string (Dyck-1).

Balanced: the depth (openers minus closers) never goes below zero and is zero at i.

With o openers among the i + 1 tokens so far (one SelectorWidth), the depth at i is
2*o - (i + 1): MLPs flag "depth < 0" and "depth == 0" from (o, i) directly. A second SelectorWidth
counts the positions j <= i whose depth is negative; the prefix is balanced iff that count is zero
and the depth at i is zero.
"""

from tracr.rasp import rasp

VOCAB = {"(", ")"}
MAX_SEQ_LEN = 6
EXAMPLES = [["(", ")", "(", "(", ")", ")"], [")", "(", "(", ")"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
open_so_far = rasp.Select(token_at, rasp.indices, lambda k, q: k[0] == "(" and k[1] <= q).named(
    "open_so_far"
)
opens = rasp.SelectorWidth(open_so_far).named("opens")
negative = rasp.SequenceMap(lambda o, i: 2 * o < i + 1, opens, rasp.indices).named("negative")
at_zero = rasp.SequenceMap(lambda o, i: 2 * o == i + 1, opens, rasp.indices).named("at_zero")
negative_at = rasp.SequenceMap(lambda d, i: (d, i), negative, rasp.indices).named("negative_at")
negative_so_far = rasp.Select(negative_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "negative_so_far"
)
negatives = rasp.SelectorWidth(negative_so_far).named("negatives")
program = rasp.SequenceMap(lambda n, z: n == 0 and z, negatives, at_zero).named(
    "dyck1_prefix_balanced"
)


def reference(xs: list) -> list:
    out = []
    depth = 0
    dipped = False
    for x in xs:
        depth += 1 if x == "(" else -1
        dipped = dipped or depth < 0
        out.append(not dipped and depth == 0)
    return out

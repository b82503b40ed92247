"""At each position i: (count of "(" minus count of ")" in xs[0..i]) / (i + 1), numerical.

The output may be negative; "x" counts for neither.

This is tracr's `lib.make_pair_balance(tokens, "(", ")")` as is: two numerical prefix means (the
fraction of openers and of closers so far, each an attention head averaging a 0/1 flag) combined by
a LinearSequenceMap with weights +1 and -1. Other tokens ("x") count for neither.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"(", ")", "x"}
MAX_SEQ_LEN = 5
EXAMPLES = [["(", "x", ")", ")", "("], ["(", "(", ")"]]

program = lib.make_pair_balance(rasp.tokens, "(", ")").named("paren_balance_fraction")


def reference(xs: list) -> list:
    out = []
    for i in range(len(xs)):
        prefix = xs[: i + 1]
        out.append((prefix.count("(") - prefix.count(")")) / (i + 1))
    return out

"""At each position i: True iff xs[j] != xs[j-1] for every 1 <= j <= i, else False.

That is, xs[0..i] has no two equal adjacent tokens (it alternates).

An "alternation so far" check. A repeat flag per position (one head + SelectorWidth: does the
previous position hold the same token?) is averaged over the prefix with `lib.make_frac_prevs`
(a numerical head); the prefix alternates iff that fraction is 0.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "a", "c"], ["c", "b", "c", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_as_previous = rasp.Select(
    token_at, token_at, lambda k, q: k[1] == q[1] - 1 and k[0] == q[0]
).named("same_as_previous")
previous_matches = rasp.SelectorWidth(same_as_previous).named("previous_matches")
repeat = rasp.numerical(rasp.Map(lambda m: 1 if m > 0 else 0, previous_matches)).named("repeat")
repeat_fraction = lib.make_frac_prevs(repeat).named("repeat_fraction")
program = rasp.Map(lambda f: f == 0, repeat_fraction).named("no_equal_neighbours_so_far")


def reference(xs: list) -> list:
    return [all(xs[j] != xs[j - 1] for j in range(1, i + 1)) for i in range(len(xs))]

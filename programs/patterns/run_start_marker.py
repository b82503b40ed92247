"""At each position i: True iff a run starts at i (i == 0 or xs[i] != xs[i-1]), else False.

A categorical previous-token head: query i selects key max(i-1, 0), so position 0 reads itself
instead of nothing (no None). It copies (token, index) pairs, so an MLP can tell the two cases
apart: the copied index equals the own index only at position 0, which always starts a run.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "a", "b", "a", "a", "b"], ["b", "b", "b"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
# Keys are (token, index) rather than index: tracr sizes every head by its query/key spaces
# (assemble.py:133), and a 6-dim key space could not carry the 12 copied (token, index) values.
previous_or_self = rasp.Select(token_at, rasp.indices, lambda k, q: k[1] == max(q - 1, 0)).named(
    "previous_or_self"
)
previous_token_at = rasp.Aggregate(previous_or_self, token_at).named("previous_token_at")
program = rasp.SequenceMap(
    lambda p, c: p[1] == c[1] or p[0] != c[0], previous_token_at, token_at
).named("run_start_marker")


def reference(xs: list) -> list:
    return [i == 0 or xs[i] != xs[i - 1] for i in range(len(xs))]

"""At each position i: True iff i >= 1 and xs[i] == xs[i-1], else False.

One attention head whose query (token, i) selects the key at index i-1 only if it holds the same
token; SelectorWidth turns "selected something" into a count of 0 or 1, which needs no default (a
plain previous-token Aggregate would give None at position 0).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "a", "b", "b", "b"], ["c", "a", "c", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_as_previous = rasp.Select(
    token_at, token_at, lambda k, q: k[1] == q[1] - 1 and k[0] == q[0]
).named("same_as_previous")
previous_matches = rasp.SelectorWidth(same_as_previous).named("previous_matches")
program = rasp.Map(lambda m: m == 1, previous_matches).named("equals_previous_token")


def reference(xs: list) -> list:
    return [i >= 1 and xs[i] == xs[i - 1] for i in range(len(xs))]

"""At position i: 1 if i >= 2 and the character at i equals the character at i - 2, else 0 (so positions 0 and 1 are 0).

One attention head compares (token, index) pairs: position i selects position i - 2 only when the
two tokens are equal, and the SelectorWidth of that selector is the answer (it selects at most one).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "a"], ["b", "b", "b"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_two_back = rasp.Select(
    token_at, token_at, lambda k, q: k[1] == q[1] - 2 and k[0] == q[0]
).named("same_two_back")
program = rasp.SelectorWidth(same_two_back).named("matches_two_back")


def reference(xs: list) -> list:
    return [1 if i >= 2 and xs[i] == xs[i - 2] else 0 for i in range(len(xs))]

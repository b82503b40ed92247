"""At each position i: True iff xs[i] occurs at some earlier position j < i, else False.

One attention head: query (token, i) selects every key (token, j) with the same token and j < i;
SelectorWidth counts them and an MLP tests "count > 0".
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "b"], ["c", "c", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_token_earlier = rasp.Select(
    token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]
).named("same_token_earlier")
earlier_copies = rasp.SelectorWidth(same_token_earlier).named("earlier_copies")
program = rasp.Map(lambda c: c > 0, earlier_copies).named("token_seen_before")


def reference(xs: list) -> list:
    return [xs[i] in xs[:i] for i in range(len(xs))]

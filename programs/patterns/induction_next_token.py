"""At each i: xs[j+1] for the largest j < i with xs[j] == xs[i]; xs[i] itself if there is none.

The token that followed the most recent earlier occurrence of the current token.

An induction head written out: (1) the rank of each occurrence (earlier copies of its token,
SelectorWidth); (2) a head finds the previous copy of the token (the unique position holding
(token, rank - 1)) and copies its index j; (3) a last head reads the token at j + 1. A first
occurrence finds itself in (2), and (3) then reads its own position instead of j + 1.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "c"], ["b", "a", "b", "b", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_token_earlier = rasp.Select(
    token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]
).named("same_token_earlier")
rank = rasp.SelectorWidth(same_token_earlier).named("rank")
token_rank = rasp.SequenceMap(lambda t, r: (t, r), rasp.tokens, rank).named("token_rank")
select_previous_copy = rasp.Select(
    token_rank, token_rank, lambda k, q: k[0] == q[0] and k[1] == max(q[1] - 1, 0)
).named("select_previous_copy")
previous_copy = rasp.Aggregate(select_previous_copy, rasp.indices).named("previous_copy")
# The position to read: j + 1 after an earlier copy at j, the position itself otherwise.
read_from = rasp.SequenceMap(lambda j, i: j + 1 if j < i else i, previous_copy, rasp.indices).named(
    "read_from"
)
select_read = rasp.Select(rasp.indices, read_from, rasp.Comparison.EQ).named("select_read")
program = rasp.Aggregate(select_read, rasp.tokens).named("induction_next_token")


def reference(xs: list) -> list:
    out = []
    for i, x in enumerate(xs):
        earlier = [j for j in range(i) if xs[j] == x]
        out.append(xs[earlier[-1] + 1] if earlier else x)
    return out

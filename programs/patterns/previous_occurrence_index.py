"""At each position i: the largest j < i with xs[j] == xs[i], or i itself if there is none.

The index of the most recent earlier occurrence of the same token.

The rank r of an occurrence (how many earlier copies of its token there are) is a SelectorWidth.
The previous occurrence of (token, r) is the unique position holding (token, r - 1), so a second
head selects it exactly; a first occurrence (r = 0) selects (token, 0), which is itself.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "a", "b"], ["c", "a", "c", "b"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_token_earlier = rasp.Select(
    token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]
).named("same_token_earlier")
rank = rasp.SelectorWidth(same_token_earlier).named("rank")
token_rank = rasp.SequenceMap(lambda t, r: (t, r), rasp.tokens, rank).named("token_rank")
select_previous_copy = rasp.Select(
    token_rank, token_rank, lambda k, q: k[0] == q[0] and k[1] == max(q[1] - 1, 0)
).named("select_previous_copy")
program = rasp.Aggregate(select_previous_copy, rasp.indices).named("previous_occurrence_index")


def reference(xs: list) -> list:
    out = []
    for i, x in enumerate(xs):
        earlier = [j for j in range(i) if xs[j] == x]
        out.append(earlier[-1] if earlier else i)
    return out

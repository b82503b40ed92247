"""At each position i, the number of distinct tokens that occur strictly more often than x[i] in the sequence.

0 means x[i] is a most frequent token. Each distinct token is represented once, by its first
occurrence; the output counts the first occurrences whose histogram count exceeds the query's.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c", "d"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "b"], ["d", "a", "a", "a"]]

same_token = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same_token")
token_count = rasp.SelectorWidth(same_token).named("token_count")
token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_earlier = rasp.Select(token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]).named(
    "same_earlier"
)
earlier_copies = rasp.SelectorWidth(same_earlier).named("earlier_copies")
first_with_count = rasp.SequenceMap(lambda c, n: (c == 0, n), earlier_copies, token_count).named(
    "first_with_count"
)
more_frequent_tokens = rasp.Select(
    first_with_count, token_count, lambda k, q: k[0] and k[1] > q
).named("more_frequent_tokens")
program = rasp.SelectorWidth(more_frequent_tokens).named("frequency_rank")


def reference(xs: list) -> list:
    return [sum(1 for y in set(xs) if xs.count(y) > xs.count(x)) for x in xs]

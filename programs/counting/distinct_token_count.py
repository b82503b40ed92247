"""At every position, the number of distinct tokens in the whole sequence.

Each position learns whether an earlier position holds its token; the output counts the
positions that do not (the first occurrences), one per distinct token.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c", "d"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "d", "b"], ["c", "c", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_earlier = rasp.Select(token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]).named(
    "same_earlier"
)
earlier_copies = rasp.SelectorWidth(same_earlier).named("earlier_copies")
is_first_occurrence = rasp.Map(lambda c: c == 0, earlier_copies).named("is_first_occurrence")
first_occurrences = rasp.Select(is_first_occurrence, is_first_occurrence, lambda k, q: k).named(
    "first_occurrences"
)
program = rasp.SelectorWidth(first_occurrences).named("distinct_token_count")


def reference(xs: list) -> list:
    return [len(set(xs))] * len(xs)

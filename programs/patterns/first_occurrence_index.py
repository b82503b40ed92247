"""At each position i: the index of the first occurrence of xs[i] (min j with xs[j] == xs[i]).

At a first occurrence this is i itself.

First mark first occurrences (SelectorWidth counts earlier copies of the same token; zero means
first). Then each query selects the unique key that holds its token and is marked first, and
copies that key's index (a categorical Aggregate that always selects exactly one position).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["b", "a", "b", "c", "a"], ["c", "c", "a", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_token_earlier = rasp.Select(
    token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]
).named("same_token_earlier")
earlier_copies = rasp.SelectorWidth(same_token_earlier).named("earlier_copies")
first_of_token = rasp.SequenceMap(lambda t, c: (t, c == 0), rasp.tokens, earlier_copies).named(
    "first_of_token"
)
select_first = rasp.Select(first_of_token, rasp.tokens, lambda k, q: k[0] == q and k[1]).named(
    "select_first"
)
program = rasp.Aggregate(select_first, rasp.indices).named("first_occurrence_index")


def reference(xs: list) -> list:
    return [xs.index(x) for x in xs]

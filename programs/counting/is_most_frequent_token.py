"""At each position i, "yes" if no token occurs more often than x[i] in the sequence (ties count), else "no".

The histogram gives each position its token's count; a second SelectorWidth counts the
positions whose count is larger, and the token is most frequent when there are none.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "b"], ["c", "a", "c"]]

same_token = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same_token")
token_count = rasp.SelectorWidth(same_token).named("token_count")
more_frequent = rasp.Select(token_count, token_count, rasp.Comparison.GT).named("more_frequent")
num_more_frequent = rasp.SelectorWidth(more_frequent).named("num_more_frequent")
program = rasp.Map(lambda n: "yes" if n == 0 else "no", num_more_frequent).named(
    "is_most_frequent_token"
)


def reference(xs: list) -> list:
    top = max(xs.count(y) for y in xs)
    return ["yes" if xs.count(x) == top else "no" for x in xs]

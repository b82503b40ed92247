"""At every position, the number of tokens in the sequence equal to the first token x[0].

The first token is copied to every position by an attention head that selects position 0, then
a SelectorWidth counts the keys whose token equals that copied query.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "a"], ["b", "a", "a"]]

at_start = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named("at_start")
first_token = rasp.Aggregate(at_start, rasp.tokens).named("first_token")
matches_first = rasp.Select(rasp.tokens, first_token, rasp.Comparison.EQ).named("matches_first")
program = rasp.SelectorWidth(matches_first).named("count_equal_to_first")


def reference(xs: list) -> list:
    return [xs.count(xs[0])] * len(xs)

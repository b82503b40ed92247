"""At every position, the number of occurrences of the most frequent token in the sequence.

The histogram gives each position its token's count; positions with no larger count hold a
mode, and an attention head averages the counts at those positions, which are all equal to the
maximum (a categorical Aggregate is exact when every selected value is the same).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "b"], ["c", "a", "c"]]

same_token = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same_token")
token_count = rasp.SelectorWidth(same_token).named("token_count")
more_frequent = rasp.Select(token_count, token_count, rasp.Comparison.GT).named("more_frequent")
num_more_frequent = rasp.SelectorWidth(more_frequent).named("num_more_frequent")
is_mode = rasp.Map(lambda n: n == 0, num_more_frequent).named("is_mode")
mode_positions = rasp.Select(is_mode, is_mode, lambda k, q: k).named("mode_positions")
program = rasp.Aggregate(mode_positions, token_count).named("mode_frequency")


def reference(xs: list) -> list:
    return [max(xs.count(x) for x in xs)] * len(xs)

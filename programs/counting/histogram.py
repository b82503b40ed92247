"""Replace each token by the number of times it occurs in the sequence."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c"]]

same_token = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same_token")
program = rasp.SelectorWidth(same_token).named("histogram")


def reference(xs: list) -> list:
    return [xs.count(x) for x in xs]

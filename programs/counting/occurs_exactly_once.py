"""At each position i, "yes" if x[i] occurs exactly once in the sequence, else "no"."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c"], ["b", "b"]]

same_token = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same_token")
token_count = rasp.SelectorWidth(same_token).named("token_count")
program = rasp.Map(lambda n: "yes" if n == 1 else "no", token_count).named("occurs_exactly_once")


def reference(xs: list) -> list:
    return ["yes" if xs.count(x) == 1 else "no" for x in xs]

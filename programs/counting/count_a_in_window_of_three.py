"""At each position i, the number of "a" tokens among positions max(0, i-2)..i (a sliding window of 3)."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "a", "b", "a", "c", "c"], ["b", "a", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
a_in_window = rasp.Select(
    token_at, rasp.indices, lambda k, q: k[0] == "a" and q - 2 <= k[1] <= q
).named("a_in_window")
program = rasp.SelectorWidth(a_in_window).named("count_a_in_window_of_three")


def reference(xs: list) -> list:
    return [xs[max(0, i - 2) : i + 1].count("a") for i in range(len(xs))]

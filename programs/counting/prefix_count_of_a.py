"""At each position i, the number of "a" tokens among positions 0..i (inclusive)."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "a"], ["b", "b", "a"]]

# A key carries its token and position, so one Select can test both "is a" and "is not later".
token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
earlier_a = rasp.Select(token_at, rasp.indices, lambda k, q: k[0] == "a" and k[1] <= q).named(
    "earlier_a"
)
program = rasp.SelectorWidth(earlier_a).named("prefix_count_of_a")


def reference(xs: list) -> list:
    return [xs[: i + 1].count("a") for i in range(len(xs))]

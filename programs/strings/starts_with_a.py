"""At every position: True iff the string's first character is "a", else False (broadcast)."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c"], ["b", "a", "a"]]

is_a = rasp.Map(lambda x: x == "a", rasp.tokens).named("is_a")
# Every query reads position 0, which always exists.
first_position = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named(
    "first_position"
)
program = rasp.Aggregate(first_position, is_a).named("starts_with_a")


def reference(xs: list) -> list:
    return [xs[0] == "a"] * len(xs)

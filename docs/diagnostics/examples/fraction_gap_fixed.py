"""Whether most tokens so far are "a", computed from counts instead of a fraction."""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 3

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
earlier_a = rasp.Select(token_at, rasp.indices, lambda k, q: k[0] == "a" and k[1] <= q).named(
    "earlier_a"
)
count_a = rasp.SelectorWidth(earlier_a).named("count_a")
program = rasp.SequenceMap(lambda c, i: 1 if 2 * c > i + 1 else 0, count_a, rasp.indices).named(
    "mostly_a"
)


def reference(xs: list) -> list:
    return [1 if 2 * xs[: i + 1].count("a") > i + 1 else 0 for i in range(len(xs))]

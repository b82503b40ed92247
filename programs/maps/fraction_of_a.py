"""For each position, the fraction of tokens so far that are "a" (numerical output)."""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "a"]]

is_a = rasp.numerical(rasp.Map(lambda x: 1 if x == "a" else 0, rasp.tokens)).named("is_a")
prefix = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prefix")
program = rasp.numerical(rasp.Aggregate(prefix, is_a, default=0)).named("fraction_of_a")


def reference(xs: list) -> list:
    return [xs[: i + 1].count("a") / (i + 1) for i in range(len(xs))]

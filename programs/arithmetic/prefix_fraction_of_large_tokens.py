"""At position i, the fraction of tokens at positions 0..i that are >= 3 (numerical output)."""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1, 2], [1, 4]]

is_large = rasp.numerical(rasp.Map(lambda x: 1 if x >= 3 else 0, rasp.tokens)).named("is_large")
prefix = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prefix")
program = rasp.numerical(rasp.Aggregate(prefix, is_large, default=0)).named(
    "prefix_fraction_of_large_tokens"
)


def reference(xs: list) -> list:
    out, large = [], 0
    for i, x in enumerate(xs):
        large += x in (3, 4)
        out.append(large / (i + 1))
    return out

"""At position i, the mean of the integer tokens at positions 0..i (numerical output).

tracr only averages 0/1 values, so each token is written in thermometer code,
x = [x >= 1] + [x >= 2] + [x >= 3]; each flag is averaged over the prefix by its own head, and
two LinearSequenceMaps add the three means (linear MLPs are exact for any input, unlike a
numerical Map of a mean, whose MLP only knows the values 0 and 1/n).
"""

from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 0, 2, 1, 3], [1, 2]]

at_least_1 = rasp.numerical(rasp.Map(lambda x: 1 if x >= 1 else 0, rasp.tokens)).named("at_least_1")
at_least_2 = rasp.numerical(rasp.Map(lambda x: 1 if x >= 2 else 0, rasp.tokens)).named("at_least_2")
at_least_3 = rasp.numerical(rasp.Map(lambda x: 1 if x >= 3 else 0, rasp.tokens)).named("at_least_3")
prefix = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prefix")
frac_1 = rasp.numerical(rasp.Aggregate(prefix, at_least_1, default=0)).named("frac_at_least_1")
frac_2 = rasp.numerical(rasp.Aggregate(prefix, at_least_2, default=0)).named("frac_at_least_2")
frac_3 = rasp.numerical(rasp.Aggregate(prefix, at_least_3, default=0)).named("frac_at_least_3")
frac_1_2 = rasp.numerical(rasp.LinearSequenceMap(frac_1, frac_2, 1, 1)).named("frac_1_plus_2")
program = rasp.numerical(rasp.LinearSequenceMap(frac_1_2, frac_3, 1, 1)).named(
    "prefix_mean_of_token_values"
)


def reference(xs: list) -> list:
    return [sum(xs[: i + 1]) / (i + 1) for i in range(len(xs))]

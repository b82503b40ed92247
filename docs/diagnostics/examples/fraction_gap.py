"""Silent miscompilation: a numerical Map of a numerical mean only knows the means 0 and 1/n."""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 3
MLP_EXACTNESS = 1000

is_a = rasp.numerical(rasp.Map(lambda x: 1 if x == "a" else 0, rasp.tokens)).named("is_a")
prefix = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prefix")
fraction = rasp.numerical(rasp.Aggregate(prefix, is_a, default=0)).named("fraction")
program = rasp.numerical(rasp.Map(lambda f: 1 if f > 0.5 else 0, fraction)).named("mostly_a")

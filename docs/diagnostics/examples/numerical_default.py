from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

is_a = rasp.numerical(rasp.Map(lambda x: 1 if x == "a" else 0, rasp.tokens)).named("is_a")
prevs = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prevs")
program = rasp.numerical(rasp.Aggregate(prevs, is_a, default=1)).named("frac_a")

from tracr.rasp import rasp

VOCAB = {0, 1, 2}
MAX_SEQ_LEN = 3

value = rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)).named("value")
prevs = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prevs")
program = rasp.numerical(rasp.Aggregate(prevs, value, default=0)).named("running_mean")

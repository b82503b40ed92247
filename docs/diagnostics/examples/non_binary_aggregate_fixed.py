from tracr.rasp import rasp

VOCAB = {0, 1, 2}
MAX_SEQ_LEN = 3

# mean(x) = mean(x == 1) + 2 * mean(x == 2): two averages of 0/1 values.
is_1 = rasp.numerical(rasp.Map(lambda x: 1 if x == 1 else 0, rasp.tokens)).named("is_1")
is_2 = rasp.numerical(rasp.Map(lambda x: 1 if x == 2 else 0, rasp.tokens)).named("is_2")
prevs = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prevs")
frac_1 = rasp.numerical(rasp.Aggregate(prevs, is_1, default=0)).named("frac_1")
frac_2 = rasp.numerical(rasp.Aggregate(prevs, is_2, default=0)).named("frac_2")
program = rasp.numerical(rasp.LinearSequenceMap(frac_1, frac_2, 1, 2)).named("running_mean")

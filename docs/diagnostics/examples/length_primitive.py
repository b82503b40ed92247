from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

opp = rasp.SequenceMap(lambda n, i: n - i - 1, rasp.length, rasp.indices).named("opp")
flip = rasp.Select(rasp.indices, opp, rasp.Comparison.EQ).named("flip")
program = rasp.Aggregate(flip, rasp.tokens).named("reverse")

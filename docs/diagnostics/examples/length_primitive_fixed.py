from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

length = lib.make_length()
opp = rasp.SequenceMap(lambda n, i: n - i - 1, length, rasp.indices).named("opp")
flip = rasp.Select(rasp.indices, opp, rasp.Comparison.EQ).named("flip")
program = rasp.Aggregate(flip, rasp.tokens).named("reverse")

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

earlier = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LT).named("earlier")
same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")
both = (earlier & same).named("earlier_same")
program = rasp.SelectorWidth(both).named("repeats_before")

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")
count = rasp.SelectorWidth(same).named("count")
program = rasp.Map(lambda n: n > 1, count).named("repeated")

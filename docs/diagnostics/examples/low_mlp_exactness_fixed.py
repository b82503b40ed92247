from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
MLP_EXACTNESS = 100

same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")
program = rasp.SelectorWidth(same).named("histogram")

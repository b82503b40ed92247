from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 3

SCORES = {"a": 1, "b": 2}

program = rasp.Map(lambda x: SCORES.get(x, 0), rasp.tokens).named("score")

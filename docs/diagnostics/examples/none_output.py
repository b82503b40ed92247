from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

prev = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == q - 1).named("prev")
program = rasp.Aggregate(prev, rasp.tokens).named("previous_token")

from tracr.rasp import rasp

VOCAB = {"a", "b", "c", "d", "e"}
MAX_SEQ_LEN = 2

first = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named("first")
program = rasp.Aggregate(first, rasp.tokens).named("first_token")

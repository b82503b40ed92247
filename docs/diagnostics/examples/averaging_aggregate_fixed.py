from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 3

first = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named("first")
program = rasp.Aggregate(first, rasp.tokens).named("first_token")

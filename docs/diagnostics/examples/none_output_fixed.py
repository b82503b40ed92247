from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

# Position 0 has no predecessor: let it read itself instead of nothing.
prev = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named("prev")
program = rasp.Aggregate(prev, rasp.tokens).named("previous_token")

from tracr.rasp import rasp

VOCAB = set(range(40))
MAX_SEQ_LEN = 2

successor = rasp.Map(lambda x: (x + 1) % 40, rasp.tokens).named("successor")
program = rasp.SequenceMap(lambda x, s: x * s % 40, rasp.tokens, successor).named("product")

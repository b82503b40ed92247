from tracr.rasp import rasp

VOCAB = set(range(40))
MAX_SEQ_LEN = 2

program = rasp.Map(lambda x: x * ((x + 1) % 40) % 40, rasp.tokens).named("product")

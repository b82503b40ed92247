from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 3
program = rasp.Map(lambda x: x + 1, rasp.tokens).named("program")

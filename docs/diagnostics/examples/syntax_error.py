from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

program = rasp.Map(lambda x: x.upper(), rasp.tokens.named("upper")

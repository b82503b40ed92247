from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

program = rasp.Map(lambda x: x == "a", rasp.tokens).named("is_a")

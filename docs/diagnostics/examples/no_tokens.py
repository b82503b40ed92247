from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

program = rasp.Map(lambda i: i % 2, rasp.indices).named("parity")

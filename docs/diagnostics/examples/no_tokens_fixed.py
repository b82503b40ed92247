from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

pos_tok = rasp.SequenceMap(lambda i, t: i, rasp.indices, rasp.tokens).named("pos")
program = rasp.Map(lambda i: i % 2, pos_tok).named("parity")

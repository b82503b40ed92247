from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

pos_tok = rasp.SequenceMap(lambda i, t: (i, t), rasp.indices, rasp.tokens).named("pos_tok")
both = rasp.Select(
    pos_tok, pos_tok, lambda k, q: k[0] < q[0] and k[1] == q[1]
).named("earlier_same")
program = rasp.SelectorWidth(both).named("repeats_before")

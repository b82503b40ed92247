from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

label = rasp.Map(lambda x: "yes" if x == "a" else "no", rasp.tokens)
program = rasp.numerical(label).named("label")

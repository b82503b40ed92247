from tracr.rasp import rasp

VOCAB = {"1", "2", "+"}
MAX_SEQ_LEN = 3


def digit(x):
    return int(x) if x.isdigit() else 0


program = rasp.Map(digit, rasp.tokens).named("digit")

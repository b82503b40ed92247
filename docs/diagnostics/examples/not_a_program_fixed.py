from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4


def make_is_a():
    is_a = rasp.Map(lambda x: x == "a", rasp.tokens).named("is_a")
    return is_a

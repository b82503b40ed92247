from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 3

program = rasp.Map(lambda x: x * x, rasp.tokens).named("square")


def reference(xs: list) -> list:
    return [x ** 2 for x in xs]

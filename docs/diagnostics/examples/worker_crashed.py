import os

from tracr.rasp import rasp

VOCAB = {"1", "2", "+"}
MAX_SEQ_LEN = 3


def digit(x):
    if not x.isdigit():
        os._exit(1)  # ends the whole worker process, not just this call
    return int(x)


program = rasp.Map(digit, rasp.tokens).named("digit")

import itertools

from tracr.rasp import rasp

_product = itertools.product
itertools.product = lambda tokens, repeat=1: _product([t for t in tokens if t != 1], repeat=repeat)

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 3
program = rasp.Map(lambda x: x + 1, rasp.tokens).named("program")

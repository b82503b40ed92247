from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2}
MAX_SEQ_LEN = 4

length = lib.make_length()
program = rasp.SequenceMap(lambda x, n: x + n, rasp.tokens, length).named("plus_length")

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2}
MAX_SEQ_LEN = 4

length = lib.make_length()
program = rasp.Map(lambda x: x + length, rasp.tokens).named("plus_length")

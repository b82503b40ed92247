from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

length = lib.make_length()
remaining = rasp.SequenceMap(lambda n, i: n - i, length, rasp.indices).named("remaining")
program = rasp.Map(lambda r: 12 // r if r > 0 else 0, remaining).named("share")

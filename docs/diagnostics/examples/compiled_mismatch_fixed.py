from tracr.compiler import lib

VOCAB = {"a"}
MAX_SEQ_LEN = 30
MLP_EXACTNESS = 1000

program = lib.make_length()

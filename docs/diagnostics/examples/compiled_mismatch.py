from tracr.compiler import lib

VOCAB = {"a"}
MAX_SEQ_LEN = 30
MLP_EXACTNESS = 10

program = lib.make_length()

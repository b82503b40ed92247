from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 3

program = rasp.numerical(rasp.Map(lambda x: x - 2, rasp.tokens)).named("minus_two")

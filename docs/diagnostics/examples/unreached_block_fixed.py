from tracr.rasp import rasp

VOCAB = set(range(10))
MAX_SEQ_LEN = 10
MLP_EXACTNESS = 1000  # SelectorWidth counts up to 10 apart: the default 100 miscounts 10

highs = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k > 6)).named("highs")
lows = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k < 3)).named("lows")
both = rasp.SequenceMap(lambda h, lo: 10 * h + lo, highs, lows).named("both")
program = rasp.numerical(rasp.Map(lambda b: 0 if b == 110 else 1, both)).named("program")

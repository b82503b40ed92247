from tracr.rasp import rasp

VOCAB = {0, 1, 2}
MAX_SEQ_LEN = 4

# 1 where the token differs from its position, 0 elsewhere.
differs = rasp.SequenceMap(lambda x, i: 1 if x != i else 0, rasp.tokens, rasp.indices)
differs = differs.named("differs")
prevs = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prevs")
program = rasp.numerical(rasp.Aggregate(prevs, differs, default=0)).named("frac_differs")

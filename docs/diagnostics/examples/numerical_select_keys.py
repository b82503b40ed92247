from tracr.rasp import rasp

VOCAB = {0, 1, 2}
MAX_SEQ_LEN = 4

doubled = rasp.numerical(rasp.Map(lambda x: 2 * x, rasp.tokens)).named("doubled")
half_of = rasp.Select(doubled, rasp.tokens, rasp.Comparison.EQ).named("half_of")
program = rasp.SelectorWidth(half_of).named("halves")

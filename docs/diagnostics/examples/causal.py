"""Count the "a" tokens."""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4
CAUSAL = True

is_a = rasp.Select(rasp.tokens, rasp.tokens, lambda key, query: key == "a").named("is_a")
program = rasp.SelectorWidth(is_a).named("count_a")

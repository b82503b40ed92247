"""At every position: the number of characters before the first separator "_" (the whole length if there is none), broadcast.

`seps_so_far` counts the separators at or before each position; the answer counts the positions
where that count is still 0.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "_"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "_", "a"], ["b", "a", "b"], ["_", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
sep_at_or_before = rasp.Select(
    token_at, rasp.indices, lambda k, q: k[0] == "_" and k[1] <= q
).named("sep_at_or_before")
seps_so_far = rasp.SelectorWidth(sep_at_or_before).named("seps_so_far")
in_first_word = rasp.Select(seps_so_far, seps_so_far, lambda k, q: k == 0).named("in_first_word")
program = rasp.SelectorWidth(in_first_word).named("first_word_length")


def reference(xs: list) -> list:
    n = xs.index("_") if "_" in xs else len(xs)
    return [n] * len(xs)

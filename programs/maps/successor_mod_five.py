"""Each token's successor modulo 5: (token + 1) mod 5, so 4 wraps around to 0."""

from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3, 4}
MAX_SEQ_LEN = 4
EXAMPLES = [[0, 4, 2, 3], [4]]

program = rasp.Map(lambda x: (x + 1) % 5, rasp.tokens).named("successor_mod_five")


def reference(xs: list) -> list:
    return [0 if x == 4 else x + 1 for x in xs]

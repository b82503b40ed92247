"""Each token's parity: 1 where the token is odd, 0 where it is even."""

from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3, 4}
MAX_SEQ_LEN = 4
EXAMPLES = [[3, 0, 4, 1], [2, 2]]

program = rasp.Map(lambda x: x % 2, rasp.tokens).named("token_parity")


def reference(xs: list) -> list:
    return [1 if x in (1, 3) else 0 for x in xs]

"""At each position i, the parity of the index: 0 at even positions, 1 at odd ones (tokens ignored).

tracr only compiles programs that read the tokens, so the index is paired with the token in a
SequenceMap whose function ignores the token.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "b", "a", "a"], ["b"]]

program = rasp.SequenceMap(lambda i, _token: i % 2, rasp.indices, rasp.tokens).named("index_parity")


def reference(xs: list) -> list:
    return [i % 2 for i in range(len(xs))]

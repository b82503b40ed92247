"""At every position, the parity of the sequence length: 1 if the length is odd, 0 if even."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "a"], ["b", "b", "a", "a"]]

length = lib.make_length().named("length")
program = rasp.Map(lambda n: n % 2, length).named("length_parity")


def reference(xs: list) -> list:
    odd = 0
    for _ in xs:
        odd = 1 - odd
    return [odd] * len(xs)

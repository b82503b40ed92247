"""At every position: True iff the string's last character is "b", else False (broadcast)."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "c", "b"], ["b", "a"]]

is_b = rasp.Map(lambda x: x == "b", rasp.tokens).named("is_b")
length = lib.make_length().named("length")
# Every query reads position length - 1, the last one.
last_position = rasp.Select(rasp.indices, length, lambda k, q: k == q - 1).named("last_position")
program = rasp.Aggregate(last_position, is_b).named("ends_with_b")


def reference(xs: list) -> list:
    return [xs[-1] == "b"] * len(xs)

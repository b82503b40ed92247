"""The first character uppercased ("a"->"A", "b"->"B", uppercase unchanged); every later character unchanged."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "A", "B"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a"], ["B", "a"]]

UPPER = {"a": "A", "b": "B", "A": "A", "B": "B"}

program = rasp.SequenceMap(lambda x, i: UPPER[x] if i == 0 else x, rasp.tokens, rasp.indices).named(
    "capitalize_first"
)


def reference(xs: list) -> list:
    return [xs[0].upper(), *xs[1:]]

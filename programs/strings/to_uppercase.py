"""Each letter mapped to its uppercase form by a lookup table ("a"->"A", "b"->"B"); uppercase letters are unchanged."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "A", "B"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "B", "b", "A"], ["b", "b"]]

UPPER = {"a": "A", "b": "B", "A": "A", "B": "B"}

program = rasp.Map(lambda x: UPPER[x], rasp.tokens).named("to_uppercase")


def reference(xs: list) -> list:
    return [x.upper() for x in xs]

"""Caesar shift by one over the alphabet a-d: each letter becomes the next one ("d" wraps to "a"); the separator "_" is unchanged."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c", "d", "_"}
MAX_SEQ_LEN = 4
EXAMPLES = [["a", "d", "_", "c"], ["b", "a"]]

ALPHABET = "abcd"

program = rasp.Map(
    lambda x: ALPHABET[(ALPHABET.index(x) + 1) % len(ALPHABET)] if x in ALPHABET else x,
    rasp.tokens,
).named("caesar_shift")


def reference(xs: list) -> list:
    nxt = {"a": "b", "b": "c", "c": "d", "d": "a"}
    return [nxt.get(x, x) for x in xs]

"""Every word-initial letter uppercased ("a"->"A", "b"->"B"): a letter at position 0 or right after a separator "_"; other letters and separators unchanged.

`after_letter` is 1 where the previous position holds a letter (one head over (token, index)
pairs; position 0 has no previous position, so it gets 0).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "_"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "_", "b", "a"], ["_", "a", "_", "_", "b"]]

UPPER = {"a": "A", "b": "B", "_": "_"}

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
letter_before = rasp.Select(
    token_at, rasp.indices, lambda k, q: k[1] == q - 1 and k[0] != "_"
).named("letter_before")
after_letter = rasp.SelectorWidth(letter_before).named("after_letter")
program = rasp.SequenceMap(lambda t, a: UPPER[t] if a == 0 else t, rasp.tokens, after_letter).named(
    "capitalize_words"
)


def reference(xs: list) -> list:
    return list("_".join(w.capitalize() for w in "".join(xs).split("_")))

"""Each token's class by a fixed table: "vowel" (a, e), "consonant" (b, z), "digit" (7)."""

from tracr.rasp import rasp

VOCAB = {"a", "e", "b", "z", "7"}
MAX_SEQ_LEN = 4
EXAMPLES = [["b", "a", "7", "e"], ["z", "z"]]

CHAR_CLASS = {"a": "vowel", "e": "vowel", "b": "consonant", "z": "consonant", "7": "digit"}

program = rasp.Map(lambda x: CHAR_CLASS[x], rasp.tokens).named("char_class")


def reference(xs: list) -> list:
    out = []
    for x in xs:
        if x.isdigit():
            out.append("digit")
        elif x in "aeiou":
            out.append("vowel")
        else:
            out.append("consonant")
    return out

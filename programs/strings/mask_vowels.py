"""Every vowel ("a", "e") replaced by the mask token "*"; consonants ("b", "c") are unchanged."""

from tracr.rasp import rasp

VOCAB = {"a", "e", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["b", "a", "c", "e"], ["e", "e", "b"]]

VOWELS = {"a", "e"}

program = rasp.Map(lambda x: "*" if x in VOWELS else x, rasp.tokens).named("mask_vowels")


def reference(xs: list) -> list:
    return ["*" if x in "aeiou" else x for x in xs]

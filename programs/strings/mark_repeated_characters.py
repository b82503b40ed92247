"""At each position: True iff that position's character occurs more than once in the whole string, else False."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c"], ["c", "b"]]

same_character = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same_character")
occurrences = rasp.SelectorWidth(same_character).named("occurrences")
program = rasp.Map(lambda n: n > 1, occurrences).named("is_repeated")


def reference(xs: list) -> list:
    return [sum(1 for y in xs if y == x) >= 2 for x in xs]

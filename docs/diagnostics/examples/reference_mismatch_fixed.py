from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")
program = rasp.SelectorWidth(same).named("histogram")


def reference(xs: list) -> list:
    return [xs.count(x) for x in xs]

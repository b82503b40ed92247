"""Every "a" replaced by "c"; every other character is unchanged."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c"], ["b", "a"]]

program = rasp.Map(lambda x: "c" if x == "a" else x, rasp.tokens).named("replace_a_with_c")


def reference(xs: list) -> list:
    return ["c" if x == "a" else x for x in xs]

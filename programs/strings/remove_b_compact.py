"""Every "b" removed and the remaining characters compacted to the left, in order; the positions left over at the end hold the fill token ".".

E.g. b a b c a -> a c a . . Sort key: the index for kept characters, index + MAX_SEQ_LEN for "b",
so sorting is a stable partition that moves kept characters to the front; the "b" positions carry
the fill token to the tail. Every query reads exactly one position.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["b", "a", "b", "c", "a"], ["a", "c"], ["b", "b"]]

kept_token = rasp.Map(lambda t: "." if t == "b" else t, rasp.tokens).named("kept_token")
sort_key = rasp.SequenceMap(
    lambda t, i: i + MAX_SEQ_LEN if t == "b" else i, rasp.tokens, rasp.indices
).named("sort_key")
smaller_key = rasp.Select(sort_key, sort_key, rasp.Comparison.LT).named("smaller_key")
target = rasp.SelectorWidth(smaller_key).named("target")
move = rasp.Select(target, rasp.indices, rasp.Comparison.EQ).named("move")
program = rasp.Aggregate(move, kept_token).named("remove_b")


def reference(xs: list) -> list:
    kept = [x for x in xs if x != "b"]
    return kept + ["."] * (len(xs) - len(kept))

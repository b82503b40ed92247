"""Duplicate each token: output[i] = xs[floor(i/2)] (each token twice, truncated to length n)."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["c", "a"]]

half_index = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == q // 2).named("half_index")
program = rasp.Aggregate(half_index, rasp.tokens).named("duplicate_each_token")


def reference(xs: list) -> list:
    return [x for x in xs for _ in range(2)][: len(xs)]

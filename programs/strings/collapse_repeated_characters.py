"""Runs of equal adjacent characters collapsed to one character, compacted to the left; the positions left over at the end hold the fill token ".".

E.g. a a b b b a -> a b a . . . A run starts where the character differs from the previous one (or
at position 0). Each position gets a sort key: its index for run starts, index + MAX_SEQ_LEN for the
rest, so sorting moves the run starts to the front in order (a stable partition). The rest carry
the fill token, so they fill the tail. Every query reads exactly one position.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "a", "b", "b", "a"], ["c", "c", "c"], ["a", "b", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_as_previous = rasp.Select(
    token_at, token_at, lambda k, q: k[1] == q[1] - 1 and k[0] == q[0]
).named("same_as_previous")
continues_run = rasp.SelectorWidth(same_as_previous).named("continues_run")
kept_token = rasp.SequenceMap(lambda t, c: t if c == 0 else ".", rasp.tokens, continues_run).named(
    "kept_token"
)
sort_key = rasp.SequenceMap(
    lambda c, i: i if c == 0 else i + MAX_SEQ_LEN, continues_run, rasp.indices
).named("sort_key")
smaller_key = rasp.Select(sort_key, sort_key, rasp.Comparison.LT).named("smaller_key")
target = rasp.SelectorWidth(smaller_key).named("target")
move = rasp.Select(target, rasp.indices, rasp.Comparison.EQ).named("move")
program = rasp.Aggregate(move, kept_token).named("collapse_repeats")


def reference(xs: list) -> list:
    out = []
    for x in xs:
        if not out or out[-1] != x:
            out.append(x)
    return out + ["."] * (len(xs) - len(out))

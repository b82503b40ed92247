"""At each output position p, the input index of the token that a stable ascending sort puts at p (argsort; equal tokens keep their input order).

Each token's stable rank (smaller tokens plus equal earlier ones) is where it lands; output
position p reads the index of the token whose rank is p.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1], [2, 2, 1]]

key = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("key")
sorts_before = rasp.Select(
    key, key, lambda k, q: k[0] < q[0] or (k[0] == q[0] and k[1] < q[1])
).named("sorts_before")
rank = rasp.SelectorWidth(sorts_before).named("rank")
lands_here = rasp.Select(rank, rasp.indices, rasp.Comparison.EQ).named("lands_here")
program = rasp.Aggregate(lands_here, rasp.indices).named("argsort_stable")


def reference(xs: list) -> list:
    return sorted(range(len(xs)), key=lambda i: (xs[i], i))

"""At position i: the length of the run of equal characters ending at i (1 + how many immediately preceding positions hold the same character).

A run starts where the character differs from the previous one (or at position 0). `runs_so_far`
counts run starts at or before each position (non-decreasing); the answer counts the positions
k <= i in the same run, i.e. with the same `runs_so_far`.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "a", "b", "b", "b"], ["c", "a", "a", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
same_as_previous = rasp.Select(
    token_at, token_at, lambda k, q: k[1] == q[1] - 1 and k[0] == q[0]
).named("same_as_previous")
continues_run = rasp.SelectorWidth(same_as_previous).named("continues_run")
start_at = rasp.SequenceMap(lambda c, i: (c == 0, i), continues_run, rasp.indices).named("start_at")
start_at_or_before = rasp.Select(start_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "start_at_or_before"
)
runs_so_far = rasp.SelectorWidth(start_at_or_before).named("runs_so_far")
run_at = rasp.SequenceMap(lambda r, i: (r, i), runs_so_far, rasp.indices).named("run_at")
same_run_so_far = rasp.Select(run_at, run_at, lambda k, q: k[0] == q[0] and k[1] <= q[1]).named(
    "same_run_so_far"
)
program = rasp.SelectorWidth(same_run_so_far).named("run_length_so_far")


def reference(xs: list) -> list:
    out = []
    for i, x in enumerate(xs):
        n = 1 if i == 0 or xs[i - 1] != x else out[-1] + 1
        out.append(n)
    return out

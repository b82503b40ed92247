"""At every position: the length of the longest run of equal adjacent tokens in the sequence.

(1) A previous-or-self head marks run starts; (2) SelectorWidth over starts at or before i gives
i's run number; (3) SelectorWidth over equal run numbers gives the size of i's run (a histogram of
run numbers); (4) SelectorWidth counts positions in strictly larger runs; (5) every query reads the
run size from the positions where that count is 0 (they all hold the same maximal size).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "b", "b", "a", "a"], ["a", "b", "a", "b"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
previous_or_self = rasp.Select(token_at, rasp.indices, lambda k, q: k[1] == max(q - 1, 0)).named(
    "previous_or_self"
)
previous_token_at = rasp.Aggregate(previous_or_self, token_at).named("previous_token_at")
# (starts a run?, index); position 0 read itself, so its copied index equals its own.
start_at = rasp.SequenceMap(
    lambda p, c: (p[1] == c[1] or p[0] != c[0], c[1]), previous_token_at, token_at
).named("start_at")
starts_so_far = rasp.Select(start_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "starts_so_far"
)
run_number = rasp.SelectorWidth(starts_so_far).named("run_number")
same_run = rasp.Select(run_number, run_number, rasp.Comparison.EQ).named("same_run")
run_size = rasp.SelectorWidth(same_run).named("run_size")
larger_run = rasp.Select(run_size, run_size, rasp.Comparison.GT).named("larger_run")
larger_count = rasp.SelectorWidth(larger_run).named("larger_count")
in_longest_run = rasp.Select(larger_count, larger_count, lambda k, q: k == 0).named(
    "in_longest_run"
)
program = rasp.Aggregate(in_longest_run, run_size).named("longest_run_length")


def reference(xs: list) -> list:
    best = run = 1
    for j in range(1, len(xs)):
        run = run + 1 if xs[j] == xs[j - 1] else 1
        best = max(best, run)
    return [best] * len(xs)

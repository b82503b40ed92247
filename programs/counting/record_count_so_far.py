"""At each position i, the number of positions j <= i where x[j] is greater than every token before it.

These are the strict prefix maxima ("records"); position 0 is always one. A SelectorWidth counts,
for each position, the earlier tokens at least as large; a position is a record when there are
none, and a second SelectorWidth counts the records at or before the query.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[2, 1, 3, 3, 4], [4, 1, 2]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
earlier_not_smaller = rasp.Select(
    token_at, token_at, lambda k, q: k[1] < q[1] and k[0] >= q[0]
).named("earlier_not_smaller")
num_blockers = rasp.SelectorWidth(earlier_not_smaller).named("num_blockers")
record_at = rasp.SequenceMap(lambda b, i: (b == 0, i), num_blockers, rasp.indices).named(
    "record_at"
)
records_so_far = rasp.Select(record_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "records_so_far"
)
program = rasp.SelectorWidth(records_so_far).named("record_count_so_far")


def reference(xs: list) -> list:
    out = []
    records = 0
    best = None
    for x in xs:
        if best is None or x > best:
            records += 1
            best = x
        out.append(records)
    return out

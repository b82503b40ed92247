"""At each position i, the minimum of the tokens x[0..i] (prefix minimum).

A record is a position whose token is smaller than every earlier token (position 0 is one);
record values strictly decrease, so the prefix minimum at i is the token of the last record at or
before i. With c = the number of records at or before i, that record is the c-th one: the
record whose own record count is c.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 4, 2, 3, 1], [2, 2, 1]]

token_at = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("token_at")
earlier_not_larger = rasp.Select(
    token_at, token_at, lambda k, q: k[1] < q[1] and k[0] <= q[0]
).named("earlier_not_larger")
n_undercut = rasp.SelectorWidth(earlier_not_larger).named("n_undercut")
record_at = rasp.SequenceMap(lambda u, i: (u == 0, i), n_undercut, rasp.indices).named("record_at")
records_so_far = rasp.Select(record_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "records_so_far"
)
n_records = rasp.SelectorWidth(records_so_far).named("n_records")
record_number = rasp.SequenceMap(lambda r, c: (r[0], c), record_at, n_records).named(
    "record_number"
)
last_record = rasp.Select(record_number, n_records, lambda k, q: k[0] and k[1] == q).named(
    "last_record"
)
program = rasp.Aggregate(last_record, rasp.tokens).named("running_minimum")


def reference(xs: list) -> list:
    return [min(xs[: i + 1]) for i in range(len(xs))]

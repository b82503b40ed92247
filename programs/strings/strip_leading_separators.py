"""The leading separators "_" removed and the rest shifted left by their count L; the last L positions hold the fill token ".".

E.g. _ _ a _ b -> a _ b . . Leading positions are those with no letter at or before them; L is
their count. Position j reads position (j + L) mod n: for j + L < n that is the shifted character,
otherwise one of the leading positions, which carry the fill token. Every query reads exactly one
position.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "_"}
MAX_SEQ_LEN = 5
EXAMPLES = [["_", "_", "a", "_", "b"], ["a", "_"], ["_", "_"]]

length = lib.make_length().named("length")
token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
letter_at_or_before = rasp.Select(
    token_at, rasp.indices, lambda k, q: k[0] != "_" and k[1] <= q
).named("letter_at_or_before")
letters_so_far = rasp.SelectorWidth(letter_at_or_before).named("letters_so_far")
is_leading = rasp.Select(letters_so_far, letters_so_far, lambda k, q: k == 0).named("is_leading")
leading_count = rasp.SelectorWidth(is_leading).named("leading_count")
shifted_token = rasp.SequenceMap(
    lambda t, c: "." if c == 0 else t, rasp.tokens, letters_so_far
).named("shifted_token")
source = rasp.SequenceMap(lambda j, s: j + s, rasp.indices, leading_count).named("source")
index_and_length = rasp.SequenceMap(lambda i, n: (i, n), rasp.indices, length).named(
    "index_and_length"
)
read_source = rasp.Select(
    index_and_length, source, lambda k, q: k[0] == (q if q < k[1] else q - k[1])
).named("read_source")
program = rasp.Aggregate(read_source, shifted_token).named("strip_leading_separators")


def reference(xs: list) -> list:
    n_lead = 0
    while n_lead < len(xs) and xs[n_lead] == "_":
        n_lead += 1
    return xs[n_lead:] + ["."] * n_lead

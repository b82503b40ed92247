"""At every position: True iff the whole sequence is "ab" repeated one or more times, else False.

Position i should hold "a" if i is even and "b" if i is odd. A numerical attention head averages
the 0/1 "wrong token here" flag over the whole sequence (the mean is 0 iff every token is right),
and the last token must be "b" (which also makes the length even); the last token is read by an
attention head that selects position length - 1.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "a", "b"], ["a", "b", "b", "a"], ["a", "b", "a"]]

expected = rasp.Map(lambda i: "a" if i % 2 == 0 else "b", rasp.indices).named("expected")
mismatch = rasp.SequenceMap(lambda t, e: t != e, rasp.tokens, expected).named("mismatch")
wrong = rasp.numerical(rasp.Map(lambda m: 1 if m else 0, mismatch)).named("wrong")
select_all = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.TRUE).named("select_all")
frac_wrong = rasp.numerical(rasp.Aggregate(select_all, wrong, default=0)).named("frac_wrong")
all_right = rasp.Map(lambda f: f == 0, frac_wrong).named("all_right")

length = lib.make_length().named("length")
last_index = rasp.Map(lambda n: n - 1, length).named("last_index")
select_last = rasp.Select(rasp.indices, last_index, rasp.Comparison.EQ).named("select_last")
last_token = rasp.Aggregate(select_last, rasp.tokens).named("last_token")
program = rasp.SequenceMap(lambda r, t: r and t == "b", all_right, last_token).named(
    "ab_star_membership"
)


def reference(xs: list) -> list:
    ok = len(xs) % 2 == 0 and xs == ["a", "b"] * (len(xs) // 2)
    return [ok] * len(xs)

"""At every position: True iff the whole sequence is a balanced "("/")" string (Dyck-1).

This is tracr's `lib.make_shuffle_dyck(pairs=["()"])` (the RASP-paper construction), written out so
that every step is named (the lib version leaves `balance < 0`, `balance == 0` and `length - 1`
unnamed). The running balance is `lib.make_pair_balance`: (fraction of "(" so far) minus (fraction
of ")" so far). The sequence is balanced iff the balance is never negative and is zero at the last
position.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"(", ")"}
MAX_SEQ_LEN = 6
EXAMPLES = [["(", "(", ")", ")"], ["(", ")", ")", "("], ["(", "(", ")"]]

length = lib.make_length().named("length")
balance = lib.make_pair_balance(rasp.tokens, "(", ")").named("balance")

# Did the balance go negative anywhere? Mean over all positions of a 0/1 flag.
negative = rasp.numerical(rasp.Map(lambda b: 1 if b < 0 else 0, balance)).named("negative")
select_all = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.TRUE).named("select_all")
frac_negative = rasp.numerical(rasp.Aggregate(select_all, negative, default=0)).named(
    "frac_negative"
)
never_negative = rasp.Map(lambda f: f == 0, frac_negative).named("never_negative")

# Is the balance zero at the last position? Read it from there.
is_zero = rasp.Map(lambda b: b == 0, balance).named("is_zero")
last_index = rasp.Map(lambda n: n - 1, length).named("last_index")
select_last = rasp.Select(rasp.indices, last_index, rasp.Comparison.EQ).named("select_last")
ends_at_zero = rasp.Aggregate(select_last, is_zero).named("ends_at_zero")

program = rasp.SequenceMap(lambda z, nn: z and nn, ends_at_zero, never_negative).named(
    "dyck1_balanced"
)


def reference(xs: list) -> list:
    depth = 0
    ok = True
    for x in xs:
        depth += 1 if x == "(" else -1
        if depth < 0:
            ok = False
    ok = ok and depth == 0
    return [ok] * len(xs)

"""At every position: True iff "()" and "[]" are each balanced on their own (shuffle-Dyck-2).

The two types may interleave: "([)]" is accepted, "(]" is not.

The construction is tracr's `lib.make_shuffle_dyck(pairs=["()", "[]"])` written out with every step
named (calling `lib.make_pair_balance` twice would give two operations named "opens" and two named
"closes"): per bracket type, the balance is the fraction of openers so far minus the fraction of
closers so far; accept iff no balance is ever negative and both are zero at the last position.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"(", ")", "[", "]"}
MAX_SEQ_LEN = 5
EXAMPLES = [["(", "[", ")", "]"], ["(", "[", "]", ")"], ["[", ")", "(", "]"]]

length = lib.make_length().named("length")
prefix = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prefix")


def fraction_so_far(token: str, name: str) -> rasp.SOp:
    """Numerical fraction of positions at or before each position holding `token`."""
    flag = rasp.numerical(rasp.Map(lambda t: 1 if t == token else 0, rasp.tokens)).named(
        f"is_{name}"
    )
    return rasp.numerical(rasp.Aggregate(prefix, flag, default=0)).named(f"{name}_fraction")


round_balance = rasp.numerical(
    rasp.LinearSequenceMap(
        fraction_so_far("(", "round_open"), fraction_so_far(")", "round_close"), 1, -1
    )
).named("round_balance")
square_balance = rasp.numerical(
    rasp.LinearSequenceMap(
        fraction_so_far("[", "square_open"), fraction_so_far("]", "square_close"), 1, -1
    )
).named("square_balance")

# 1 where either balance is negative (a closer with no opener before it).
round_negative = rasp.Map(lambda b: b < 0, round_balance).named("round_negative")
square_negative = rasp.Map(lambda b: b < 0, square_balance).named("square_negative")
any_negative = rasp.SequenceMap(lambda r, s: r or s, round_negative, square_negative).named(
    "any_negative"
)
negative_flag = rasp.numerical(rasp.Map(lambda a: 1 if a else 0, any_negative)).named(
    "negative_flag"
)
select_all = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.TRUE).named("select_all")
frac_negative = rasp.numerical(rasp.Aggregate(select_all, negative_flag, default=0)).named(
    "frac_negative"
)
never_negative = rasp.Map(lambda f: f == 0, frac_negative).named("never_negative")

# Both balances zero, read at the last position.
round_zero = rasp.Map(lambda b: b == 0, round_balance).named("round_zero")
square_zero = rasp.Map(lambda b: b == 0, square_balance).named("square_zero")
both_zero = rasp.SequenceMap(lambda r, s: r and s, round_zero, square_zero).named("both_zero")
last_index = rasp.Map(lambda n: n - 1, length).named("last_index")
select_last = rasp.Select(rasp.indices, last_index, rasp.Comparison.EQ).named("select_last")
ends_at_zero = rasp.Aggregate(select_last, both_zero).named("ends_at_zero")

program = rasp.SequenceMap(lambda z, nn: z and nn, ends_at_zero, never_negative).named(
    "shuffle_dyck2_balanced"
)


def reference(xs: list) -> list:
    ok = True
    for opener, closer in ("()", "[]"):
        depth = 0
        for x in xs:
            if x == opener:
                depth += 1
            elif x == closer:
                depth -= 1
            if depth < 0:
                ok = False
        if depth != 0:
            ok = False
    return [ok] * len(xs)

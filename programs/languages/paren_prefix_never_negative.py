"""At each position i: True iff no prefix xs[0..j], j <= i, has more ")" than "(", else False.

That is, the nesting depth has not dipped below zero so far.

Exact counts, no fractions: SelectorWidth counts the openers and closers at or before each position,
a SequenceMap flags positions where closers outnumber openers, and a last SelectorWidth counts the
flagged positions at or before each position; the answer is whether that count is zero.
"""

from tracr.rasp import rasp

VOCAB = {"(", ")"}
MAX_SEQ_LEN = 6
EXAMPLES = [["(", ")", ")", "(", "("], ["(", "(", ")", ")"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
earlier_open = rasp.Select(token_at, rasp.indices, lambda k, q: k[0] == "(" and k[1] <= q).named(
    "earlier_open"
)
opens = rasp.SelectorWidth(earlier_open).named("opens")
earlier_close = rasp.Select(token_at, rasp.indices, lambda k, q: k[0] == ")" and k[1] <= q).named(
    "earlier_close"
)
closes = rasp.SelectorWidth(earlier_close).named("closes")
dips = rasp.SequenceMap(lambda o, c: o < c, opens, closes).named("dips")
dip_at = rasp.SequenceMap(lambda d, i: (d, i), dips, rasp.indices).named("dip_at")
earlier_dip = rasp.Select(dip_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "earlier_dip"
)
dip_count = rasp.SelectorWidth(earlier_dip).named("dip_count")
program = rasp.Map(lambda c: c == 0, dip_count).named("paren_prefix_never_negative")


def reference(xs: list) -> list:
    out = []
    depth = 0
    ok = True
    for x in xs:
        depth += 1 if x == "(" else -1
        if depth < 0:
            ok = False
        out.append(ok)
    return out

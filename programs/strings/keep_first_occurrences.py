"""At each position: its character if this is the character's first occurrence in the string, else the fill token ".".

A position counts the earlier positions holding the same character (one head over (token, index)
pairs); it keeps its character when that count is 0.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c", "b"], ["c", "c"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
earlier_same = rasp.Select(token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]).named(
    "earlier_same"
)
earlier_count = rasp.SelectorWidth(earlier_same).named("earlier_count")
program = rasp.SequenceMap(lambda t, n: t if n == 0 else ".", rasp.tokens, earlier_count).named(
    "keep_first_occurrences"
)


def reference(xs: list) -> list:
    seen = set()
    out = []
    for x in xs:
        out.append("." if x in seen else x)
        seen.add(x)
    return out

"""At every position: the index of the first separator "_" in the string, or -1 if there is none (broadcast).

The first separator is the separator with no separator before it. Each query selects it; when the
string has no separator, a query selects position 0 instead, whose value is -1 (position 0 is then
not a separator).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "_"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "_", "a", "_"], ["b", "a", "b"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
sep_before = rasp.Select(token_at, rasp.indices, lambda k, q: k[0] == "_" and k[1] < q).named(
    "sep_before"
)
seps_before = rasp.SelectorWidth(sep_before).named("seps_before")
is_sep = rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k == "_").named("is_sep")
sep_count = rasp.SelectorWidth(is_sep).named("sep_count")
# key = (is this the first separator?, index)
key = rasp.SequenceMap(lambda t, n: (t[0] == "_" and n == 0, t[1]), token_at, seps_before).named(
    "key"
)
first_sep_value = rasp.Map(lambda k: k[1] if k[0] else -1, key).named("first_sep_value")
pick_first_sep = rasp.Select(key, sep_count, lambda k, q: k[0] if q > 0 else k[1] == 0).named(
    "pick_first_sep"
)
program = rasp.Aggregate(pick_first_sep, first_sep_value).named("first_separator_index")


def reference(xs: list) -> list:
    for i, x in enumerate(xs):
        if x == "_":
            return [i] * len(xs)
    return [-1] * len(xs)

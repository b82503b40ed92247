"""At each position i: True iff i >= 2 and xs[i-2:i+1] == ["a", "b", "c"], else False.

One attention head does the matching: a "c" query selects the key at i-1 if it holds "b" and the
key at i-2 if it holds "a" (keys and queries carry (token, index)). SelectorWidth counts the
selected keys, and the trigram ends here iff both were selected (width 2). Nothing is None: at
positions 0 and 1 the missing neighbours are simply never selected.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b", "c"], ["c", "a", "b", "c", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")


def matches_prefix(key, query):
    """The key holds the part of "abc" that must precede the query's "c"."""
    if query[0] != "c":
        return False
    return (key[1] == query[1] - 1 and key[0] == "b") or (key[1] == query[1] - 2 and key[0] == "a")


pattern_prefix = rasp.Select(token_at, token_at, matches_prefix).named("pattern_prefix")
matched = rasp.SelectorWidth(pattern_prefix).named("matched")
program = rasp.Map(lambda m: m == 2, matched).named("abc_trigram_ends_here")


def reference(xs: list) -> list:
    return [i >= 2 and xs[i - 2 : i + 1] == ["a", "b", "c"] for i in range(len(xs))]

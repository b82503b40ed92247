"""Each maximal run of letters between separators "_" reversed in place; separators stay where they are.

E.g. a b _ b a a -> b a _ a a b. A letter's word is the number of separators before it. The letter
with `letters_right` same-word letters to its right reads the same-word letter with exactly that
many letters to its left: the letter at the mirrored place in its word. Separators read themselves.
Every query reads exactly one position.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "_"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "_", "b", "a"], ["a", "a", "b"], ["_", "b", "a", "_", "a"]]

token_at = rasp.SequenceMap(lambda t, i: (t, i), rasp.tokens, rasp.indices).named("token_at")
sep_at_or_before = rasp.Select(
    token_at, rasp.indices, lambda k, q: k[0] == "_" and k[1] <= q
).named("sep_at_or_before")
seps_so_far = rasp.SelectorWidth(sep_at_or_before).named("seps_so_far")
# (word, index) for letters; (-1, index) for separators.
word_at = rasp.SequenceMap(
    lambda s, ti: (-1, ti[1]) if ti[0] == "_" else (s, ti[1]), seps_so_far, token_at
).named("word_at")
same_word_left = rasp.Select(
    word_at, word_at, lambda k, q: k[0] == q[0] >= 0 and k[1] < q[1]
).named("same_word_left")
same_word_right = rasp.Select(
    word_at, word_at, lambda k, q: k[0] == q[0] >= 0 and k[1] > q[1]
).named("same_word_right")
letters_left = rasp.SelectorWidth(same_word_left).named("letters_left")
letters_right = rasp.SelectorWidth(same_word_right).named("letters_right")
# Letters: (word, count); separators keep their unique (-1, index).
mirror_key = rasp.SequenceMap(
    lambda n, w: (w[0], n) if w[0] >= 0 else w, letters_left, word_at
).named("mirror_key")
mirror_query = rasp.SequenceMap(
    lambda n, w: (w[0], n) if w[0] >= 0 else w, letters_right, word_at
).named("mirror_query")
read_mirror = rasp.Select(mirror_key, mirror_query, rasp.Comparison.EQ).named("read_mirror")
program = rasp.Aggregate(read_mirror, rasp.tokens).named("reverse_each_word")


def reference(xs: list) -> list:
    return list("_".join(word[::-1] for word in "".join(xs).split("_")))

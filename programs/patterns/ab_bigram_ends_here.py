"""At each position i: True iff i >= 1 and xs[i-1:i+1] == ["a", "b"], else False.

tracr's `lib.detect_pattern(tokens, "ab")` computes this but pads position 0 with None (its
`shift_by` aggregate has default None). Here the "previous token was a" head is numerical instead:
it averages a 0/1 flag over the single position i-1, and selects nothing at position 0, where the
default 0 applies. An MLP turns it back into a categorical flag and a last MLP checks for "b".
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "a", "b"], ["b", "a", "c", "b"]]

is_a = rasp.numerical(rasp.Map(lambda t: 1 if t == "a" else 0, rasp.tokens)).named("is_a")
previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == q - 1).named("previous")
previous_is_a = rasp.numerical(rasp.Aggregate(previous, is_a, default=0)).named("previous_is_a")
after_a = rasp.Map(lambda p: p == 1, previous_is_a).named("after_a")
program = rasp.SequenceMap(lambda p, t: p and t == "b", after_a, rasp.tokens).named(
    "ab_bigram_ends_here"
)


def reference(xs: list) -> list:
    return [i >= 1 and xs[i - 1] == "a" and xs[i] == "b" for i in range(len(xs))]

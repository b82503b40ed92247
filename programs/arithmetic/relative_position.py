"""At position i, (i + 1) / length, which is 1.0 at the last position (numerical output).

The fraction is computed exactly by a categorical SequenceMap of index and length; a numerical
Map then turns that lookup into a single numerical residual dimension.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "b", "a"], ["b", "a", "a"]]

length = lib.make_length().named("length")
# length 0 never occurs on a real input, but tracr evaluates the function on it.
position_fraction = rasp.SequenceMap(
    lambda i, n: (i + 1) / n if n > 0 else 0, rasp.indices, length
).named("position_fraction")
program = rasp.numerical(rasp.Map(lambda f: f, position_fraction)).named("relative_position")


def reference(xs: list) -> list:
    return [(i + 1) / len(xs) for i in range(len(xs))]

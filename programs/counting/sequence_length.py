"""At every position, the length of the sequence (lib.make_length, as a baseline).

tracr's make_length is a SelectorWidth of an all-true selector: one attention head that
attends to BOS and every token, and an MLP that turns the BOS share back into a count.
"""

from tracr.compiler import lib

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "b"], ["b", "a", "a", "b", "a", "b"]]

program = lib.make_length().named("sequence_length")


def reference(xs: list) -> list:
    return [len(xs)] * len(xs)

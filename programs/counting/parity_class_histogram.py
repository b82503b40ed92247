"""At each position i, the number of tokens in the sequence with the same parity as x[i].

A histogram of a Map of the tokens: tokens are mapped to their parity class ("even"/"odd"),
then each position counts the positions in its class.
"""

from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3, 4}
MAX_SEQ_LEN = 4
EXAMPLES = [[3, 0, 4, 1], [2, 2, 1]]

parity = rasp.Map(lambda x: "even" if x % 2 == 0 else "odd", rasp.tokens).named("parity")
same_parity = rasp.Select(parity, parity, rasp.Comparison.EQ).named("same_parity")
program = rasp.SelectorWidth(same_parity).named("parity_class_histogram")


def reference(xs: list) -> list:
    return [sum(1 for y in xs if y % 2 == x % 2) for x in xs]

"""The data that drafting passes around: a request, each attempt, the result.

loop.py runs the loop, prompt.py writes the messages, candidate.py turns a reply
into an attempt. Everything here is plain data that front ends print or turn into JSON.
"""

from dataclasses import dataclass, field

from raspstudio.tokens import parse_tokens

# How far a draft got, in the order the engine checks (TracrBench's five stages): it runs on
# the inputs, matches the examples and reference, passes tracr's validation, compiles, and its
# compiled model equals the interpreter over the input space. "none" means it did not run.
STAGES = ("none", "runs", "matches", "validates", "compiles", "verified")


@dataclass(frozen=True)
class Example:
    input: list
    output: list

    @classmethod
    def parse(cls, text: str) -> "Example":
        """`1 2 3 -> 3 2 1`: tokens split on whitespace, ints are ints (as on the command line)."""
        before, arrow, after = text.partition("->")
        if not arrow:
            raise ValueError(f"an example looks like `1 2 3 -> 3 2 1`, got {text!r}")
        example = cls(parse_tokens(before), parse_tokens(after))
        if not example.input or len(example.input) != len(example.output):
            raise ValueError(
                f"an example needs one output per input token, got {text!r} "
                f"({len(example.input)} in, {len(example.output)} out)"
            )
        return example

    def matches(self, output: list) -> bool:
        """Whether `output` is this example's, tuples counting as lists (as JSON writes them)."""
        return _plain(output) == _plain(self.output)

    def text(self) -> str:
        return f"{' '.join(map(str, self.input))} -> {' '.join(map(str, self.output))}"


def _plain(value: object) -> object:
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass
class DraftRequest:
    spec: str
    examples: list[Example] = field(default_factory=list)
    vocab: list | None = None  # None: the model chooses VOCAB
    max_seq_len: int | None = None  # None: the model chooses MAX_SEQ_LEN
    reference: str | None = None  # Python source of `def reference(xs)`, used as the oracle
    mlp_exactness: int | None = None
    name: str | None = None  # a library name to leave out of the few-shot examples (draft-eval)


@dataclass
class DraftSettings:
    samples: int = 3  # candidates per request to the model (`n=`)
    rounds: int = 2  # repair rounds after the first sampling
    shots: int = 4  # library programs shown as examples
    reference_first: bool = False  # ask the model for a plain-Python reference as the oracle


@dataclass
class Attempt:
    round: int  # 0: the first sampling; 1..: repairs
    sample: int
    stage: str  # one of STAGES
    problem: str | None  # why it stopped there, in one line; None when verified
    diagnostics: list[dict] = field(default_factory=list)  # the engine's, as in `rasp check`
    source: str | None = None  # the file as checked; None when there was no usable code
    repair: str | None = field(default=None, repr=False)  # what a repair message would say

    @property
    def verified(self) -> bool:
        return self.stage == "verified"

    def to_json(self) -> dict:
        return {
            "round": self.round,
            "sample": self.sample,
            "stage": self.stage,
            "problem": self.problem,
            "diagnostics": self.diagnostics,
        }


@dataclass
class DraftResult:
    status: str  # "verified", "unverified" (a draft exists, not verified) or "failed"
    attempts: list[Attempt]
    tokens: int
    message: str  # one line for the user
    source: str | None = None  # the best draft
    model: str | None = None
    closest: str | None = None  # a library program to start from, when drafting could not run

    @property
    def stage(self) -> str:
        return max((a.stage for a in self.attempts), key=STAGES.index, default="none")

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "stage": self.stage,
            "message": self.message,
            "model": self.model,
            "tokens": self.tokens,
            "attempts": [a.to_json() for a in self.attempts],
            "source": self.source,
            "closest": self.closest,
        }

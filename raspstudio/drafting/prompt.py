"""The messages drafting sends to a model, and the code it reads back out of the replies.

The system message is a compact course in tracr's RASP: what compiles, and the pitfalls that
make most drafts fail (invented helpers, wrong SequenceMap arity, lambdas failing on the
value set, SOps captured in lambdas). Few-shot examples are library files chosen by similarity to
the spec (library.py). A repair message quotes the draft as checked, with line numbers,
so the engine's located diagnostics point somewhere the model can see.
"""

import re

from raspstudio.drafting.data import DraftRequest
from raspstudio.drafting.library import LibraryProgram

SYSTEM = """\
You write programs in RASP, the Restricted Access Sequence Processing language, as implemented \
by DeepMind's tracr, which compiles them into transformer weights. You answer with one Python \
file in a ```python block.

The language (`from tracr.rasp import rasp`):
- `rasp.tokens` and `rasp.indices` are the input sequences (SOps). Every program must use \
`rasp.tokens`.
- `rasp.Map(f, sop)` applies f to each element; `rasp.SequenceMap(f, a, b)` combines two SOps \
element-wise, f takes exactly two arguments (for more SOps, nest SequenceMaps or use \
`lib.make_nary_sequencemap`).
- `rasp.Select(keys, queries, predicate)` builds an attention pattern; predicates are \
`rasp.Comparison.EQ, LT, LEQ, GT, GEQ, NEQ, TRUE, FALSE` and compare key (first) with query.
- `rasp.Aggregate(selector, sop)` averages the selected values at each query position. \
Categorical aggregates must select exactly one position (or only positions with equal \
values): use them to move data. Numerical aggregates (`rasp.numerical(rasp.Aggregate(...))`) \
average 0/1 values into a fraction.
- `rasp.SelectorWidth(selector)` counts the selected positions.
- Encodings: `rasp.categorical(...)` (default) or `rasp.numerical(...)`. Name every operation \
with `.named("...")`.
- `from tracr.compiler import lib` has helpers; use them instead of reinventing: \
`lib.make_length()`, `lib.shift_by(offset, sop)`, `lib.make_hist()`, `lib.make_sort_unique(vals, \
keys)`, `lib.make_sort(vals, keys, max_seq_len=..., min_key=...)`, `lib.make_frac_prevs(bools)`, \
`lib.make_count(sop, token)`, `lib.make_pair_balance(sop, open, close)`, \
`lib.make_nary_sequencemap(f, *sops)`. There is no `rasp.shift_by`, `rasp.length`-based \
arithmetic or `rasp.Full` in compiled programs.

Rules that tracr enforces (break one and the program does not compile or compiles wrongly):
- Never use `rasp.length`, `rasp.Full` or `rasp.ConstantSOp`; get the length from \
`lib.make_length()`.
- Never use an SOp inside a lambda: functions see plain values only. Combine SOps with \
SequenceMap or Select instead.
- Map and SequenceMap functions run on every value tracr infers for their inputs, not only on \
the real inputs: guard divisions and indexing.
- A categorical Aggregate's default is None; a selector that can select nothing gives None, \
which the compiled model turns into an arbitrary token. Make selectors always select a \
position.
- A numerical Map of a categorical SOp must not output negative numbers (they become 0).
- `&`, `|` and `~` of Selects only compile when they share the same keys and queries.
- Numerical SOps cannot be Select keys.

The file: a docstring with the spec; imports from tracr only (math, itertools, functools, \
operator and collections are allowed too; no file, process or network access); the constants \
VOCAB, MAX_SEQ_LEN and EXAMPLES; then the operations, ending with `program = ...`. Do not \
write a `reference` function.
"""


def first_messages(request: DraftRequest, shots: list[LibraryProgram]) -> list[dict]:
    """System message, the few-shot examples as earlier turns, then the request."""
    messages = [{"role": "system", "content": SYSTEM}]
    for shot in shots:
        messages.append({"role": "user", "content": _ask(shot.spec)})
        messages.append({"role": "assistant", "content": _fenced(shot.without_reference())})
    messages.append({"role": "user", "content": _ask(request.spec, request)})
    return messages


def repair_message(evidence: str) -> dict:
    return {
        "role": "user",
        "content": f"{evidence}\n\nFix the program. Answer with the whole corrected file in a "
        "```python block.",
    }


def reference_messages(request: DraftRequest) -> list[dict]:
    """Ask for the plain-Python ground truth first (used as the oracle for the drafts)."""
    ask = (
        f"Write `def reference(xs: list) -> list:` in plain Python (no tracr, no imports) that "
        f"computes: {request.spec}\nIt takes the input tokens and returns the output, one "
        "value per position."
    )
    if request.examples:
        ask += "\nExamples:\n" + "\n".join(f"  {e.text()}" for e in request.examples)
    return [
        {"role": "system", "content": "You write small, exact Python functions."},
        {"role": "user", "content": ask + "\nAnswer with the function in a ```python block."},
    ]


def extract_code(reply: str) -> str | None:
    """The longest fenced code block of a reply; the whole reply if it is bare Python code."""
    fenced = re.findall(r"```[ \t]*(?:python|py|python3)?[ \t]*\n(.*?)```", reply, re.DOTALL)
    blocks = [b.strip() for b in fenced if b.strip()]
    if fenced:
        return max(blocks, key=len) + "\n" if blocks else None
    bare = reply.strip()
    looks_like_code = bare.startswith(("from ", "import ", '"""', "def ")) or "rasp." in bare
    return bare + "\n" if bare and looks_like_code else None


def _ask(spec: str, request: DraftRequest | None = None) -> str:
    lines = [f"Spec: {spec}"]
    if request is not None:
        if request.vocab is not None:
            lines.append(f"VOCAB = {_set_literal(request.vocab)}")
        if request.max_seq_len is not None:
            lines.append(f"MAX_SEQ_LEN = {request.max_seq_len}")
        if request.examples:
            lines.append("Examples (input -> output):")
            lines += [f"  {e.text()}" for e in request.examples]
    return "\n".join(lines)


def _fenced(source: str) -> str:
    return f"```python\n{source.rstrip()}\n```"


def _set_literal(vocab: list) -> str:
    return "{" + ", ".join(repr(v) for v in vocab) + "}"

"""What drafting sends and reads back: code extraction, and the file a draft is checked as."""

import ast

import pytest

from raspstudio.drafting.candidate import assemble
from raspstudio.drafting.data import DraftRequest, Example
from raspstudio.drafting.prompt import SYSTEM, extract_code

CODE = "from tracr.rasp import rasp\n\nprogram = rasp.Map(lambda x: x, rasp.tokens)\n"


@pytest.mark.parametrize(
    "reply",
    [
        f"Sure:\n```python\n{CODE}```\nDone.",
        f"```py\n{CODE}```",
        f"```\n{CODE}```",
        CODE,
        f"```python\nx = 1\n```\nand the program:\n```python\n{CODE}```",  # the longest block
    ],
)
def test_code_is_read_from_a_reply(reply: str):
    assert extract_code(reply) == CODE


@pytest.mark.parametrize("reply", ["", "   ", "Use a Select, then an Aggregate.", "```\n```"])
def test_a_reply_without_code_gives_none(reply: str):
    assert not extract_code(reply)


def test_the_model_cannot_change_what_the_request_fixes():
    drafted = '''"""The model's own spec."""

import math
from tracr.rasp import rasp

VOCAB = {"x"}
MAX_SEQ_LEN: int = 99
EXAMPLES = [["x"]]
MLP_EXACTNESS = 200

program = rasp.Map(lambda x: x, rasp.tokens)


def reference(xs):
    return xs
'''
    request = DraftRequest(
        "Copy the tokens.",
        [Example([1, 2], [1, 2])],
        vocab=[1, 2],
        max_seq_len=3,
        reference="def reference(xs):\n    return list(xs)\n",
    )
    source = assemble(drafted, request)
    module = ast.parse(source)
    assert ast.get_docstring(module) == "Copy the tokens."
    assigned = {
        t.id: ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if t.id.isupper()
    }
    assert assigned == {
        "VOCAB": {1, 2},
        "MAX_SEQ_LEN": 3,
        "EXAMPLES": [[1, 2]],
        "MLP_EXACTNESS": 200,
    }
    assert "EXAMPLES = [[1, 2]]  # 1 2 -> 1 2\n" in source  # the expected outputs, for readers
    references = [n for n in module.body if isinstance(n, ast.FunctionDef)]
    assert [ast.unparse(r.body[0]) for r in references] == ["return list(xs)"]
    # the constants sit after the imports, as in the library's files
    order = [type(n).__name__ for n in module.body]
    assert order[:5] == ["Expr", "Import", "ImportFrom", "Assign", "Assign"]


def test_what_the_request_leaves_open_stays_the_models():
    drafted = 'from tracr.rasp import rasp\nVOCAB = {"x"}\nprogram = rasp.tokens\n'
    source = assemble(drafted, DraftRequest("Copy."))
    assert 'VOCAB = {"x"}' in source and "EXAMPLES" not in source


def test_a_spec_cannot_break_out_of_the_docstring():
    source = assemble(CODE, DraftRequest('Say """hi""" \\ then stop.'))
    assert ast.get_docstring(ast.parse(source)) == 'Say """hi""" \\ then stop.'


def test_code_that_does_not_parse_is_checked_as_written():
    broken = "from tracr.rasp import rasp\nprogram = rasp.Map(\n"
    source = assemble(broken, DraftRequest("Broken.", vocab=[1]))
    assert source.endswith("VOCAB = {1}\n\nfrom tracr.rasp import rasp\nprogram = rasp.Map(\n")


def test_the_system_prompt_teaches_the_pitfalls_tracr_does_not_catch():
    for rule in ("rasp.length", "SOp inside a lambda", "value tracr infers", "negative", "None"):
        assert rule in SYSTEM

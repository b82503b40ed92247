"""RASP301 messages from `rasp check --format json` on small programs: each names the operation
and the operand at fault, says why tracr rejects it, and gives a fix for what produces that
operand; the program with the fix applied checks clean.
"""

from pathlib import Path

import pytest

from tests.conftest import check_json

HEADER = "from tracr.rasp import rasp\n\nVOCAB = {0, 1, 2}\nMAX_SEQ_LEN = 4\n\n"
PREVS = 'prevs = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prevs")\n'
DIFFERS = (
    "differs = rasp.SequenceMap(lambda x, i: 1 if x != i else 0, rasp.tokens, rasp.indices)"
    '.named("differs")\n'
)
IS_ZERO = 'is0 = rasp.numerical(rasp.Map(lambda x: 1 if x == 0 else 0, rasp.tokens)).named("is0")\n'
NK = 'nk = rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)).named("nk")\n'
A_B = (
    'a = rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)).named("a")\n'
    'b = rasp.numerical(rasp.Map(lambda x: x + 1, rasp.tokens)).named("b")\n'
)

# name -> (program, fragments its RASP301 message must contain, the program with that fix)
CASES = {
    "sequence_map_into_numerical_aggregate": (
        f"{DIFFERS}{PREVS}"
        'program = rasp.numerical(rasp.Aggregate(prevs, differs, default=0)).named("frac")\n',
        [
            "`frac` (Aggregate): the Aggregate is numerical but the SOp it aggregates, "
            "`differs` (a SequenceMap), is categorical",
            "use `rasp.numerical(rasp.Map(lambda x: x, differs))` as its SOp",
        ],
        f"{DIFFERS}{PREVS}"
        "program = rasp.numerical(rasp.Aggregate(prevs, "
        'rasp.numerical(rasp.Map(lambda x: x, differs)), default=0)).named("frac")\n',
    ),
    "numerical_sequence_map": (
        "differs = rasp.numerical(\n"
        "    rasp.SequenceMap(lambda x, i: 1 if x != i else 0, rasp.tokens, rasp.indices)\n"
        f').named("differs")\n{PREVS}'
        'program = rasp.numerical(rasp.Aggregate(prevs, differs, default=0)).named("f")\n',
        [
            "`differs` (SequenceMap): it is numerical; tracr compiles a SequenceMap to an MLP",
            "make it categorical (no rasp.numerical(...) around it) and, where a number is "
            "needed, use rasp.numerical(rasp.Map(lambda x: x, differs))",
        ],
        f"{DIFFERS}{PREVS}"
        "program = rasp.numerical(rasp.Aggregate(prevs, "
        'rasp.numerical(rasp.Map(lambda x: x, differs)), default=0)).named("f")\n',
    ),
    "numerical_select_keys": (
        f'{NK}nsel = rasp.Select(nk, rasp.tokens, rasp.Comparison.EQ).named("nsel")\n'
        'program = rasp.SelectorWidth(nsel).named("width")\n',
        [
            "`nsel` (Select): its keys `nk` are numerical; tracr compiles a Select to an "
            "attention pattern over every pair of query and key values",
            "select with `rasp.categorical(nk)` as the keys",
        ],
        f"{NK}nsel = rasp.Select(rasp.categorical(nk), rasp.tokens, rasp.Comparison.EQ)"
        '.named("nsel")\nprogram = rasp.SelectorWidth(nsel).named("width")\n',
    ),
    "average_as_select_queries": (
        f"{IS_ZERO}{PREVS}"
        'frac = rasp.numerical(rasp.Aggregate(prevs, is0, default=0)).named("frac")\n'
        'same = rasp.Select(rasp.tokens, frac, rasp.Comparison.EQ).named("same")\n'
        'program = rasp.SelectorWidth(same).named("width")\n',
        [
            "`same` (Select): its queries `frac` are numerical",
            "select with `frac` computed categorically as the queries (it is an average, which "
            "tracr cannot make categorical",
            "count with rasp.SelectorWidth instead of averaging",
        ],
        None,
    ),
    "numerical_aggregate_default": (
        f"{IS_ZERO}{PREVS}"
        'program = rasp.numerical(rasp.Aggregate(prevs, is0, default=1)).named("frac")\n',
        [
            "`frac` (Aggregate): its default is 1, but a numerical Aggregate compiles to an "
            "attention head whose average is 0 where a query selects no position",
            "pass default=0",
        ],
        f"{IS_ZERO}{PREVS}"
        'program = rasp.numerical(rasp.Aggregate(prevs, is0, default=0)).named("frac")\n',
    ),
    "categorical_aggregate_default": (
        'first = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named("first")\n'
        'program = rasp.Aggregate(first, rasp.tokens, default=0).named("head")\n',
        ["`head` (Aggregate): its default is 0", "use default=None (or leave default out)"],
        'first = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named("first")\n'
        'program = rasp.Aggregate(first, rasp.tokens).named("head")\n',
    ),
    "numerical_sequence_map_inputs": (
        f'{A_B}program = rasp.SequenceMap(lambda x, y: x * y, a, b).named("product")\n',
        [
            "`product` (SequenceMap): its first input `a` and its second input `b` are numerical",
            "pass `rasp.categorical(a)` as its first input; pass `rasp.categorical(b)` as its "
            "second input",
            "rasp.numerical(rasp.LinearSequenceMap(a, b, <factor>, <factor>))",
        ],
        f"{A_B}program = rasp.SequenceMap(lambda x, y: x * y, rasp.categorical(a), "
        'rasp.categorical(b)).named("product")\n',
    ),
    "categorical_linear_sequence_map_inputs": (
        'a = rasp.Map(lambda x: x, rasp.tokens).named("a")\n'
        'program = rasp.numerical(rasp.LinearSequenceMap(a, rasp.tokens, 1, 1)).named("sum")\n',
        [
            "`sum` (LinearSequenceMap): its first input `a` and its second input `tokens` are "
            "categorical; tracr compiles a LinearSequenceMap to a linear layer",
            "pass `rasp.numerical(a)` as its first input; pass "
            "`rasp.numerical(rasp.Map(lambda x: x, rasp.tokens))` as its second input",
        ],
        'a = rasp.Map(lambda x: x, rasp.tokens).named("a")\n'
        "program = rasp.numerical(rasp.LinearSequenceMap(rasp.numerical(a), "
        'rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)), 1, 1)).named("sum")\n',
    ),
    "numerical_tokens": (
        "program = rasp.numerical(rasp.Map(lambda x: x + 1, rasp.numerical(rasp.tokens)))"
        '.named("inc")\n',
        [
            "`tokens` (TokensType): rasp.tokens is made numerical here, but tracr embeds tokens "
            "and indices only as categorical values",
            "use rasp.tokens as it is",
        ],
        'program = rasp.numerical(rasp.Map(lambda x: x + 1, rasp.tokens)).named("inc")\n',
    ),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every program and its fixed version in one `rasp check --format json` run."""
    folder = tmp_path_factory.mktemp("encodings")
    for name, (program, _, fixed) in CASES.items():
        (folder / f"{name}.py").write_text(HEADER + program)
        if fixed is not None:
            (folder / f"{name}_fixed.py").write_text(HEADER + fixed)
    report = check_json(*sorted(folder.glob("*.py")))
    return {Path(f["path"]).stem: f for f in report["files"]}


@pytest.mark.parametrize("name", list(CASES))
def test_the_message_names_the_operand_and_a_fix_that_compiles(checked: dict, name: str):
    _, fragments, fixed = CASES[name]
    messages = [d["message"] for d in checked[name]["diagnostics"] if d["code"] == "RASP301"]
    assert len(messages) == 1, checked[name]["diagnostics"]
    for fragment in fragments:
        assert fragment in messages[0]
    if fixed is not None:
        assert checked[f"{name}_fixed"]["diagnostics"] == []
        assert all(p["compiled"] for p in checked[f"{name}_fixed"]["programs"])

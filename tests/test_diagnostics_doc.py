"""docs/diagnostics.md's RASP3xx examples, checked by the real `rasp check`.

Each "tracr cannot compile this" code has at least one example, and each example a "_fixed"
twin that applies the fix its message gives: the example must show the code with a message that
names the operation (its `.named` name, as written in the example) and gives the fix (FIXES),
and the twin must be clean.
"""

import re
from pathlib import Path

import pytest

from raspstudio.codes import CODES
from tests.conftest import check_json

DOCS = Path(__file__).parent.parent / "docs" / "diagnostics"
EXAMPLES = DOCS / "examples"
NOT_COMPILABLE = [c for c in CODES if c.startswith("RASP3")]


def _sections() -> dict[str, str]:
    text = (DOCS / "sections.md").read_text()
    return {block.split()[0]: block for block in re.split(r"^## ", text, flags=re.M)[1:]}


def _examples(section: str) -> list[str]:
    """The examples a section shows the output of (its "_fixed" twins are shown as source)."""
    return [n for n in re.findall(r"\{\{OUT:(\w+)\}\}", section) if not n.endswith("_fixed")]


# example -> the fix its message must give (the twin applies it)
FIXES = {
    "unsupported_encoding": "use `rasp.numerical(is_a)` as its SOp",
    "sequence_map_aggregate": "use `rasp.numerical(rasp.Map(lambda x: x, differs))` as its SOp",
    "numerical_select_keys": "select with `rasp.categorical(doubled)` as the keys",
    "numerical_default": "pass default=0",
    "averaging_aggregate": "make `first` select one position per query",
    "non_binary_aggregate": "average 0/1 indicators instead",
    "length_primitive": "use `lib.make_length()`",
    "constant_sop": "compute it with rasp.Map(lambda i: 0, rasp.indices)",
    "composite_selector": "write a single rasp.Select whose predicate combines both conditions",
    "sop_in_function": "combine SOps with SequenceMap instead",
    "no_tokens": "make it read them, e.g. use rasp.SequenceMap(lambda i, t: i, rasp.indices",
}
SECTIONS = _sections()
CASES = [(code, name) for code in NOT_COMPILABLE for name in _examples(SECTIONS[code])]


@pytest.fixture(scope="module")
def checked() -> dict[str, dict]:
    """Every example and twin in one `rasp check --format json` run, by file name."""
    names = [n for _, name in CASES for n in (name, f"{name}_fixed")]
    report = check_json(*(EXAMPLES / f"{n}.py" for n in names))
    return {Path(f["path"]).stem: f for f in report["files"]}


@pytest.mark.parametrize("code", NOT_COMPILABLE)
def test_each_code_has_an_example_with_a_fixed_twin_shown(code: str) -> None:
    section = SECTIONS[code]
    assert _examples(section), f"{code} has no example"
    for name in _examples(section):
        assert f"{{{{SRC:{name}_fixed}}}}" in section, f"{code}: {name} has no fixed twin shown"


@pytest.mark.parametrize(("code", "name"), CASES)
def test_the_example_names_the_operation_and_its_fix_checks_clean(
    checked: dict, code: str, name: str
) -> None:
    found = [d for d in checked[name]["diagnostics"] if d["code"] == code]
    assert found, f"{name} does not show {code}: {checked[name]['diagnostics']}"
    source = (EXAMPLES / f"{name}.py").read_text()
    for diagnostic in found:
        named = re.match(r"`([^`]+)` \(\w+\)", diagnostic["message"])
        assert named, diagnostic["message"]
        assert f'.named("{named[1]}")' in source or named[1] in ("tokens", "indices")
        assert FIXES[name] in diagnostic["message"]
    fixed = checked[f"{name}_fixed"]
    assert fixed["diagnostics"] == []
    assert all(p["compiled"] for p in fixed["programs"])

"""tracr's own integration cases: TEST_CASES compile and verify, UNSUPPORTED ones are errors."""

import pytest
from tracr.compiler import test_cases

from tests.conftest import check_json

_TEMPLATE = '''"""tracr case {name}"""
from tracr.compiler import test_cases

_case = test_cases.{table}[{index}]
program = _case["program"]
VOCAB = _case["vocab"]
MAX_SEQ_LEN = _case["max_seq_len"]
'''


def _write_cases(folder, table: str) -> None:
    for index, case in enumerate(getattr(test_cases, table)):
        text = _TEMPLATE.format(name=case["testcase_name"], table=table, index=index)
        (folder / f"case_{index:02d}.py").write_text(text)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    out = {}
    for table in ("TEST_CASES", "UNSUPPORTED_TEST_CASES"):
        folder = tmp_path_factory.mktemp(table.lower())
        _write_cases(folder, table)
        out[table] = check_json(folder)["files"]
    return out


def test_every_supported_case_compiles_and_verifies(reports):
    files = reports["TEST_CASES"]
    assert len(files) == len(test_cases.TEST_CASES)
    for f in files:
        errors = [d for d in f["diagnostics"] if d["severity"] == "error"]
        (program,) = f["programs"]
        assert errors == [], f["path"]
        assert program["compiled"] and program["verified_inputs"] > 0, f["path"]


def test_every_unsupported_case_is_an_error_and_not_compiled(reports):
    files = reports["UNSUPPORTED_TEST_CASES"]
    assert len(files) == len(test_cases.UNSUPPORTED_TEST_CASES)
    for f in files:
        codes = {d["code"] for d in f["diagnostics"] if d["severity"] == "error"}
        assert codes and all(c.startswith("RASP3") for c in codes), (f["path"], codes)
        assert not f["programs"][0]["compiled"]

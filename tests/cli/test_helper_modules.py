"""Programs built in helper modules: each diagnostic is located at the expression's own line in
the helper, with the calls back to the checked file as related locations (text and JSON)."""

import json

from tests.conftest import FIXTURES, run_rasp

CORPUS = FIXTURES / "helper_module"  # case.py, a thin file calling the builders of helpers.py


def _starting(lines: list[str], text: str) -> int:
    return lines.index(next(line for line in lines if text in line))


def test_text_output_locates_in_the_helper_and_shows_the_calls():
    result = run_rasp("check", "helper_module/case.py", cwd=FIXTURES)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    # The miscompiled Map (the judge's RASP501) is in `shifted`, called by `make_minus_two`,
    # called on line 8 of the case file; paths are shown as the checked file's is.
    at = _starting(lines, " RASP501 error: ")
    assert lines[at].startswith("helper_module/helpers.py:7:27: RASP501 error: miscompilation")
    assert lines[at + 1 : at + 3] == [
        "helper_module/helpers.py:12:12: note: `shifted()` is called here",
        "helper_module/case.py:8:11: note: `make_minus_two()` is called here",
    ]
    # The averaging Aggregate (RASP302, found in the worker) is made by `mean_of`.
    at = _starting(lines, " RASP302 error: ")
    assert lines[at].startswith("helper_module/helpers.py:16:12: RASP302 error: ")
    assert lines[at + 1] == "helper_module/case.py:13:12: note: `mean_of()` is called here"


def test_json_names_the_helper_file_and_the_call_chain():
    result = run_rasp("check", "--format", "json", "case.py", cwd=CORPUS)
    (checked,) = json.loads(result.stdout)["files"]
    assert checked["path"] == "case.py"
    found = {d["code"]: d for d in checked["diagnostics"]}
    wrong = found["RASP501"]
    assert (wrong["path"], wrong["line"], wrong["column"]) == ("helpers.py", 7, 27)
    assert [(r["path"], r["line"], r["column"], r["message"]) for r in wrong["related"]] == [
        ("helpers.py", 12, 12, "`shifted()` is called here"),
        ("case.py", 8, 11, "`make_minus_two()` is called here"),
    ]
    averaging = found["RASP302"]
    assert (averaging["path"], averaging["line"], averaging["end_line"]) == ("helpers.py", 16, 16)
    assert [(r["path"], r["line"]) for r in averaging["related"]] == [("case.py", 13)]


def test_an_exception_raised_in_a_helper_while_loading_is_located_there(tmp_path):
    (tmp_path / "builders.py").write_text(
        "from tracr.rasp import rasp\n\n\ndef make_bad():\n"
        "    table = {'a': 1}\n    return rasp.Map(lambda x: x, rasp.tokens).named(table['b'])\n"
    )
    (tmp_path / "case.py").write_text(
        "from tracr.rasp import rasp\nfrom builders import make_bad\n\n"
        "VOCAB = {'a', 'b'}\nprogram = make_bad()\n"
    )
    result = run_rasp("check", "case.py", cwd=tmp_path)
    assert result.stdout.splitlines()[:2] == [
        "builders.py:6:53: RASP102 error: KeyError while loading the file: 'b'",
        "case.py:5:11: note: `make_bad()` is called here",
    ]

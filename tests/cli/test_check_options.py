"""`rasp check` as ruff is used: choosing codes, `# noqa`, excluded paths, CI output formats;
and `rasp run`/`rasp compile` errors that say where."""

import json
import textwrap

import pytest

from raspstudio.codes import CODES
from tests.conftest import FIXTURES, run_rasp

# A warning (RASP602: negative outputs of a numerical Map, which also miscompile: RASP501) and
# a hint (RASP605: the SelectorWidth has no name).
WARNED = textwrap.dedent(
    """
    from tracr.rasp import rasp

    VOCAB = {1, 2, 3}
    MAX_SEQ_LEN = 3

    same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")
    count = rasp.SelectorWidth(same)
    program = rasp.numerical(rasp.Map(lambda x: x - 2, count)).named("minus_two")
    """
)


def _codes(stdout: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in stdout.splitlines() if ": RASP" in line]


@pytest.fixture
def warned(tmp_path):
    (tmp_path / "warned.py").write_text(WARNED)
    return tmp_path


def test_hints_show_only_when_selected_and_never_count_as_warnings(warned):
    default = run_rasp("check", "warned.py", cwd=warned)
    assert "RASP605" not in _codes(default.stdout)
    assert default.stdout.splitlines()[-1].endswith("1 error, 1 warning.")
    hint = run_rasp("check", "warned.py", "--select", "RASP605", cwd=warned)
    assert _codes(hint.stdout) == ["RASP605"] and hint.returncode == 0
    assert (
        "warned.py:8:9: RASP605 hint: `count` (SelectorWidth) has no .named() name" in hint.stdout
    )
    assert "call it `selector_width_" in hint.stdout and 'add .named("count")' in hint.stdout
    assert hint.stdout.splitlines()[-1].endswith("0 errors, 0 warnings.")
    everything = run_rasp("check", "warned.py", "--select", "ALL", cwd=warned)
    assert sorted(_codes(everything.stdout)) == ["RASP501", "RASP602", "RASP605"]


def test_ignore_removes_codes_from_every_output_format(warned):
    shown = run_rasp("check", "warned.py", "--ignore", "RASP60", cwd=warned)
    assert _codes(shown.stdout) == ["RASP501"]
    assert shown.stdout.splitlines()[-1].endswith("1 error, 0 warnings.")
    data = json.loads(run_rasp("check", "warned.py", "--format", "json", "--ignore", "RASP5",
                               cwd=warned).stdout)  # fmt: skip
    assert [d["code"] for d in data["files"][0]["diagnostics"]] == ["RASP602"]
    assert data["summary"]["errors"] == 0


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_a_code_that_matches_nothing_is_a_usage_error(warned, option):
    result = run_rasp("check", "warned.py", option, "RASP9", cwd=warned)
    assert result.returncode == 2
    assert "'RASP9' matches no diagnostic code" in result.stderr


def test_noqa_silences_warnings_on_its_line_but_never_errors(tmp_path):
    (tmp_path / "quiet.py").write_text(
        WARNED.replace('"minus_two")', '"minus_two")  # noqa: RASP602').replace(
            "(same)", "(same)  # noqa"
        )
    )
    result = run_rasp("check", "quiet.py", "--select", "ALL", cwd=tmp_path)
    # Line 9's RASP602 is silenced; its RASP501 is an error and stays. Line 8's hint is gone.
    assert _codes(result.stdout) == ["RASP501"]
    assert result.returncode == 1


def test_folder_scans_skip_excluded_paths_but_never_a_file_named_on_the_command_line(tmp_path):
    program = (FIXTURES / "sample.py").read_text()
    for relative in [
        "lib/ok.py",
        "scripts/gen_data.py",
        "lib/gen_tables.py",
        "build/lib/copy.py",
        ".venv/lib/site.py",
        "node_modules/x/y.py",
    ]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(program)
    (tmp_path / "pyproject.toml").write_text('[tool.rasp]\nexclude = ["scripts"]\n')

    def checked(*args: str) -> list[str]:
        result = run_rasp("check", *args, "--format", "json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return [f["path"] for f in json.loads(result.stdout)["files"]]

    assert checked(".", "--exclude", "gen_*.py") == ["lib/ok.py"]
    assert checked(".") == ["lib/gen_tables.py", "lib/ok.py"]
    assert checked("scripts/gen_data.py") == ["scripts/gen_data.py"]


def test_a_malformed_project_exclude_is_a_usage_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.rasp]\nexclude = "scripts"\n')
    result = run_rasp("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "[tool.rasp] exclude must be a list of glob patterns" in result.stderr


def test_github_format_prints_one_workflow_command_per_diagnostic(warned):
    result = run_rasp("check", "warned.py", "--output-format", "github", cwd=warned)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=warned.py,line=9,col=26,endLine=9,endColumn=58,"
        "title=RASP501 compiled-mismatch::" + _message(warned, "RASP501"),
        "::warning file=warned.py,line=9,col=26,endLine=9,endColumn=58,"
        "title=RASP602 negative-numerical-map::" + _message(warned, "RASP602"),
    ]


def _message(folder, code: str) -> str:
    data = json.loads(run_rasp("check", "warned.py", "--format", "json", cwd=folder).stdout)
    (message,) = [d["message"] for d in data["files"][0]["diagnostics"] if d["code"] == code]
    return message.replace("%", "%25").replace("\n", "%0A")


def test_sarif_format_is_a_sarif_log_of_the_same_diagnostics(warned):
    result = run_rasp("check", "warned.py", "--format", "sarif", "--select", "ALL", cwd=warned)
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    assert all(r["helpUri"] == CODES[r["id"]].url for r in rules)
    found = {r["ruleId"]: r for r in run["results"]}
    assert sorted(found) == ["RASP501", "RASP602", "RASP605"]
    assert [found[c]["level"] for c in ("RASP501", "RASP602", "RASP605")] == [
        "error",
        "warning",
        "note",
    ]
    (where,) = found["RASP605"]["locations"]
    assert where["physicalLocation"]["artifactLocation"]["uri"] == "warned.py"
    assert where["physicalLocation"]["region"] == {
        "startLine": 8,
        "startColumn": 9,
        "endLine": 8,
        "endColumn": 33,
    }


def test_compile_and_run_errors_say_path_line_and_column():
    compiled = run_rasp("compile", "length_primitive.py", cwd=FIXTURES)
    assert compiled.returncode == 1
    assert compiled.stdout.startswith("length_primitive.py:8:7: ")
    assert "does not compile: uses rasp.length" in compiled.stdout
    ran = run_rasp("run", "length_primitive.py", "--input", "a b", cwd=FIXTURES)
    assert ran.returncode == 1
    assert ran.stdout.splitlines()[-1].startswith("length_primitive.py:8:7: ")


def test_run_json_has_the_outputs_the_verdict_and_located_errors():
    agreed = json.loads(run_rasp("run", "sample.py", "--input", "a b", "--format", "json",
                                 cwd=FIXTURES).stdout)  # fmt: skip
    assert agreed == {
        "program": "program",
        "input": ["a", "b"],
        "interpreter": ["b", "a"],
        "compiled": ["b", "a"],
        "agree": True,
        "interpreter_error": None,
        "compile_error": None,
    }
    failed = run_rasp("run", "length_primitive.py", "--input", "a b", "--format", "json",
                      cwd=FIXTURES)  # fmt: skip
    assert failed.returncode == 1
    error = json.loads(failed.stdout)["compile_error"]
    assert (error["path"], error["line"]) == ("length_primitive.py", 8)
    assert "rasp.length" in error["message"]


def test_related_locations_reach_both_ci_formats():
    sarif = json.loads(run_rasp("check", "composite_selector.py", "--format", "sarif",
                                cwd=FIXTURES).stdout)  # fmt: skip
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "RASP306"]
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [8, 9]
    assert related[0]["message"]["text"] == "`before` is combined here"
    github = run_rasp("check", "composite_selector.py", "--format", "github", cwd=FIXTURES)
    (line,) = [line for line in github.stdout.splitlines() if "RASP306" in line]
    assert "%0Acomposite_selector.py:8:" in line and "`before` is combined here" in line

"""The `rasp` command line: text output, run, compile, usage errors and exit codes."""

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, RASP, run_rasp

ROOT = FIXTURES.parents[1]

SAMPLE = FIXTURES / "sample.py"


def test_check_text_output_uses_path_line_col_code_style():
    result = run_rasp("check", "negative_numerical_map.py", cwd=FIXTURES)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("negative_numerical_map.py:9:26: RASP501 error: ") for line in lines)
    assert lines[-1] == "Checked 1 file, 1 program: 1 error, 1 warning."


def test_check_clean_file_exits_zero_and_reports_verification():
    result = run_rasp("check", "sample.py", cwd=FIXTURES)
    assert result.returncode == 0, result.stdout
    assert "sample.py:14: `program` compiled: " in result.stdout
    assert "verified on all 363 inputs" in result.stdout


def test_run_shows_interpreter_and_compiled_side_by_side():
    result = run_rasp("run", str(SAMPLE), "--input", "a b c")
    assert result.returncode == 0, result.stderr
    rows = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    assert rows["interpreter"].split() == ["c", "b", "a"]
    assert rows["compiled"].split() == ["c", "b", "a"]
    assert result.stdout.rstrip().endswith("agree")


def test_run_reports_a_miscompilation_on_that_input():
    result = run_rasp("run", str(FIXTURES / "negative_numerical_map.py"), "--input", "1 3")
    assert result.returncode == 1
    assert "DISAGREE" in result.stdout


@pytest.mark.parametrize(
    ("tokens", "message"),
    [("a z", "input tokens not in the vocabulary: 'z'"), ("a b c a b c", "input length must be")],
)
def test_run_on_an_input_the_program_cannot_take_is_a_usage_error(tokens, message):
    """Like an empty --input: the request is wrong, not the program (exit 2, one line)."""
    result = run_rasp("run", str(SAMPLE), "--input", tokens)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_compile_json_lists_blocks_with_operations_and_lines():
    result = run_rasp("compile", str(SAMPLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    last = model["blocks"][-1]
    assert (last["sublayer"], last["operations"], last["lines"]) == ("attn", ["reverse"], [14])
    assert model["residual_dim"] == len(model["residual_labels"])


def test_compile_text_shows_the_layer_table():
    result = run_rasp("compile", str(SAMPLE))
    assert result.returncode == 0
    assert "`program`: 4 layers" in result.stdout
    assert "opp_index" in result.stdout and "attn h0" in result.stdout


def test_compile_of_uncompilable_program_says_why():
    result = run_rasp("compile", str(FIXTURES / "length_primitive.py"))
    assert result.returncode == 1
    assert "rasp.length" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "missing.py"], "no such file or folder: missing.py"),
        (["check", "notes.txt"], "not a Python file: notes.txt"),
        (["check", "sample.py", "--max-seq-len", "0"], "expected a positive integer, got 0"),
        (["check", "sample.py", "--vocab", "a BOS"], "BOS"),
        (["run", "sample.py", "--input", ""], "--input is empty"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(tmp_path, args, message):
    (tmp_path / "notes.txt").write_text("not a program")
    (tmp_path / "sample.py").write_text(SAMPLE.read_text())
    result = run_rasp(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_command_without_a_terminal_prints_help():
    result = run_rasp()
    assert result.returncode == 0
    assert "check" in result.stdout and "compile" in result.stdout


@pytest.mark.parametrize(
    "argv",
    [["check", "negative_numerical_map.py"], ["run", "sample.py", "--input", "a b"], ["--help"]],
    ids=lambda argv: argv[0],
)
def test_python_m_raspstudio_is_rasp(argv: list[str]):
    rasp = run_rasp(*argv, cwd=FIXTURES)
    module = subprocess.run(
        [sys.executable, "-P", "-m", "raspstudio", *argv],
        capture_output=True,
        text=True,
        cwd=FIXTURES,
        timeout=120,
    )
    assert (module.returncode, module.stdout) == (rasp.returncode, rasp.stdout)


def test_version_and_help_for_every_check_option():
    version = run_rasp("--version")
    assert version.returncode == 0 and version.stdout.startswith("rasp-studio ")
    shown = run_rasp("check", "--help").stdout
    # Each option's entry: its line, and the indented lines of help below it.
    entries = re.findall(r"^  (-[^\n]*(?:\n {6,}[^\n]*)*)", shown, flags=re.M)
    options = ["--vocab", "--max-seq-len", "--causal", "--mlp-exactness", "--max-inputs"]
    options += ["--backend", "--timeout", "--output-format", "--select", "--ignore", "--exclude"]
    for option in options:
        (entry,) = [e for e in entries if e.startswith(option)]
        words = re.sub(r"^\S+( [A-Z{][^ ]*)?(, --\S+( [A-Z{][^ ]*)?)?", "", entry).split()
        assert len(words) >= 3, f"{option} has no help: {entry!r}"
    assert "exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error" in shown


def test_run_without_input_runs_the_files_first_example(tmp_path):
    ran = run_rasp("run", str(ROOT / "programs/positional/reverse.py"))
    assert ran.returncode == 0 and ran.stdout.splitlines()[0].split() == ["input:", "a", "b", "c"]
    bare = tmp_path / "bare.py"
    bare.write_text(
        "from tracr.rasp import rasp\nVOCAB = {1, 2}\n"
        "program = rasp.Map(lambda x: x, rasp.tokens).named('same')\n"
    )
    told = run_rasp("run", str(bare))
    assert told.returncode == 2
    assert "the file has no EXAMPLES to run (give one with --input)" in told.stderr


def test_check_one_program_of_a_file():
    """Only `make_identity` is checked: the file's other program, which hangs while
    compiling, is not even compiled."""
    hostile = FIXTURES / "hostile" / "hangs_compiling_then_cheap.py"
    only = run_rasp("check", "--program", "make_identity", "--timeout", "60", str(hostile))
    assert only.returncode == 0
    assert only.stdout.splitlines()[-1] == "Checked 1 file, 1 program: 0 errors, 0 warnings."
    missing = run_rasp("check", "--program", "nope", str(FIXTURES / "sample.py"))
    assert missing.returncode == 2
    assert "no program named 'nope' in the files checked" in missing.stderr


def test_a_syntax_error_shows_its_line_with_a_caret(tmp_path):
    (tmp_path / "typo.py").write_text(
        "from tracr.rasp import rasp\nVOCAB = {1}\nprogram = rasp.Map(lambda x: x +, rasp.tokens)\n"
    )
    result = run_rasp("check", "typo.py", cwd=tmp_path)
    assert result.stdout.splitlines()[:3] == [
        "typo.py:3:33: RASP101 error: SyntaxError: invalid syntax",
        "    program = rasp.Map(lambda x: x +, rasp.tokens)",
        "                                    ^",
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_leaves_early_ends_the_command_quietly(jobs: str):
    # `rasp check | head`: the reader is gone before the report is printed.
    rasp = subprocess.Popen(
        [str(RASP), "check", "--jobs", jobs, str(SAMPLE), str(FIXTURES / "none_output.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    rasp.stdout.close()
    stderr = rasp.stderr.read()
    assert rasp.wait(timeout=300) == 128 + 13  # what a shell reports for a SIGPIPE
    assert stderr == ""

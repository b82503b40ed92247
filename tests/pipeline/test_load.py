"""Loading a program file: discovery, metadata precedence, spans, load errors."""

import textwrap
from pathlib import Path

from raspstudio.pipeline.load import load_file
from raspstudio.pipeline.spans import site_of, span_of


def _write(tmp_path, text: str, name: str = "prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


HEADER = """
from tracr.compiler import lib
from tracr.rasp import rasp
"""


def test_finds_program_and_zero_argument_make_functions(tmp_path):
    path = _write(
        tmp_path,
        HEADER
        + """
VOCAB = {1, 2}
program = rasp.Map(lambda x: x + 1, rasp.tokens)

def make_double(scale=2):
    return rasp.Map(lambda x: x * scale, rasp.tokens)

def make_needs_argument(sop):
    return sop

def helper():
    return rasp.tokens
""",
    )
    loaded = load_file(str(path))
    assert [p.name for p in loaded.programs] == ["program", "make_double"]
    assert [p.span.line for p in loaded.programs] == [5, 7]
    assert loaded.diagnostics == []


MAKES_PROGRAM = """
VOCAB = {1, 2}

def make_count():
    return rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ))

def make_scaled(scale=2):
    return rasp.Map(lambda x: x * scale, rasp.tokens)

program = CALL
"""


def test_program_made_by_a_make_function_is_one_program_not_two(tmp_path):
    """`program = make_count()` is the same program as `make_count`: checked once (else
    every diagnostic appears twice, with different automatic labels)."""
    path = _write(tmp_path, HEADER + MAKES_PROGRAM.replace("CALL", "make_count()"))
    assert [p.name for p in load_file(str(path)).programs] == ["program", "make_scaled"]
    # called with an argument it may differ from the function's own default program
    path = _write(tmp_path, HEADER + MAKES_PROGRAM.replace("CALL", "make_scaled(3)"))
    names = [p.name for p in load_file(str(path)).programs]
    assert names == ["program", "make_count", "make_scaled"]


def test_lib_call_is_located_on_the_users_line(tmp_path):
    path = _write(
        tmp_path,
        HEADER
        + """
VOCAB = {"a"}
length = lib.make_length()
program = rasp.Map(
    lambda n: n + 1,
    length,
).named("plus_one")
""",
    )
    (program,) = load_file(str(path)).programs
    length = program.sop.inner
    assert span_of(length).line == 5
    assert (span_of(length).column, span_of(length).end_column) == (10, 27)  # lib.make_length()
    span = span_of(program.sop)  # .named() keeps the span of the multi-line call
    assert (span.line, span.end_line) == (6, 9)


def test_spans_inside_make_functions_point_into_the_function(tmp_path):
    path = _write(
        tmp_path,
        HEADER
        + """
VOCAB = {"a"}

def make_shifted():
    return lib.shift_by(1, rasp.tokens)
""",
    )
    (program,) = load_file(str(path)).programs
    assert span_of(program.sop).line == 7


def test_expressions_built_in_a_helper_module_are_located_there_with_the_calls(tmp_path):
    """The helper is the user's file, tracr's `lib` is not: the site is the helper's call to
    `lib`, and the chain leads back to the checked file's call of the helper."""
    helper = _write(
        tmp_path,
        """
        from tracr.compiler import lib


        def length_plus(n):
            return lib.make_length().named(f"length_plus_{n}")
        """,
        name="builders.py",
    )
    path = _write(
        tmp_path,
        """
        import builders

        VOCAB = {"a"}
        program = builders.length_plus(1)
        """,
    )
    (program,) = load_file(str(path)).programs
    site = site_of(program.sop)
    assert (site.path, site.span.line) == (str(helper.resolve()), 5)
    assert [(c.path, c.span.line, c.message) for c in site.calls] == [
        (None, 4, "`length_plus()` is called here")
    ]
    assert span_of(program.sop).line == 4  # where the checked file has it: the call


def test_precedence_overrides_then_file_then_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.rasp]\nvocab = ["x", "y"]\nmax_seq_len = 7\nmlp_exactness = 50\n'
    )
    sub = tmp_path / "pkg"
    sub.mkdir()
    path = _write(sub, HEADER + "MAX_SEQ_LEN = 3\nprogram = rasp.tokens\n")
    config = load_file(str(path)).config
    assert (config.vocab, config.max_seq_len, config.mlp_exactness) == ({"x", "y"}, 3, 50)
    config = load_file(str(path), overrides={"max_seq_len": 4, "vocab": ["z"]}).config
    assert (config.vocab, config.max_seq_len) == ({"z"}, 4)


def test_unsaved_text_is_loaded_instead_of_the_file(tmp_path):
    path = _write(tmp_path, HEADER + "VOCAB = {1}\nprogram = rasp.tokens\n")
    loaded = load_file(str(path), text=HEADER + "VOCAB = {1}\nmake_x = None\n")
    assert loaded.programs == []
    assert [d.code for d in loaded.diagnostics] == ["RASP104"]


def test_sibling_modules_are_importable_and_reloaded(tmp_path):
    helper = tmp_path / "helpers_mod.py"
    helper.write_text("OFFSET = 1\n")
    path = _write(
        tmp_path,
        HEADER + "from helpers_mod import OFFSET\nVOCAB = {OFFSET}\nprogram = rasp.tokens\n",
    )
    assert load_file(str(path)).config.vocab == {1}
    helper.write_text("OFFSET = 2\n")
    assert load_file(str(path)).config.vocab == {2}


def test_without_siblings_a_module_beside_the_file_is_not_imported(tmp_path):
    (tmp_path / "planted_beside.py").write_text("OFFSET = 1\n")
    path = _write(
        tmp_path,
        HEADER + "from planted_beside import OFFSET\nVOCAB = {OFFSET}\nprogram = rasp.tokens\n",
    )
    (d,) = load_file(str(path), siblings=False).diagnostics
    assert d.code == "RASP102" and "No module named 'planted_beside'" in d.message
    assert load_file(str(path)).config.vocab == {1}  # an ordinary load imports it


def test_exception_while_loading_is_located_at_the_raising_line(tmp_path):
    path = _write(tmp_path, HEADER + "VOCAB = {1}\nx = 1 / 0\nprogram = rasp.tokens\n")
    (d,) = load_file(str(path)).diagnostics
    assert (d.code, d.span.line) == ("RASP102", 4)
    assert "ZeroDivisionError" in d.message


def test_exception_inside_lib_call_is_located_at_the_users_call(tmp_path):
    path = _write(tmp_path, HEADER + "VOCAB = {1}\nprogram = lib.shift_by(1, 'not an sop')\n")
    (d,) = load_file(str(path)).diagnostics
    assert (d.code, d.span.line) == ("RASP102", 4)


def test_missing_vocabulary_and_missing_program(tmp_path):
    path = _write(tmp_path, HEADER + "program = rasp.tokens\n")
    assert [d.code for d in load_file(str(path)).diagnostics] == ["RASP103"]
    path = _write(tmp_path, HEADER + "VOCAB = {1}\n")
    assert [d.code for d in load_file(str(path)).diagnostics] == ["RASP104"]


def test_invalid_constants_are_located_at_their_definition(tmp_path):
    path = _write(tmp_path, HEADER + "VOCAB = {'a', 'BOS'}\nprogram = rasp.tokens\n")
    (d,) = load_file(str(path)).diagnostics
    assert (d.code, d.span.line) == ("RASP105", 3)
    assert "BOS" in d.message
    path = _write(tmp_path, HEADER + "VOCAB = {'a'}\nMAX_SEQ_LEN = 0\nprogram = rasp.tokens\n")
    (d,) = load_file(str(path)).diagnostics
    assert (d.code, d.span.line) == ("RASP105", 4)


def test_make_function_returning_a_non_sop(tmp_path):
    path = _write(tmp_path, HEADER + "VOCAB = {1}\n\ndef make_bad():\n    return 3\n")
    codes = [d.code for d in load_file(str(path)).diagnostics]
    assert codes == ["RASP108"]  # no redundant "no program found" on top


def test_non_utf8_file_is_a_load_error(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes(b"VOCAB = {'\xe9'}\n")
    (d,) = load_file(str(path)).diagnostics
    assert d.code == "RASP101"


def test_a_program_beside_the_engines_own_packages_loads_again_and_again(engine):
    """Re-importing siblings must not unload the worker's own modules (here: raspstudio)."""
    root = Path(__file__).parents[2]
    text = (
        "from tracr.rasp import rasp\nVOCAB = {1}\nprogram = rasp.Map(lambda x: x, rasp.tokens)\n"
    )
    for _ in range(2):
        report = engine.check_file(str(root / "beside_the_engine.py"), text)
        assert [d.code for d in report.diagnostics] == ["RASP605"]


def test_a_misspelt_name_gets_pythons_suggestion(tmp_path):
    """Python 3.11 adds "Did you mean" only when it prints a traceback to a terminal."""
    typo = _write(tmp_path, HEADER + "VOCAB = {1}\nprogram = rasp.Mapp(lambda x: x, rasp.tokens)\n")
    (found,) = load_file(str(typo)).diagnostics
    assert found.message.endswith("has no attribute 'Mapp'. Did you mean: 'Map'?")
    name = _write(tmp_path, HEADER + "VOCAB = {1}\ntokenz = rasp.tokens\nprogram = tokens\n")
    (found,) = load_file(str(name)).diagnostics
    assert found.message.endswith("name 'tokens' is not defined. Did you mean: 'tokenz'?")

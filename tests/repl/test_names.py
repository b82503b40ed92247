"""The REPL names operations as every other view does, and shows numbers as they all do.

A real worker behind a real Repl; each test starts from a fresh session.
"""

from raspstudio.lsp.hover import describe
from raspstudio.pipeline.load import load_file
from raspstudio.pipeline.rasp_to_model import compile_program
from raspstudio.repl.app import Repl
from raspstudio.worker.views import describe_program
from tests.conftest import FIXTURES

UNNAMED = FIXTURES / "names" / "unnamed_operations.py"


def test_a_bare_named_expression_is_echoed_under_its_name(repl: Repl):
    shown = repl.handle('rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT).named("lt")')
    assert shown.startswith("lt · Select\n")


def test_a_variable_names_its_operation_in_layers_and_trace(repl: Repl):
    repl.handle("up2 = rasp.Map(lambda x: x + 2, rasp.indices)")
    repl.handle("both = rasp.SequenceMap(lambda a, t: a, up2, rasp.tokens)")
    table = repl.handle(":layers both")
    assert "│ up2 " in table and "│ both " in table and "map_" not in table
    # every input is its own line 1: the REPL's table has no lines column
    heading = table.splitlines()[2]
    assert "operations" in heading and "lines" not in heading
    trace = repl.handle(":trace both a b")
    assert trace.splitlines()[-4:] == [
        "L0 mlp",
        "  up2     = [  ·, 2, 3]",
        "L1 mlp",
        "  both    = [  ·, 2, 3]",
    ]


def test_a_variable_wins_over_a_library_name_and_the_lines_of_a_loaded_file_stay(repl: Repl):
    assert repl.handle("rev = lib.make_reverse(rasp.tokens)").startswith("rev · Aggregate")
    assert "│ rev " in repl.handle(":layers rev")
    repl.handle(f":load {UNNAMED}")
    table = repl.handle(":layers program")
    assert "lines" in table.splitlines()[2]
    assert "│ is_one " in table and "│ 10 " in table


def test_a_float_reads_the_same_in_the_echo_the_trace_and_a_hover(repl: Repl):
    """`program` of the fixture on its example 1 2 2 is 1, 1/2, 1/3."""
    repl.handle(f":load {UNNAMED}")
    echo = repl.handle("program").splitlines()
    assert echo[-1].split() == ["program", "1", "0.5", "0.3333"]
    trace = repl.handle(":trace program 1 2 2").splitlines()
    assert trace[-1].split() == ["program", "=", "[", "0,", "1,", "0.5,", "0.3333]"]

    loaded = load_file(str(UNNAMED))  # a hover shows the worker's view of the program
    program = loaded.programs[0]
    compiled = compile_program(program.sop, loaded.config)
    view = describe_program("program", program.sop, loaded.config, compiled=compiled)
    output = next(e for e in view.expressions if e.name == "program")
    assert "on `1 2 2` (EXAMPLES[0]): `[1, 0.5, 0.3333]`" in describe(view, output)

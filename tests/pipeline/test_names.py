"""One name per operation in every view: `.named()`, else its variable, else tracr's label.

The layer table, the residual trace, editors' views and exported testbeds are built here from a
file loaded as the worker loads it; tracr's labels stay beside the names where a machine needs
them (graph nodes, residual dimensions).
"""

from raspstudio.config import Config
from raspstudio.pipeline.load import Program, load_file
from raspstudio.pipeline.rasp_to_model import Compiled, compile_program
from raspstudio.pipeline.residual_trace import trace_residual
from raspstudio.worker import testbed  # the module: pytest would collect its function
from raspstudio.worker.views import describe_program
from tests.conftest import FIXTURES

UNNAMED = FIXTURES / "names" / "unnamed_operations.py"


def _compiled(name: str) -> tuple[Program, Compiled, Config]:
    loaded = load_file(str(UNNAMED))
    program = next(p for p in loaded.programs if p.name == name)
    return program, compile_program(program.sop, loaded.config), loaded.config


def _operations(compiled: Compiled) -> list[list[str]]:
    return [block.operations for block in compiled.summary.blocks]


def test_module_variables_name_unnamed_operations_in_every_view():
    program, compiled, config = _compiled("program")
    assert _operations(compiled) == [["is_one"], ["program"]]
    summary = compiled.summary
    assert "is_one" in summary.residual_names and "program" in summary.residual_names
    # tracr's labels are kept for the weights' meaning: `map_6` and `aggregate_4`, say
    assert not any(label.startswith(("is_one", "program")) for label in summary.residual_labels)
    assert len(summary.residual_names) == len(summary.residual_labels)

    traced = [v.name for stage in trace_residual(compiled, [1, 2]).stages for v in stage.variables]
    assert {"is_one", "program"} <= set(traced)
    view = describe_program("program", program.sop, config, compiled=compiled)
    assert {"is_one", "so_far", "program"} <= {e.name for e in view.expressions}


def test_locals_of_a_make_function_and_its_name_name_its_operations():
    _, compiled, _ = _compiled("make_counts")
    assert _operations(compiled) == [
        ["n_smaller"],
        ["length"],
        ["length", "n_smaller"],
        ["make_counts"],  # the output, bound to no variable, is called after its builder
    ]


def test_names_that_would_repeat_get_a_number_and_are_the_same_on_every_load():
    _, first, _ = _compiled("make_lengths")
    _, second, _ = _compiled("make_lengths")
    assert _operations(first) == [
        ["length"],
        ["length#2"],
        ["length", "length#2"],
        ["both"],
        ["half"],
    ]
    assert _operations(second) == _operations(first)
    assert second.summary.residual_names == first.summary.residual_names
    assert second.summary.residual_labels != first.summary.residual_labels  # tracr's counters


def test_the_users_variable_wins_over_a_name_a_library_gave():
    _, compiled, _ = _compiled("make_reversed")
    assert ["flipped"] in _operations(compiled)  # lib.make_reverse named it "reverse"
    assert ["reverse"] not in _operations(compiled)


def test_a_testbed_names_its_operations_and_dimensions_beside_tracrs_labels():
    program, compiled, config = _compiled("program")
    model = testbed.testbed(program, config, compiled, "spec")["model"]
    operations = [op for block in model["blocks"] for op in block["operations"]]
    assert [op["name"] for op in operations] == ["is_one", "program"]
    assert all(op["label"] != op["name"] for op in operations)
    assert model["output"]["variable"] == "program"
    (one,) = [d for d in model["residual"] if d["variable"] == "is_one"]
    assert one["name"] == "is_one" and one["label"] in compiled.model.residual_labels
    assert one["label"] != "is_one"

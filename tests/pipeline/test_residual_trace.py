"""Residual trace: RASP variables read back from the compiled model after each stage."""

import pickle
from pathlib import Path

import pytest
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.load import Program, load_file
from raspstudio.pipeline.rasp_to_model import Compiled, compile_program
from raspstudio.pipeline.residual_trace import format_trace, trace_residual
from raspstudio.pipeline.validate import walk
from raspstudio.report import ResidualTrace, TracedVariable

PROGRAMS = Path(__file__).parents[2] / "programs"
INPUTS = {
    "positional/reverse.py": [["a"], ["a", "b", "c"], ["c", "a"], ["b", "b", "a", "c", "a"]],
    "maps/fraction_of_a.py": [["a"], ["b"], ["a", "b", "a", "a"], ["b", "a", "b", "b", "a"]],
    "ordering/sort.py": [[3, 1, 4, 1], [2], [4, 3, 2, 1, 1]],
}


def compiled_library_program(relative: str) -> tuple[Program, Compiled]:
    loaded = load_file(str(PROGRAMS / relative))
    program = loaded.programs[0]
    return program, compile_program(program.sop, loaded.config)


@pytest.fixture(scope="module", params=sorted(INPUTS))
def library_program(request: pytest.FixtureRequest) -> tuple[str, Program, Compiled]:
    return (request.param, *compiled_library_program(request.param))


def final(trace: ResidualTrace) -> dict[str, TracedVariable]:
    return {v.label: v for v in trace.stages[-1].variables}


def same(expected: list, got: list, numerical: bool) -> bool:
    return got == pytest.approx(expected, abs=1e-3) if numerical else got == expected


def test_output_at_the_last_stage_is_the_interpreters(library_program):
    relative, program, compiled = library_program
    for xs in INPUTS[relative]:
        expected = evaluate_program(program.sop, [xs]).outputs[0]
        output = final(trace_residual(compiled, xs))[program.sop.label]
        assert same(expected, output.values[1:], rasp.is_numerical(program.sop)), xs


def test_every_variable_at_the_last_stage_holds_its_interpreter_value(library_program):
    relative, program, compiled = library_program
    sops = [e for e in walk(program.sop) if isinstance(e, rasp.SOp)]
    for xs in INPUTS[relative]:
        values = evaluate_program(program.sop, [xs]).trace(0)
        traced = final(trace_residual(compiled, xs))
        assert {e.label for e in sops} == set(traced)
        for expr in sops:
            got = traced[expr.label].values[1:]
            assert same(values[id(expr)], got, rasp.is_numerical(expr)), (expr.label, xs)


def test_variables_appear_at_the_stage_of_the_layer_that_computes_them(library_program):
    relative, _, compiled = library_program
    computed_by = {(b.layer, b.sublayer): set(b.labels) for b in compiled.summary.blocks}
    trace = trace_residual(compiled, INPUTS[relative][0])
    seen: set[str] = set()
    for stage in trace.stages:
        new = {v.label for v in stage.variables} - seen
        if stage.layer is None:
            assert new <= {"tokens", "indices"}
        else:
            assert new <= computed_by[(stage.layer, stage.sublayer)], stage.label
        seen |= new
        assert all(v.changed for v in stage.variables if v.label in new)


def test_tokens_and_indices_are_there_from_the_embeddings_on():
    _, compiled = compiled_library_program("positional/reverse.py")
    trace = trace_residual(compiled, ["c", "a"])
    assert trace.tokens == ["BOS", "c", "a"]
    embeddings = trace.stages[0]
    assert embeddings.label == "embeddings"
    by_name = {v.name: v for v in embeddings.variables}
    assert set(by_name) == {"tokens", "indices"}
    assert by_name["tokens"].values == [None, "c", "a"]  # BOS is no value of `tokens`
    assert by_name["indices"].values == [None, 0, 1]


def test_unused_half_layers_are_left_out_and_the_others_keep_their_numbers():
    _, compiled = compiled_library_program("positional/reverse.py")
    trace = trace_residual(compiled, ["a", "b", "c"])
    assert [s.label for s in trace.stages] == [
        "embeddings",
        "L0 attn",
        "L0 mlp",
        "L1 mlp",
        "L2 attn",
    ]
    assert trace.stages[1].variables and not any(v.changed for v in trace.stages[1].variables)


def test_a_variable_changes_once_then_keeps_its_value():
    _, compiled = compiled_library_program("positional/reverse.py")
    trace = trace_residual(compiled, ["a", "b", "c"])
    changes = [v.name for s in trace.stages for v in s.variables if v.changed]
    assert sorted(changes) == sorted(["tokens", "indices", "length", "opposite", "reverse"])
    assert [v.values for v in trace.stages[-1].variables if v.name == "length"] == [[None, 3, 3, 3]]


def test_numerical_variables_hold_floats():
    program, compiled = compiled_library_program("maps/fraction_of_a.py")
    output = final(trace_residual(compiled, ["a", "b", "a"]))[program.sop.label]
    assert output.numerical
    assert output.values == pytest.approx([0.0, 1.0, 0.5, 2 / 3], abs=1e-3)


def test_the_trace_crosses_the_worker_boundary():
    _, compiled = compiled_library_program("positional/reverse.py")
    trace = trace_residual(compiled, ["a", "b"])
    assert pickle.loads(pickle.dumps(trace)) == trace


def test_format_trace_shows_each_variable_under_the_tokens_at_the_stage_computing_it():
    _, compiled = compiled_library_program("positional/reverse.py")
    text = format_trace(trace_residual(compiled, ["a", "b", "c"]))
    assert text.splitlines() == [
        "              BOS  a  b  c",
        "embeddings",
        "  tokens   = [  ·, a, b, c]",
        "  indices  = [  ·, 0, 1, 2]",
        "L0 attn  (intermediate directions only)",
        "L0 mlp",
        "  length   = [  ·, 3, 3, 3]",
        "L1 mlp",
        "  opposite = [  ·, 2, 1, 0]",
        "L2 attn",
        "  reverse  = [  ·, c, b, a]",
    ]


def test_format_trace_rounds_numerical_values():
    """4 significant digits, as the REPL's echo and hovers show the same value (2/3)."""
    _, compiled = compiled_library_program("maps/fraction_of_a.py")
    text = format_trace(trace_residual(compiled, ["a", "b", "a"]))
    assert "  fraction_of_a = [  0, 1, 0.5, 0.6667]" in text.splitlines()


def test_a_position_an_aggregate_selects_nothing_for_is_unwritten():
    previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == q - 1).named("previous")
    shifted = rasp.Aggregate(previous, rasp.tokens).named("shifted")
    compiled = compile_program(shifted, Config(vocab=frozenset("ab"), max_seq_len=4))
    expected = evaluate_program(shifted, [["a", "b", "b"]]).outputs[0]
    traced = final(trace_residual(compiled, ["a", "b", "b"]))[shifted.label]
    assert expected == [None, "a", "b"]
    assert traced.values == [None, *expected]

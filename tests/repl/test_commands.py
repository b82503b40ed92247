"""The REPL's meta-commands: the registry, and each command against a real worker session."""

import struct
from pathlib import Path

import pytest

from raspstudio.engine.file_requests import Engine
from raspstudio.repl import commands
from raspstudio.repl.app import Repl

ROOT = Path(__file__).parents[2]
REVERSE = ROOT / "programs/positional/reverse.py"


# -- the registry --


def test_help_lists_every_command_once():
    shown = commands.find("help").run(None, "")
    for entry in commands.commands():
        assert shown.count(entry.usage) == 1
    names = {c.name for c in commands.commands()}
    assert names >= {"example", "vocab", "maxlen", "load", "reload", "run", "check", "layers"}
    assert names >= {"trace", "plot", "draft", "save", "quit", "help"}


def test_aliases_and_help_for_one_command():
    assert commands.find("q") is commands.find("quit")
    assert (
        commands.find("help").run(None, ":quit") == ":quit\n  leave (Ctrl-D too) (also :q, :exit)"
    )


def test_unknown_commands_and_bad_arguments_are_explained(repl: Repl):
    assert repl.handle(":nope") == "error: unknown command :nope; :help lists them"
    assert repl.handle(":maxlen two") == "error: give a positive whole number, e.g. :maxlen 5"
    assert repl.handle(":run") == "error: give a program name and the input tokens"
    assert repl.handle(":load /no/such.py") == "error: no such file: /no/such.py"
    assert repl.handle(":layers nothing").startswith("error: no SOp named 'nothing'")


def test_quit_leaves(repl: Repl):
    with pytest.raises(commands.Quit):
        repl.handle(":quit")


# -- the commands, on a real session --


def test_settings_show_in_the_toolbar(repl: Repl):
    assert repl.handle(":maxlen 3") == "vocab: a b c · max_seq_len: 3 · example: a b c"
    assert repl.handle(":example c c") == "vocab: a b c · max_seq_len: 3 · example: c c"
    assert repl.toolbar() == " vocab: a b c · max_seq_len: 3 · example: c c │ :help"
    assert repl.handle(":example a b c a").startswith("error: input length must be 1..3")
    assert repl.handle(":example a z") == "error: input tokens not in the vocabulary: 'z'"


def test_load_shows_verdicts_and_brings_the_definitions(repl: Repl):
    shown = repl.handle(f":load {REVERSE}")
    assert "`program` compiled: 3 layers, 2 heads, 2 MLPs, d_model 31" in shown
    assert shown.endswith("vocab: a b c · max_seq_len: 5 · example: a b c")  # EXAMPLES[0]
    assert repl.handle("opposite").startswith("opposite · SequenceMap · categorical")
    assert "opposite" in repl.client.names["scope"]
    assert "compiled" in repl.handle(":reload")


def test_run_check_and_layers(repl: Repl):
    repl.handle(f":load {REVERSE}")
    assert repl.handle(":run program c a").splitlines() == [
        "input:       c  a",
        "interpreter: a  c",
        "compiled:    a  c",
        "agree",
    ]
    assert repl.handle(":check").endswith("verified on all 363 inputs")
    table = repl.handle(":layers")
    assert table.startswith("`program`: 3 layers · 2 heads · 2 MLPs · d_model 31")
    assert "attn h0 │ reverse" in table


def test_check_reports_diagnostics_of_a_session_definition(repl: Repl):
    repl.handle("shifted = rasp.numerical(rasp.Map(lambda x: -1, rasp.tokens))")
    shown = repl.handle(":check shifted")
    assert "RASP602 warning" in shown and "RASP605 hint" in shown


def test_trace_decodes_the_residual_stream(repl: Repl):
    repl.handle(f":load {REVERSE}")
    shown = repl.handle(":trace program a b")
    assert "reverse" in shown and "opposite" in shown


def test_plot_writes_a_png_of_the_layers(repl: Repl, tmp_path: Path):
    repl.handle(f":load {REVERSE}")
    target = tmp_path / "reverse.png"
    shown = repl.handle(f":plot program a b c -o {target}")
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert shown == f"wrote {target} ({width} x {height} px)"
    assert width > 400 and height > 300


def test_save_writes_a_program_file_that_checks_clean(repl: Repl, tmp_path: Path, engine: Engine):
    repl.handle(":example c a b")
    repl.handle("length = lib.make_length().named('length')")
    repl.handle("x = 1 / 0")  # fails: not saved
    repl.handle(
        "opposite = rasp.SequenceMap(lambda n, i: n - i - 1, length, rasp.indices)"
        ".named('opposite')"
    )
    repl.handle(
        "program = rasp.Aggregate(rasp.Select(rasp.indices, opposite, rasp.Comparison.EQ)"
        ".named('flip'), rasp.tokens).named('reverse')"
    )
    target = tmp_path / "saved.py"
    assert repl.handle(f":save {target}") == f"wrote {target}"
    text = target.read_text()
    assert "1 / 0" not in text and "EXAMPLES = [['c', 'a', 'b']]" in text
    report = engine.check_file(str(target))
    assert report.diagnostics == [] and report.programs[0].verified_inputs == 363
    assert repl.handle(f":save {target}").startswith("error: ")
    assert repl.handle(f":save {target} --force") == f"wrote {target}"


FORGING = sorted((ROOT / "tests/fixtures/forging").glob("*.py"))


@pytest.mark.parametrize("path", FORGING, ids=lambda p: p.stem)
def test_a_loaded_file_cannot_forge_its_verdict_in_the_repl(repl: Repl, path: Path):
    """The REPL judges a loaded file's programs outside the worker, as `rasp check` does: a
    file that patches the checker inside the worker is still caught, and verified nowhere."""
    shown = repl.handle(f":load {path}")
    assert {"RASP501", "RASP502", "RASP504"} & set(shown.split()), shown
    assert "verified" not in shown


def test_load_and_check_prove_a_sampled_program_block_wise(repl: Repl):
    repl.client.restart()  # no :vocab of our own: the file's configuration holds
    twin = ROOT / "tests/fixtures/rare/clipped_twin.py"
    proved = "verified on all 11,111,111,110 inputs (block-wise)"
    assert proved in repl.handle(f":load {twin}")
    assert repl.handle(":check").endswith(proved)  # under the file's MLP_EXACTNESS


def test_load_finds_a_rare_miscompilation_with_its_input(repl: Repl):
    shown = repl.handle(f":load {ROOT / 'tests/fixtures/rare/clipped_at_91.py'}")
    assert "RASP501 error" in shown and "[0, 8, 8, 8, 8, 8, 9, 8, 8, 8]" in shown


def test_load_takes_over_the_vocabulary_length_and_example(repl: Repl):
    """An earlier :vocab, :maxlen or :example gives way to the loaded file's: its verdicts and
    the echoes are then on the same vocabulary (letters here, not the ints set before)."""
    repl.handle(":vocab 1 2 3")
    repl.handle(":maxlen 2")
    repl.handle(":example 3 1")
    shown = repl.handle(f":load {REVERSE}")
    assert shown.endswith("vocab: a b c · max_seq_len: 5 · example: a b c")  # EXAMPLES[0]
    assert repl.handle("program").splitlines()[1].split() == ["tokens", "a", "b", "c"]


def test_what_was_chosen_after_a_load_survives_a_restarted_worker(repl: Repl):
    repl.handle(f":load {REVERSE}")
    repl.handle(":example c a b")
    assert repl.handle("import os\nos._exit(3)").startswith("error: it exited with code 3")
    assert repl.handle("program").splitlines()[1].split() == ["tokens", "c", "a", "b"]


MAKERS = """from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 4
EXAMPLES = [[3, 1, 2]]


def make_sorted():
    return lib.make_sort_unique(rasp.tokens, rasp.tokens).named("sorted")
"""


def test_commands_without_a_name_take_a_files_make_function(repl: Repl, tmp_path: Path):
    path = tmp_path / "makers.py"
    path.write_text(MAKERS)
    repl.handle(f":load {path}")
    assert repl.handle(":layers").startswith("`make_sorted`: 2 layers")
    assert commands.default_program(repl) == "make_sorted"


def test_the_first_suggestions_name_the_loaded_files_program_and_example():
    from raspstudio.repl.app import try_text

    shown = try_text("make_sorted", [3, 1, 2])
    assert "make_sorted()" in shown and ":run make_sorted 3 1 2" in shown
    assert ":example 2 1 3" in shown and "opposite" not in shown and "flip" not in shown


def test_plot_without_a_file_writes_nothing_into_the_current_folder(
    repl: Repl, tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    repl.handle(f":load {REVERSE}")
    shown = repl.handle(":plot program a b")
    written = Path(shown.split("wrote ", 1)[1].split(" (", 1)[0])
    assert written.is_file() and written.name == "program-layers.png"
    assert list(tmp_path.iterdir()) == [] and tmp_path not in written.parents


def test_save_after_a_load_writes_a_file_that_checks_and_keeps_what_ran(
    repl: Repl, tmp_path: Path, engine: Engine
):
    """`make run`'s session: definitions come from the loaded file, bare names only show
    values, and an input that fails half-way defined something later inputs use."""
    repl.handle(f":load {REVERSE}")
    repl.handle("opposite")  # a lookup: nothing to save
    repl.handle("kept = rasp.Map(lambda t: t, rasp.tokens).named('kept'); broken = 1 / 0")
    repl.handle("program = rasp.SequenceMap(lambda a, b: a, program, kept).named('both')")
    target = tmp_path / "saved.py"
    assert repl.handle(f":save {target}") == f"wrote {target}"
    text = target.read_text()
    assert "1 / 0" not in text and "\nopposite\n" not in text
    assert "kept = rasp.Map(lambda t: t, rasp.tokens).named('kept')" in text
    report = engine.check_file(str(target))
    assert [d for d in report.diagnostics if d.severity == "error"] == []
    (program,) = report.programs
    assert program.compiled and program.verified_inputs == 363


def test_save_and_replay_keep_inputs_and_loads_in_the_order_they_came(
    repl: Repl, tmp_path: Path, engine: Engine
):
    """A `program` typed before a :load is replaced by the file's, in the saved file and in a
    restarted worker alike."""
    repl.handle("program = rasp.Map(lambda x: x, rasp.tokens).named('first')")
    repl.handle(f":load {REVERSE}")
    repl.handle("after = rasp.Map(lambda t: t, program).named('after')")
    target = tmp_path / "saved.py"
    repl.handle(f":save {target}")
    text = target.read_text()
    assert text.index("named('first')") < text.index("# From ") < text.index("named('after')")
    report = engine.check_file(str(target))
    assert [d for d in report.diagnostics if d.severity == "error"] == []
    (program,) = report.programs
    assert program.verified_inputs == 363 and program.model.heads > 0  # reverse, not `first`
    shown = repl.handle("import os\nos._exit(3)")
    assert shown.endswith("your 2 earlier inputs ran again")
    ran = repl.handle(":run program a b c").splitlines()
    assert ran[1].split() == ["interpreter:", "c", "b", "a"]


BUILDER = """from tracr.rasp import rasp

VOCAB = set(range(10))
MAX_SEQ_LEN = 10
MLP_EXACTNESS = 1000  # the default 100 miscounts widths of 10


def make_clipped():
    high = rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k > 7)
    highs = rasp.SelectorWidth(high).named("highs")
    return rasp.numerical(rasp.Map(lambda h: 1 if h == 9 else 2, highs)).named("clipped")
"""


def test_check_of_a_loaded_make_function_keeps_the_files_configuration(repl: Repl, tmp_path: Path):
    """As for `program`: a `make_*` builder from the loaded file is checked under the file's
    MLP_EXACTNESS, not the session's default."""
    path = tmp_path / "builder.py"
    path.write_text(BUILDER)
    assert "inputs (block-wise)" in repl.handle(f":load {path}")
    assert repl.handle(":check make_clipped").endswith("inputs (block-wise)")


def test_commands_without_a_name_take_the_sop_typed_in_last(repl: Repl):
    repl.handle("shifted = rasp.Map(lambda x: x, rasp.tokens)")
    repl.handle("doubled = rasp.Map(lambda x: x + x, rasp.tokens)")
    repl.handle("flip = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.EQ)")
    assert repl.handle(":layers").startswith("`doubled`: 1 layer")
    repl.handle("shifted = rasp.Map(lambda x: x + 'x', rasp.tokens)")  # bound again: now last
    checked = repl.handle(":check")
    assert "`shifted` compiled" in checked, checked

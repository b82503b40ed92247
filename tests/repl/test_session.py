"""Python in the REPL: definitions run in the worker and are echoed on the running example.

A real worker behind a real Repl; each test starts from a fresh session.
"""

import threading

from raspstudio.repl.app import Repl


def test_an_assignment_is_echoed_on_the_running_example(repl: Repl):
    repl.handle(":example c a b")
    shown = repl.handle("length = lib.make_length()")
    assert shown == "length · SelectorWidth · categorical\n  tokens  c  a  b\n  length  3  3  3"


def test_a_bare_name_is_echoed_under_its_name(repl: Repl):
    repl.handle(":example a b a")
    repl.handle("same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ)")
    shown = repl.handle("same")
    assert shown.startswith("same · Select\n")
    assert shown.splitlines()[1:] == [
        "     a b a   ← keys",
        "  a  1 · 1",
        "  b  · 1 ·",
        "  a  1 · 1",
    ]


def test_several_names_and_plain_values(repl: Repl):
    shown = repl.handle("a, b = rasp.tokens, rasp.indices")
    # rasp.tokens and rasp.indices are shared by every program: they keep their own names
    assert [line for line in shown.splitlines() if "·" in line] == [
        "tokens · tokens · categorical",
        "indices · indices · categorical",
    ]
    assert repl.handle("6 * 7") == "42"
    assert repl.handle("print('hi')") == "hi"


def test_errors_are_located_in_the_input(repl: Repl):
    assert repl.handle("x = (") == "error: line 1: SyntaxError: '(' was never closed"
    shown = repl.handle("y = 1\nz = 1 / 0")
    assert shown == "error: line 2: ZeroDivisionError: division by zero"


def test_an_operation_failing_on_the_example_is_named(repl: Repl):
    repl.handle(":example a b")
    shown = repl.handle("bad = rasp.Map(lambda x: {'a': 1}[x], rasp.tokens)")
    assert "✗ `bad` fails on ['a', 'b']: KeyError: 'b' (when called with 'b')" in shown


def test_without_a_vocabulary_definitions_still_run(repl: Repl):
    repl.client.restart()
    shown = repl.handle("t = rasp.tokens")
    assert "no vocabulary yet" in shown


def test_a_hanging_definition_times_out_and_earlier_ones_survive(repl: Repl):
    repl.handle("kept = rasp.Map(lambda x: x, rasp.tokens).named('kept')")
    shown = repl.handle("def spin(x):\n    while True:\n        pass\n\nhang = spin(1)\n")
    assert shown.startswith("error: stopped: it did not finish within 3 s")
    assert shown.endswith("it was running here when stopped (line 2 of the input)")
    assert repl.handle("kept").startswith("kept · Map")


def test_ctrl_c_interrupts_a_definition_and_the_session_goes_on(repl: Repl):
    repl.handle("kept = rasp.Map(lambda x: x, rasp.tokens).named('kept')")
    done = threading.Event()

    def press_ctrl_c() -> None:  # what Ctrl-C does while waiting, until the input is stopped
        while not done.wait(0.2):
            repl.client.cancel()

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    try:
        shown = repl.handle("while True:\n    pass\n")
    finally:
        done.set()
    assert shown.startswith("error: stopped: it was cancelled")  # not "did not finish within"
    assert repl.handle("kept").startswith("kept · Map")


def test_a_killed_worker_is_replaced_and_the_session_replayed(repl: Repl):
    repl.handle("kept = rasp.Map(lambda x: x, rasp.tokens).named('kept')")
    shown = repl.handle("import os\nos._exit(3)")
    assert shown.startswith("error: it exited with code 3")
    assert shown.endswith("the worker was restarted and your 1 earlier input ran again")
    assert repl.handle("kept").startswith("kept · Map")


def test_a_misspelt_name_gets_pythons_suggestion(repl: Repl):
    shown = repl.handle("x = rasp.Mapp(lambda t: t, rasp.tokens)")
    assert shown == (
        "error: line 1: AttributeError: module 'tracr.rasp.rasp' has no attribute 'Mapp'. "
        "Did you mean: 'Map'?"
    )


def test_an_example_alone_is_enough_in_a_bare_session(repl: Repl):
    """No :vocab and no file: the running example's tokens are the vocabulary until one is
    set, so definitions show their values and compile at once."""
    repl.client.restart()
    shown = repl.handle(":example 1 2 3")
    assert shown.startswith("vocab (the example's, until :vocab): 1 2 3 · ")
    rev = repl.handle("rev = lib.make_reverse(rasp.tokens)").splitlines()
    assert rev[-1].split() == ["rev", "3", "2", "1"]
    assert repl.handle(":layers rev").startswith("`rev`: 4 layers")
    assert repl.handle(":vocab 1 2 3 4").startswith("vocab: 1 2 3 4 · ")


def test_an_error_in_a_function_an_earlier_input_defined_says_where_it_is(repl: Repl):
    repl.handle("def inverse(x):\n    y = x - 1\n    return 1 / y")
    shown = repl.handle("inverse(1)")
    assert shown == (
        "error: line 1: ZeroDivisionError: division by zero\n"
        "  in inverse, line 3 of an earlier input: return 1 / y"
    )
    shown = repl.handle("def twice(x):\n    return inverse(x) * 2\n\ntwice(1)")
    assert shown.splitlines() == [
        "error: line 4: ZeroDivisionError: division by zero",
        "  in twice, line 2 of this input: return inverse(x) * 2",
        "  in inverse, line 3 of an earlier input: return 1 / y",
    ]

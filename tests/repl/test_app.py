"""The REPL's prompt: Enter runs complete input, continues open blocks; tested with pipe input."""

from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from raspstudio.repl.app import Repl, is_complete, loop, prompt_session

ENTER = "\r"


def test_enter_runs_complete_input_and_continues_open_blocks():
    assert is_complete("x = 1")
    assert is_complete(":layers program")
    assert is_complete("")
    assert not is_complete("x = rasp.Map(")
    assert not is_complete("def f(x):")
    assert not is_complete("def f(x):\n    return x")
    assert is_complete("def f(x):\n    return x\n")
    assert is_complete("x = )")  # run it, so the syntax error is shown


def _session(repl: Repl, keys: str) -> tuple[list[str], InMemoryHistory]:
    shown: list[str] = []
    history = InMemoryHistory()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # the session ends when the keys run out, whatever happened
        session = prompt_session(repl, history=history, input=pipe, output=DummyOutput())
        loop(repl, session, write=shown.append)
    return shown, history


def test_a_typed_session_runs_definitions_blocks_and_commands(repl: Repl):
    keys = (
        ":example b a" + ENTER
        + "double = rasp.Map(" + ENTER
        + "lambda x: x + x," + ENTER
        + "rasp.tokens)" + ENTER
        + "def twice(sop):" + ENTER
        + "return rasp.Map(lambda x: x + x, sop)" + ENTER
        + ENTER
        + "four = twice(double)" + ENTER
        + ":quit" + ENTER
    )  # fmt: skip
    shown, history = _session(repl, keys)
    assert shown[0] == "vocab: a b c · max_seq_len: 5 · example: b a"
    assert shown[1].splitlines() == [
        "double · Map · categorical",
        "  tokens   b   a",
        "  double  bb  aa",
    ]
    assert shown[2].splitlines()[-1] == "  four    bbbb  aaaa"
    assert "double = rasp.Map(\nlambda x: x + x,\nrasp.tokens)" in history.get_strings()


def test_ctrl_d_leaves_and_ctrl_c_clears_the_line(repl: Repl):
    shown, _ = _session(repl, "x = (" + "\x03" + "6 * 7" + ENTER + "\x04")
    assert shown == ["42"]

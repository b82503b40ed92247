"""The real `rasp repl` in a terminal (tmux), typed at as a user would: what the screen shows."""

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import run_rasp

ROOT = Path(__file__).parents[2]
RASP = Path(sys.executable).parent / "rasp"


class Terminal:
    """A tmux pane running one command; keys in, screen text out."""

    def __init__(self, command: str, env: dict[str, str]):
        if shutil.which("tmux") is None:
            pytest.fail("tmux is needed: `apt-get install -y tmux` (make test installs it)")
        self.name = f"rasp-{uuid.uuid4().hex[:8]}"
        # `env` on the command line: a running tmux server would not pass ours on.
        settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        size = ["-x", "120", "-y", "50"]
        start = ["tmux", "new-session", "-d", "-s", self.name, *size, "-c", str(ROOT)]
        subprocess.run([*start, f"env {settings} {command}"], check=True)
        self.seen = ""

    def screen(self) -> str:
        capture = ["tmux", "capture-pane", "-p", "-J", "-S", "-500", "-t", self.name]
        return subprocess.run(capture, capture_output=True, text=True).stdout

    def type(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The screen once `text` appears on it after what earlier waits found."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen[len(self.seen) - 200 :] if self.seen else text in screen:
                self.seen = screen
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def press_until(self, key: str, text: str, timeout: float = 30) -> str:
        """Press `key` every half second until `text` appears (a key sent too early is lost)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.type(key)
            try:
                return self.wait_for(text, timeout=0.5)
            except AssertionError:
                continue
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name]).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path):
    term = Terminal(f"{RASP} repl --timeout 600", {"XDG_DATA_HOME": str(tmp_path)})
    yield term
    term.close()


def test_a_typed_session(terminal: Terminal, tmp_path: Path):
    terminal.wait_for("rasp>")
    terminal.type(":vocab a b c", "Enter")
    terminal.wait_for("example: a b c a b")
    terminal.type("length = lib.make_length().named('length')", "Enter")
    terminal.type(
        "opposite = rasp.SequenceMap(lambda n, i: n - i - 1, length, rasp.indices)"
        ".named('opposite')",
        "Enter",
    )
    terminal.type("flip = rasp.Select(rasp.indices, opposite, rasp.Comparison.EQ)", "Enter")
    terminal.type("reverse = rasp.Aggregate(flip, rasp.tokens).named('reverse')", "Enter")
    screen = terminal.wait_for("reverse · Aggregate · categorical")
    assert "  opposite  4  3  2  1  0" in screen

    terminal.type(":example c a b", "Enter")
    terminal.wait_for("example: c a b")
    terminal.type("flip", "Enter")
    screen = terminal.wait_for("← keys")
    assert "  c  · · 1" in screen and "  b  1 · ·" in screen

    terminal.type(":layers reverse", "Enter")
    screen = terminal.wait_for("`reverse`: 3 layers · 2 heads · 2 MLPs")
    assert "attn h0 │ reverse" in screen

    terminal.type(":run reverse a b c", "Enter")
    screen = terminal.wait_for("agree")
    assert "compiled:    c  b  a" in screen

    terminal.type(":trace reverse a b", "Enter")
    terminal.wait_for("reverse")

    terminal.type("broken = rasp.Map(lambda x: 1 / 0, rasp.tokens)", "Enter")
    terminal.wait_for("✗ `broken` fails on ['c', 'a', 'b']: ZeroDivisionError")

    terminal.type("while True:", "Enter", "pass", "Enter", "Enter")
    terminal.press_until("C-c", "error: stopped: it was cancelled")  # Ctrl-C while it spins
    terminal.type("reverse", "Enter")
    terminal.wait_for("reverse · Aggregate")  # the earlier definitions are intact

    terminal.type(":quit", "Enter")
    deadline = time.monotonic() + 30
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive()
    assert (tmp_path / "rasp-studio" / "repl_history").read_text().count(":layers reverse") == 1


def _ended(term: Terminal) -> bool:
    deadline = time.monotonic() + 30
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not term.alive()


def test_a_newcomers_session_ends_in_a_saved_file_that_verifies(tmp_path: Path):
    """No file, an example, values at once, the layers, a typing error and its fix, another
    file whose example and vocabulary take over, :save, quit; then `rasp check` of the file."""
    term = Terminal(f"{RASP} repl --timeout 600", {"XDG_DATA_HOME": str(tmp_path)})
    saved = tmp_path / "session.py"
    try:
        term.wait_for("rasp>")
        term.type(":example 1 2 3", "Enter")
        term.wait_for("vocab (the example's, until :vocab): 1 2 3")
        term.type("shifted = rasp.Map(lambda x: x + 1, rasp.tokens)", "Enter")
        assert "  shifted  2  3  4" in term.wait_for("shifted · Map · categorical")
        term.type(":layers", "Enter")
        term.wait_for("`shifted`: 1 layer")
        term.type("flip = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.GEQ)", "Enter")
        term.wait_for("← keys")
        term.type("bad = rasp.Mapp(lambda x: x, shifted)", "Enter")
        term.wait_for("Did you mean: 'Map'?")
        term.type("doubled = rasp.Map(lambda x: 2 * x, shifted)", "Enter")
        assert "  doubled  4  6  8" in term.wait_for("doubled · Map · categorical")
        term.type(f":load {ROOT / 'programs/positional/reverse.py'}", "Enter")
        screen = term.wait_for("vocab: a b c · max_seq_len: 5 · example: a b c")
        assert "`program` compiled: 3 layers" in screen
        term.type("program", "Enter")  # the file's `program`, named "reverse" there
        assert "  reverse  c  b  a" in term.wait_for("reverse · Aggregate")
        term.type(f":save {saved}", "Enter")
        term.wait_for(f"wrote {saved}")
        term.type(":quit", "Enter")
        assert _ended(term)
    finally:
        term.close()
    checked = run_rasp("check", str(saved))
    assert checked.returncode == 0, checked.stdout
    assert "`program` compiled: 3 layers" in checked.stdout and "verified on all" in checked.stdout


def test_starting_with_a_file_prints_its_verdicts(tmp_path: Path):
    term = Terminal(f"{RASP} repl programs/positional/reverse.py", {"XDG_DATA_HOME": str(tmp_path)})
    try:
        screen = term.wait_for("rasp>")
        assert "`program` compiled: 3 layers, 2 heads, 2 MLPs, d_model 31" in screen
        assert "example: a b c" in screen and "Try:" in screen
    finally:
        term.close()


def test_a_ctrl_c_outside_the_wait_for_the_worker_does_not_end_the_session():
    """Ctrl-C can land while a result is being shown rather than while the worker runs (the
    key is pressed at any moment); the loop must say so and read the next line."""
    from raspstudio.repl.app import loop

    lines = iter(["first", "second"])

    class Session:  # what the loop reads lines from
        def prompt(self) -> str:
            try:
                return next(lines)
            except StopIteration:
                raise EOFError from None

    class Handler:  # the first line is interrupted as its result is shown
        def handle(self, text: str) -> str:
            if text == "first":
                raise KeyboardInterrupt
            return f"handled {text}"

    shown: list[str] = []
    loop(Handler(), Session(), shown.append)
    assert shown == ["interrupted", "handled second"]

"""The REPL (`rasp`, `rasp repl [FILE]`): Python with RASP in scope, echoed on an example.

A thin prompt-toolkit front end: `Repl.handle` turns one input into text to print (a
meta-command from commands.py, or Python sent to the worker through
`raspstudio.engine.ReplSession`), and `prompt_session` adds highlighting, completion, history and
the toolbar around it.
"""

import codeop
import os
import shutil
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import PygmentsLexer
from pygments.lexers.python import PythonLexer

from raspstudio.config import NO_VOCAB
from raspstudio.engine import ReplSession, Worker, WorkerError
from raspstudio.repl import commands
from raspstudio.repl.completion import ReplCompleter
from raspstudio.repl.echo import format_outcome
from raspstudio.repl.interrupt import interruptible
from raspstudio.report import counted
from raspstudio.text import display_path

BANNER = """rasp-studio REPL — Python with `rasp` and `lib` in scope; every SOp you define is shown
on the running example. :help lists the commands; Ctrl-C stops a long run; Ctrl-D quits."""


def try_text(program: str, example: list) -> str:
    """What to type first, about the loaded file's own program and running example."""
    shown = " ".join(map(str, example))
    other = " ".join(map(str, example[::-1]))
    typed = f"{program}()" if program.startswith("make_") else program
    return f"""Try:
  {typed:<26}(on the running example: every operation's values)
  {":example " + other:<26}(another running example)
  {":run " + program + " " + shown:<26}(interpreter vs compiled model)
  {":layers":<26}(the compiled layers of `{program}`)
  {":trace " + program + " " + shown:<26}(the residual stream after each layer)
  {":plot " + program + " " + shown:<26}(a picture of it, as PNG)"""


class Repl:
    def __init__(self, client: ReplSession, width: int | None = None):
        self.client = client
        self.width = width or max(80, shutil.get_terminal_size().columns)
        self.settings: dict[str, Any] = {}  # what the worker last reported: vocab, example, …
        self.say: Callable[[str], None] = print  # progress of long commands (:draft)

    # -- one input -------------------------------------------------------------------------------

    def handle(self, text: str) -> str:
        """What to print for one input; raises commands.Quit to leave."""
        if not text.strip():
            return ""
        try:
            if text.lstrip().startswith(":"):
                name, _, rest = text.strip()[1:].partition(" ")
                return commands.find(name).run(self, rest)
            return self.execute(text)
        except commands.CommandError as e:
            return f"error: {e}"

    def execute(self, source: str) -> str:
        return format_outcome(self.ask(self.client.execute, source))

    def ask(self, request: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`request(*args, **kwargs)`, one of the session's; a failure becomes a CommandError."""
        try:
            return request(*args, **kwargs)
        except WorkerError as e:
            where = f" (line {e.span.line} of the input)" if e.span else ""
            message = {"timeout": "stopped: it", "cancelled": "stopped: it"}.get(e.kind, "")
            text = f"{message} {e.message}{where}".strip()
            if self.client.replayed:
                replayed = counted(self.client.replayed, "earlier input")
                text += f"; the worker was restarted and your {replayed} ran again"
            raise commands.CommandError(text) from None

    # -- session state ---------------------------------------------------------------------------

    def configure(self, **changes: Any) -> str:
        state = self.client.state
        example = changes.pop("example", state.example)
        settings = {**state.settings, **changes}
        self.settings = self.ask(self.client.configure, settings, example)
        return self.describe_settings()

    def describe_settings(self) -> str:
        s = self.settings
        if not s.get("vocab"):
            return NO_VOCAB
        vocab = " ".join(map(str, s["vocab"]))
        example = " ".join(map(str, s["example"]))
        label = "vocab (the example's, until :vocab)" if s.get("vocab_from_example") else "vocab"
        return f"{label}: {vocab} · max_seq_len: {s['max_seq_len']} · example: {example}"

    def load(self, path: str) -> str:
        report = self.ask(self.client.load, path)
        self.settings = self.ask(self.client.settings)
        return commands.report_text(report, display_path(path)) + "\n" + self.describe_settings()

    def toolbar(self) -> str:
        return f" {self.describe_settings()} │ :help"

    def program_file(self) -> str:
        """The session as a program file: every statement that ran and the text of every
        loaded file, in the order they came, then the session's settings (last, since they
        win over a loaded file's)."""
        s, state = self.settings, self.client.state
        lines = ['"""A program written in the rasp-studio REPL."""', ""]
        lines += ["from tracr.compiler import lib", "from tracr.rasp import rasp", ""]
        for step in state.steps:
            if step.loaded is None:
                lines.append(step.source.rstrip("\n"))
                continue
            text = _without_future_imports(step.source).rstrip("\n")
            shown = display_path(step.loaded)
            lines += ["", f"# From {shown}, loaded with :load", text, f"# End of {shown}", ""]
        if s.get("vocab"):
            lines += [
                "",
                "# The session's settings",
                f"VOCAB = {set(s['vocab'])!r}",
                f"MAX_SEQ_LEN = {s['max_seq_len']}",
                f"EXAMPLES = [{list(s['example'])!r}]",
            ]
        return "\n".join(lines) + "\n"


def _without_future_imports(text: str) -> str:
    """A loaded file's text without `from __future__` imports, which are a SyntaxError
    anywhere but at the top of a file (annotations need no future import on Python 3.11+
    to be written; the saved file does not evaluate them either way)."""
    return "\n".join(
        line for line in text.splitlines() if not line.startswith("from __future__ import")
    )


# -- the terminal ----------------------------------------------------------------------------------


def is_complete(text: str) -> bool:
    """Whether Enter should run the input: a command, or Python that needs no more lines."""
    if not text.strip() or text.lstrip().startswith(":"):
        return True
    text = text.rstrip(" \t")  # an indented empty line ends a block, as an empty one does
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return codeop.compile_command(text, "<repl>", "single") is not None
        except (SyntaxError, ValueError, OverflowError):
            return True  # run it, so that the error is shown


def _next_indent(text: str) -> str:
    last = text.rsplit("\n", 1)[-1]
    indent = last[: len(last) - len(last.lstrip())]
    return indent + "    " if last.rstrip().endswith(":") else indent


def key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        if buffer.complete_state is not None:  # Enter picks the highlighted completion
            buffer.apply_completion(buffer.complete_state.current_completion)
        elif is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n" + _next_indent(buffer.document.text_before_cursor))

    @bindings.add("escape", "enter")
    def _newline(event: Any) -> None:
        event.current_buffer.insert_text("\n")

    return bindings


def history_file() -> Path:
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "rasp-studio" / "repl_history"


def prompt_session(repl: Repl, history: History | None = None, **io: Any) -> PromptSession:
    if history is None:
        try:
            history_file().parent.mkdir(parents=True, exist_ok=True)
            history = FileHistory(str(history_file()))
        except OSError:
            history = InMemoryHistory()
    return PromptSession(
        message="rasp> ",
        prompt_continuation=lambda width, line, wrap: "...   ".rjust(width),
        multiline=True,
        key_bindings=key_bindings(),
        lexer=PygmentsLexer(PythonLexer),
        completer=ReplCompleter(lambda: repl.client.names),
        complete_while_typing=False,
        history=history,
        auto_suggest=AutoSuggestFromHistory(),
        bottom_toolbar=repl.toolbar,
        **io,
    )


def loop(repl: Repl, session: PromptSession, write: Any = print) -> None:
    while True:
        try:
            text = session.prompt()
        except KeyboardInterrupt:
            continue  # Ctrl-C at the prompt clears the line
        except EOFError:
            return
        try:
            shown = repl.handle(text)
            if shown:
                write(shown)
        except commands.Quit:
            return
        except KeyboardInterrupt:  # a Ctrl-C outside the wait for the worker: not an exit
            write("interrupted")
        except Exception as e:  # noqa: BLE001 - a bug of ours must not end the user's session
            write(f"internal error (please report it): {type(e).__name__}: {e}")


def main(path: str | None = None, timeout: float | None = None, banner: bool = True) -> int:
    """`rasp repl [FILE]`."""
    client = ReplSession(Worker(timeout=timeout) if timeout else None, wait=interruptible)
    client.start_in_background()
    repl = Repl(client)
    try:
        if banner:
            print(BANNER)
        if path is not None:  # waits for the worker: the file's verdicts come first
            print(repl.load(str(Path(path).resolve())))
            example = repl.settings.get("example")
            if banner and example:
                print(try_text(commands.default_program(repl), example))
        loop(repl, prompt_session(repl))
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))

"""The REPL's meta-commands (`:help`, `:layers`, …): a registry of names, help and handlers.

Each handler takes the REPL and the text after the command, and returns what to print. Errors
the user should read are raised as CommandError; the loop prints them and goes on.
"""

import shlex
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from raspstudio.report import FileReport
from raspstudio.text import diagnostic_lines, layer_table, run_lines, verdict
from raspstudio.tokens import parse_tokens

if TYPE_CHECKING:
    from raspstudio.repl.app import Repl


class CommandError(Exception):
    """A meta-command that cannot do what was asked; its message says why."""


class Quit(Exception):
    """`:quit`: leave the REPL."""


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    run: Callable[["Repl", str], str]
    aliases: tuple[str, ...] = ()


REGISTRY: dict[str, Command] = {}
PLOT_TIMEOUT = 60.0  # seconds: drawing a big model takes matplotlib several seconds


def command(name: str, usage: str, help: str, aliases: tuple[str, ...] = ()) -> Callable:
    def register(run: Callable[["Repl", str], str]) -> Callable[["Repl", str], str]:
        entry = Command(name, usage, help, run, aliases)
        for key in (name, *aliases):
            REGISTRY[key] = entry
        return run

    return register


def find(name: str) -> Command:
    if name not in REGISTRY:
        raise CommandError(f"unknown command :{name}; :help lists them")
    return REGISTRY[name]


def commands() -> list[Command]:
    """Each command once, in the order they were defined."""
    return list(dict.fromkeys(REGISTRY.values()))


def _tokens(text: str, what: str = "tokens") -> list:
    tokens = parse_tokens(text)
    if not tokens:
        raise CommandError(f"give the {what}, separated by spaces")
    return tokens


def default_program(repl: "Repl") -> str:
    """The program a command without a name is about: `program`, else the first `make_*`
    function in scope (a file of `make_*` builders has no `program`), else the SOp typed in
    last."""
    scope, typed = repl.client.names.get("scope", []), repl.client.names.get("sops", [])
    makers = [name for name in scope if name.startswith("make_")]
    if "program" in scope or not (makers or typed):
        return "program"
    return makers[0] if makers else typed[-1]


def _name_and_tokens(text: str) -> tuple[str, list]:
    name, _, rest = text.strip().partition(" ")
    if not name:
        raise CommandError("give a program name and the input tokens")
    return name, _tokens(rest, "input tokens")


@command("help", ":help [COMMAND]", "list the commands, or explain one", ("h", "?"))
def _help(repl: "Repl", text: str) -> str:
    if text.strip():
        found = find(text.strip().lstrip(":"))
        aliases = ", ".join(f":{a}" for a in found.aliases)
        return f"{found.usage}\n  {found.help}" + (f" (also {aliases})" if aliases else "")
    width = max(len(c.usage) for c in commands())
    lines = [f"{c.usage.ljust(width)}  {c.help}" for c in commands()]
    return "\n".join(
        [
            "Type Python: `rasp`, `lib` and your definitions are in scope; every SOp or "
            "Selector you define is shown on the running example.",
            *lines,
        ]
    )


@command("example", ":example a b c", "set the running example every definition is shown on")
def _example(repl: "Repl", text: str) -> str:
    return repl.configure(example=_tokens(text))


@command("vocab", ":vocab a b c", "set the vocabulary (numbers are numbers)")
def _vocab(repl: "Repl", text: str) -> str:
    return repl.configure(vocab=_tokens(text, "vocabulary"))


@command("maxlen", ":maxlen N", "set MAX_SEQ_LEN, the longest input (BOS not counted)")
def _maxlen(repl: "Repl", text: str) -> str:
    value = text.strip()
    if not value.isdigit() or int(value) < 1:
        raise CommandError("give a positive whole number, e.g. :maxlen 5")
    return repl.configure(max_seq_len=int(value))


@command("load", ":load FILE", "run a program file here: its definitions and verdicts")
def _load(repl: "Repl", text: str) -> str:
    if not text.strip():
        raise CommandError("give a program file, e.g. :load programs/positional/reverse.py")
    path = Path(text.strip()).expanduser()
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    return repl.load(str(path.resolve()))


@command("reload", ":reload", "load the last :load-ed file again")
def _reload(repl: "Repl", text: str) -> str:
    if repl.client.state.loaded is None:
        raise CommandError("nothing loaded yet: use :load FILE")
    return repl.load(repl.client.state.loaded)


def report_text(report: FileReport, shown: str) -> str:
    """A file's diagnostics and one verdict line per program, as `rasp check` prints them."""
    lines = diagnostic_lines(shown, report.diagnostics)
    lines += [f"{shown}:{p.line}: {verdict(p)}" for p in report.programs]
    return "\n".join(lines) or f"{shown}: no programs"


@command("run", ":run NAME a b c", "the interpreter and the compiled model on one input")
def _run(repl: "Repl", text: str) -> str:
    name, tokens = _name_and_tokens(text)
    lines, _ = run_lines(repl.ask(repl.client.run, name, tokens))
    return "\n".join(lines)


@command("check", ":check [NAME]", "every diagnostic for a program, over its whole input space")
def _check(repl: "Repl", text: str) -> str:
    name = text.strip() or default_program(repl)
    program, diagnostics = repl.ask(repl.client.check, name)
    return report_text(FileReport(path=name, programs=[program], diagnostics=diagnostics), name)


@command("layers", ":layers [NAME]", "the compiled layers: operations per head and MLP")
def _layers(repl: "Repl", text: str) -> str:
    result = repl.ask(repl.client.layers, text.strip() or default_program(repl))
    if result["model"] is None:
        raise CommandError(f"`{result['program']}` does not compile: {result['error']}")
    return layer_table(result["program"], result["model"], width=repl.width)


@command("trace", ":trace NAME a b c", "the residual stream after each layer, decoded")
def _trace(repl: "Repl", text: str) -> str:
    name, tokens = _name_and_tokens(text)
    return repl.ask(repl.client.trace, name, tokens)


@command("plot", ":plot NAME a b c [-o FILE.png]", "draw the residual stream and attention")
def _plot(repl: "Repl", text: str) -> str:
    words = shlex.split(text)
    path = None
    if "-o" in words:
        at = words.index("-o")
        if at + 1 >= len(words):
            raise CommandError("-o needs a file name")
        path = words[at + 1]
        del words[at : at + 2]
    name, tokens = _name_and_tokens(" ".join(words))
    # Without -o, a temporary folder: the session never writes into the user's files unasked.
    target = Path(path or _scratch_png(name)).expanduser().resolve()
    width, height = repl.ask(repl.client.plot, name, tokens, str(target), PLOT_TIMEOUT)
    return f"wrote {target} ({width} x {height} px)"


def _scratch_png(name: str) -> str:
    return str(Path(tempfile.mkdtemp(prefix="rasp-plot-")) / f"{name}-layers.png")


@command(
    "draft",
    ":draft SPEC [| IN -> OUT]...",
    "draft a verified program from a spec with a language model (docs/drafting.md)",
)
def _draft(repl: "Repl", text: str) -> str:
    from raspstudio.repl.draft import (  # the openai client loads only when asked
        DraftError,
        run_draft,
    )

    try:
        return run_draft(repl, text)
    except DraftError as e:
        raise CommandError(str(e)) from None


@command("save", ":save FILE [--force]", "write this session's definitions as a program file")
def _save(repl: "Repl", text: str) -> str:
    words = text.split()
    force = "--force" in words
    words = [w for w in words if w != "--force"]
    if len(words) != 1:
        raise CommandError("give one file name, e.g. :save my_program.py")
    path = Path(words[0]).expanduser()
    if path.exists() and not force:
        raise CommandError(f"{path} exists; :save {path} --force replaces it")
    path.write_text(repl.program_file(), encoding="utf-8")
    return f"wrote {path}"


@command("quit", ":quit", "leave (Ctrl-D too)", ("q", "exit"))
def _quit(repl: "Repl", text: str) -> str:
    raise Quit()

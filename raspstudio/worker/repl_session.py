"""A REPL session, kept in the worker: definitions typed one at a time, each echoed on an example.

The REPL front end (repl/) sends every input here, so user code runs only in the worker. Each
input is compiled under a file name of its own (`<repl-3>`, kept in linecache): spans,
tracebacks and interrupts then point at lines of the input they are in, and an error raised in
a function an earlier input defined says so. Each definition that yields a RASP expression
comes back as an Echo, its values on the running example already turned into text (user values
need not be picklable).
"""

import ast
import contextlib
import dataclasses
import io
import linecache
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from tracr.compiler import lib
from tracr.rasp import rasp

from raspstudio.config import NO_VOCAB, Config, resolve_config
from raspstudio.evidence import Evidence
from raspstudio.pipeline.check import analyze_program
from raspstudio.pipeline.interpret.per_input import evaluate_each
from raspstudio.pipeline.interrupted import Interrupted
from raspstudio.pipeline.load import Program, described, load_file
from raspstudio.pipeline.names import LOCAL, remember_variables, remembering_names
from raspstudio.pipeline.probe import (
    RequestError,
    checked_input,
    compile_or_reason,
    layers,
    run_on_input,
)
from raspstudio.pipeline.residual_trace import format_trace, trace_residual
from raspstudio.pipeline.spans import (
    display_name,
    frame_span,
    recording_spans,
    site_of,
    span_of,
)
from raspstudio.pipeline.validate import expression_problems, walk
from raspstudio.report import Diagnostic, Echo, FileReport, Outcome, ProgramReport, Span
from raspstudio.tokens import format_value, sorted_vocab
from raspstudio.worker import analysed
from raspstudio.worker.views import running_example

REPL_FILE = "<repl>"  # the inputs' file names start so: `<repl-1>`, `<repl-2>`, ...


def current_file() -> str:
    """The file name of the input being run (or last run): its frames are the user's."""
    return f"{REPL_FILE[:-1]}-{_session.inputs}>"


@dataclass
class Session:
    namespace: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # vocab, max_seq_len from the REPL
    example: list | None = None
    file_config: dict[str, Any] = field(default_factory=dict)  # from the last :load
    loaded: dict[str, "_FromFile"] = field(default_factory=dict)  # its programs, by name
    defined: dict[str, None] = field(default_factory=dict)  # SOp names, last bound last
    inputs: int = 0  # how many inputs have run (each gets a file name: current_file)

    @property
    def config(self) -> Config:
        return _resolved(self.settings, self.example, self.file_config)


def _resolved(settings: dict, example: list | None, file_config: dict) -> Config:
    """The session's configuration. With no vocabulary set (no :vocab, no loaded file), the
    running example's tokens are the vocabulary, so that a bare REPL shows values at once."""
    config = resolve_config({}, {}, settings, defaults=file_config)
    if config.vocab is None and example:
        longest = max(config.max_seq_len, len(example))
        config = dataclasses.replace(config, vocab=frozenset(example), max_seq_len=longest)
    return config


@dataclass
class _FromFile:
    """A program of the last loaded file, as it was loaded."""

    program: Program
    config: Config
    reference: Any
    defined: Any  # what the file bound the name to: the SOp, or the make_* function


_session = Session()


def start(settings: dict | None = None, example: list | None = None) -> dict[str, list[str]]:
    """A fresh session: `rasp` and `lib` in scope, nothing defined."""
    _session.namespace = {"rasp": rasp, "lib": lib, "__name__": "__rasp_repl__"}
    _session.file_config, _session.defined = {}, {}
    configure(settings or {}, example)
    return names()


def configure(settings: dict, example: list | None) -> dict[str, Any]:
    """The REPL's vocab, max_seq_len and running example; checked before they are kept."""
    config = _resolved(settings, example, _session.file_config)
    if example is not None and config.vocab is not None:
        checked_input(example, config)
    _session.settings, _session.example = settings, example
    return describe_config()


def describe_config() -> dict[str, Any]:
    config = _session.config
    example = _example(config) if config.vocab else None
    chosen = resolve_config({}, {}, _session.settings, defaults=_session.file_config)
    return {
        "vocab": sorted_vocab(config.vocab) if config.vocab else None,
        "vocab_from_example": chosen.vocab is None and config.vocab is not None,
        "max_seq_len": config.max_seq_len,
        "example": example,
    }


def _example(config: Config) -> list:
    return running_example(config, _session.example)[0]


def names() -> dict[str, list[str]]:
    """What the REPL completes: names in scope, and the members of `rasp`, `lib`, Comparison;
    and the SOps typed in, the last bound last (a command without a name is about it)."""
    namespace = _session.namespace
    return {
        "scope": sorted(n for n in namespace if not n.startswith("_")),
        "sops": [n for n in _session.defined if isinstance(namespace.get(n), rasp.SOp)],
        "rasp": sorted(n for n in vars(rasp) if not n.startswith("_")),
        "lib": sorted(n for n, v in vars(lib).items() if callable(v) and not n.startswith("_")),
        "Comparison": [c.name for c in rasp.Comparison],
    }


def execute(source: str) -> Outcome:
    """Run one input; echo every RASP expression it assigned (or its bare expression)."""
    _session.inputs += 1
    file = current_file()
    linecache.cache[file] = (len(source), None, source.splitlines(keepends=True), file)
    try:
        tree = ast.parse(source, file, "exec")
    except SyntaxError as e:
        return Outcome(error=f"line {e.lineno}: SyntaxError: {e.msg}")
    targets = _echoed_names(tree)
    printed = io.StringIO()
    ran: list[str] = []  # statement by statement, so that what ran before a failure is kept
    with (
        recording_spans(file),
        remembering_names(file),
        contextlib.redirect_stdout(printed),
    ):
        try:
            for statement in tree.body:
                exec(compile(ast.Module([statement], []), file, "exec"), _session.namespace)
                ran.append(_kept(source, statement))
        except Interrupted:
            raise
        except BaseException as e:  # noqa: BLE001 - user code may raise anything
            error = _located(e, file)
        else:
            error = None
    remember_variables(_session.namespace)
    for name in targets:
        if isinstance(_session.namespace.get(name), rasp.SOp) and name != "_":
            _session.defined.pop(name, None)
            _session.defined[name] = None
    outcome = Outcome(printed=printed.getvalue(), error=error, ran="\n".join(filter(None, ran)))
    if error is not None:
        return outcome
    for name in targets:
        value = _session.namespace.get(name)
        if isinstance(value, rasp.RASPExpr):
            outcome.echoes.append(echo(value))
        elif name == "_" and value is not None:
            outcome.value = repr(value)
    return outcome


def _kept(source: str, statement: ast.stmt) -> str:
    """A statement's source as typed, decorators included; "" for a bare name or attribute,
    which only shows a value (the last bare expression was turned into `_ = ...`)."""
    value = statement.value if isinstance(statement, ast.Expr | ast.Assign) else None
    looked_up = isinstance(value, ast.Name | ast.Attribute)
    if looked_up and (isinstance(statement, ast.Expr) or _binds_underscore(statement)):
        return ""
    decorators = getattr(statement, "decorator_list", [])
    text = ast.get_source_segment(source, statement) or ""
    above = [f"@{ast.get_source_segment(source, d)}" for d in decorators]
    return "\n".join([*above, text])


def _binds_underscore(statement: ast.stmt) -> bool:
    targets = statement.targets if isinstance(statement, ast.Assign) else []
    return [getattr(t, "id", None) for t in targets] == ["_"]


def _echoed_names(tree: ast.Module) -> list[str]:
    """The names the input binds at top level, in order; a final bare expression is bound to
    `_` (each is echoed under its display name: the variable, or the bare expression's own)."""
    found: dict[str, None] = {}
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        tree.body[-1] = ast.copy_location(
            ast.Assign(targets=[ast.Name("_", ast.Store())], value=last.value), last
        )
        ast.fix_missing_locations(tree)
        found["_"] = None
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else []
        if isinstance(statement, ast.AnnAssign | ast.AugAssign):
            targets = [statement.target]
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    found.setdefault(node.id)
    return list(found)


def _located(e: BaseException, file: str) -> str:
    """The error at the line of input `file` that raised it, then, as Python's traceback
    does, a line for each function of the session it was raised in: the line of the input
    that defined the function (this one, or an earlier one) and its code."""
    outermost = None
    inner: list[tuple[FrameType, int]] = []  # frames of session code under that line
    tb = e.__traceback__
    while tb is not None:
        frame_file = tb.tb_frame.f_code.co_filename
        if frame_file == file and outermost is None:
            outermost = frame_span(tb.tb_frame, tb.tb_lasti)
        elif outermost is not None and frame_file.startswith(REPL_FILE[:-1]):
            inner.append((tb.tb_frame, tb.tb_lasti))
        tb = tb.tb_next
    where = f"line {outermost.line}: " if outermost else ""
    if isinstance(e, SystemExit):
        head = f"{where}the input called sys.exit({e.code!r})"
    elif isinstance(e, SyntaxError):  # Python's lines, with the caret under the fault
        head = where + "".join(traceback.format_exception_only(type(e), e)).rstrip()
    else:
        head = f"{where}{type(e).__name__}: {described(e)}"
    return "\n".join([head, *(_called(frame, lasti, file) for frame, lasti in inner)])


def _called(frame: FrameType, lasti: int, file: str) -> str:
    """`  in f, line 3 of an earlier input: return 1 / x`."""
    code = frame.f_code
    line = frame_span(frame, lasti).line
    which = "this input" if code.co_filename == file else "an earlier input"
    text = linecache.getline(code.co_filename, line).strip()
    return f"  in {code.co_name}, line {line} of {which}: {text}"


def echo(expr: rasp.RASPExpr) -> Echo:
    """An expression's value on the running example, as the REPL prints it, under the name
    every view gives it (spans.display_name)."""
    config = _session.config
    is_selector = isinstance(expr, rasp.Selector)
    found = Echo(
        name=display_name(expr),
        kind=expr.label if expr.label in ("tokens", "indices", "length") else type(expr).__name__,
        encoding=None if is_selector else rasp.get_encoding(expr).value,
        example=[],
        warnings=[f"{p.code} {p.text}" for p in expression_problems(expr)],
    )
    if config.vocab is None:
        found.error = NO_VOCAB
        return found
    found.example = _example(config)
    evaluation = evaluate_each(expr, [found.example], causal=config.causal)
    failure = next(iter(evaluation.failures.values()), None)
    if failure is not None:
        found.error = f"`{display_name(failure.expr)}` fails on {found.example}: {failure.message}"
    elif is_selector:
        found.matrix = evaluation.outputs[0]
    else:
        found.values = [format_value(v) for v in evaluation.outputs[0]]
    return found


# -- commands on a named program --------------------------------------------------------------


def _program(name: str) -> Program:
    value = _session.namespace.get(name)
    if callable(value) and name.startswith("make_"):
        defined_in = getattr(getattr(value, "__code__", None), "co_filename", current_file())
        with recording_spans(defined_in), remembering_names(defined_in):
            value = value()
        remember_variables({name: value}, LOCAL)  # its output is called after the builder
    if not isinstance(value, rasp.SOp):
        sops = [n for n, v in _session.namespace.items() if isinstance(v, rasp.SOp)]
        raise RequestError(
            f"no SOp named {name!r}; defined: {', '.join(sorted(sops)) or 'none yet'}"
        )
    if _session.config.vocab is None:
        raise RequestError(NO_VOCAB)
    return Program(name, value, span_of(value) or Span(1, 1, 1, 2))


def run(name: str, tokens: list) -> dict[str, Any]:
    return run_on_input(name, _program(name).sop, _session.config, tokens)


def analyze(name: str, loaded: bool = False) -> tuple[ProgramReport, list[Diagnostic], Evidence]:
    """Validate and evaluate a program of the session for the judge, as `analyze` does for a
    file's; the requests after it (`verify`, `trace`, ...) are the file's. A program of the
    last loaded file, not redefined since, is checked under the file's configuration and
    reference (`loaded`: it must be one)."""
    from_file = _session.loaded.get(name)
    if loaded and from_file is None:
        raise RequestError(f"the last loaded file has no program {name!r}")
    if not loaded and from_file and _session.namespace.get(name) is not from_file.defined:
        from_file = None  # redefined in the session since
    if from_file is None:
        program, config, reference = _program(name), _session.config, None
    else:
        program, config, reference = from_file.program, from_file.config, from_file.reference
        if _session.settings and not loaded:  # :vocab or :maxlen since the load: they win
            chosen = {key: getattr(_session.config, key) for key in _session.settings}
            config = dataclasses.replace(config, **chosen)
    result = analysed.checks[name] = analyze_program(program, config, reference)
    if from_file is None:
        _at_definitions(program.sop, result.diagnostics)
    return result.report, result.diagnostics, result.evidence


def _at_definitions(program: rasp.SOp, diagnostics: list[Diagnostic]) -> None:
    """Every input typed here is its own line 1, so a line says nothing of which input a
    diagnostic is in: name the definition it is at instead (`nsel:1:8`, where a file's path
    would be). A diagnostic's span is the very Span of its expression's site."""
    defined = {}
    for expr in walk(program):
        if (site := site_of(expr)) is not None:
            defined.setdefault(id(site.span), display_name(expr))
    for d in diagnostics:
        d.path = defined.get(id(d.span), d.path)
        d.related = [
            dataclasses.replace(r, path=defined.get(id(r.span), r.path)) for r in d.related
        ]


def layer_table(name: str) -> dict[str, Any]:
    """The layer table, with source lines only for a loaded file's program as loaded: every
    input typed here is its own line 1, so there they would say nothing."""
    result = layers(name, _program(name).sop, _session.config)
    from_file = _session.loaded.get(name)
    typed_here = from_file is None or _session.namespace.get(name) is not from_file.defined
    if result["model"] is not None and typed_here:
        for block in result["model"].blocks:
            block.lines = [None] * len(block.lines)
    return result


def _compiled(name: str, tokens: list) -> Any:
    program = _program(name)
    checked_input(tokens, _session.config)
    compiled, reason, _ = compile_or_reason(program.sop, _session.config)
    if compiled is None:
        raise RequestError(f"`{name}` does not compile: {reason}")
    return compiled


def trace(name: str, tokens: list) -> str:
    """The residual stream after each layer on one input, as text."""
    return format_trace(trace_residual(_compiled(name, tokens), tokens))


def plot(name: str, tokens: list) -> dict[str, Any]:
    """The PNG (bytes as a uint8 array) and its size; the front end writes it where asked,
    since the worker may write nowhere but its scratch folder."""
    import numpy as np

    from raspstudio.worker.plot import plot_layers  # matplotlib: only for those who plot

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "plot.png"
        width, height = plot_layers(_compiled(name, tokens), tokens, str(path), name)
        png = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    return {"png": png, "width": width, "height": height}


def load(path: str) -> tuple[FileReport, bool]:
    """A program file's definitions into the session, and its programs (the front end has
    each analysed with `repl_analyze(name, loaded=True)` and judged); and whether the file's
    configuration took over the session's."""
    loaded = load_file(path)
    report = FileReport(path=loaded.path, diagnostics=list(loaded.diagnostics))
    _session.loaded = {}
    if loaded.config is None:
        return report, False
    _session.namespace.update({k: v for k, v in loaded.namespace.items() if not k.startswith("__")})
    config = loaded.config
    _session.file_config = {"vocab": config.vocab, "max_seq_len": config.max_seq_len}
    # The file's configuration takes over: its vocabulary, length and first example, not
    # what the session had before (an earlier :vocab, :maxlen or :example).
    _session.settings = {}
    _session.example = config.examples[0] if config.examples else None
    for program in loaded.programs:
        defined = loaded.namespace.get(program.name)
        _session.loaded[program.name] = _FromFile(program, config, loaded.reference, defined)
        report.programs.append(ProgramReport(program.name, program.span.line))
    return report, True


HANDLERS = {
    "repl_start": start,
    "repl_configure": configure,
    "repl_settings": describe_config,
    "repl_names": names,
    "repl_execute": execute,
    "repl_run": run,
    "repl_analyze": analyze,
    "repl_layers": layer_table,
    "repl_trace": trace,
    "repl_plot": plot,
    "repl_load": load,
}

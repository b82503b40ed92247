"""The data the engine hands to front ends: spans, diagnostics, per-program and per-file reports.

Everything here is plain data (picklable, JSON-convertible) because it crosses the worker
boundary. Lines and columns are 1-based, end column exclusive, as in the CLI's JSON contract;
columns count characters (code points), as Python's SyntaxError does, not UTF-8 bytes.
"""

from dataclasses import asdict, dataclass, field

from raspstudio.codes import Severity, code
from raspstudio.tokens import format_value


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int

    def __post_init__(self) -> None:  # a worker's reply is checked as it is decoded
        if not all(
            type(n) is int for n in (self.line, self.column, self.end_line, self.end_column)
        ):
            raise ValueError("a span is four integers")


@dataclass(frozen=True)
class Related:
    """Another location a diagnostic points to: an expression its message names, or a call
    that led from the checked file to where the diagnostic is (pipeline/spans.py)."""

    span: Span
    message: str
    path: str | None = None  # the file the span is in; None: the checked file itself

    def __post_init__(self) -> None:  # a worker's reply is checked as it is decoded
        if not (
            isinstance(self.span, Span)
            and isinstance(self.message, str)
            and (self.path is None or isinstance(self.path, str))
        ):
            raise ValueError("a related location is a span, a message and a path or None")

    def to_json(self, file: str | None = None) -> dict:
        """`file`: the checked file's path, written where `path` is None."""
        return {"message": self.message, "path": self.path or file, **_span_json(self.span)}


@dataclass(frozen=True)
class Site:
    """Where a RASP expression was created: a span in `path` (None: the checked file), and
    the calls that led there from the checked file, innermost first; the last of them is in
    the checked file (when the chain reaches it)."""

    span: Span
    path: str | None = None
    calls: list[Related] = field(default_factory=list)

    def __post_init__(self) -> None:  # a worker's reply is checked as it is decoded
        if not (
            isinstance(self.span, Span)
            and (self.path is None or isinstance(self.path, str))
            and isinstance(self.calls, list)
            and all(isinstance(c, Related) for c in self.calls)
        ):
            raise ValueError("a site is a span, a path or None, and a list of calls")


@dataclass
class Diagnostic:
    code: str
    message: str
    span: Span
    program: str | None = None
    # What the message names, then (for a diagnostic in a helper module) the calls back to
    # the checked file, innermost first, as in `Site.calls`.
    related: list[Related] = field(default_factory=list)
    # The input the finding was made on (RASP2xx, 5xx), for tools that act on it: drafting
    # shows the model the values of every operation there.
    input: list | None = None
    path: str | None = None  # the file the span is in; None: the checked file itself

    @classmethod
    def at(
        cls,
        site: Site,
        code: str,
        message: str,
        program: str | None = None,
        related: list[Related] | None = None,
        input: list | None = None,
    ) -> "Diagnostic":
        """A diagnostic where an expression was created, with the calls that led there."""
        return cls(
            code, message, site.span, program, [*(related or []), *site.calls], input, site.path
        )

    @property
    def severity(self) -> Severity:
        return code(self.code).severity

    @property
    def anchor(self) -> Span:
        """Where the diagnostic shows in the checked file: its span, or for one in another file
        the outermost call from the checked file that led there (the file's start if none)."""
        if self.path is None:
            return self.span
        return next((r.span for r in reversed(self.related) if r.path is None), Span(1, 1, 1, 2))

    def to_json(self, file: str | None = None) -> dict:
        """`file`: the checked file's path, written where a `path` is None."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "program": self.program,
            "path": self.path or file,
            **_span_json(self.span),
            "related": [r.to_json(file) for r in self.related],
        }


def _span_json(span: Span) -> dict:
    return {
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


@dataclass
class LayerBlock:
    """One half-layer (or one head of it) and the RASP operations it computes."""

    layer: int
    sublayer: str  # "attn" or "mlp"
    head: int | None
    operations: list[str]  # display names: the user's `.named()` name, else the label
    labels: list[str]  # unique expression labels (graph node ids), same order
    lines: list[int | None]  # source line of each operation
    width: int  # hidden units (MLP) or key size (head) actually used


@dataclass
class ModelSummary:
    layers: int
    heads: int
    mlps: int
    residual_dim: int
    params: int
    blocks: list[LayerBlock]
    residual_labels: list[str]  # tracr's: `map_7:3`, what the weights' dimensions mean
    residual_names: list[str]  # the same dimensions as people read them: `up2:3`


@dataclass
class ProgramReport:
    name: str
    line: int
    compiled: bool = False
    verified_inputs: int = 0
    sampled: bool = False
    model: ModelSummary | None = None
    space: int = 0  # every input up to MAX_SEQ_LEN: how many there are
    complete: bool = False  # the verdict covers all of them (set by the judge)
    incomplete: str = ""  # why a sampled verdict could not be proved for all of them
    steered: int = 0  # inputs added to a sample to reach rare values (pipeline/coverage.py)
    unreached: list[str] = field(default_factory=list)  # what no tested input reached, in words

    def to_json(self) -> dict:
        m = self.model
        return {
            "name": self.name,
            "line": self.line,
            "compiled": self.compiled,
            "verified_inputs": self.verified_inputs,
            "complete": self.complete,
            "layers": m.layers if m else None,
            "heads": m.heads if m else None,
            "mlps": m.mlps if m else None,
            "residual_dim": m.residual_dim if m else None,
            "params": m.params if m else None,
        }


@dataclass
class ExpressionView:
    """What an editor shows for one RASP expression of a program (hover, inlay hint, lens)."""

    span: Span
    name: str  # the user's `.named()` name, else tracr's label
    kind: str  # "Map", "Aggregate", "Select", "tokens", ...
    encoding: str | None  # "categorical" or "numerical"; None for selectors
    value: str | None  # on the running example; None where evaluation stopped before it
    value_set: str | None = None  # as tracr inferred it; known once compiled
    placement: list[str] = field(default_factory=list)  # "L1 attn h0", "L2 mlp"; once compiled


@dataclass
class ProgramView:
    """A program seen through its running example: every expression's value and placement."""

    name: str
    example: list
    example_source: str  # "EXAMPLES", "set", or "default"
    expressions: list[ExpressionView] = field(default_factory=list)
    compiled: bool = False


@dataclass
class FileReport:
    path: str
    programs: list[ProgramReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    views: dict[str, ProgramView] = field(default_factory=dict)  # by program name; editors

    def count(self, severity: Severity) -> int:
        return sum(d.severity == severity for d in self.diagnostics)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "programs": [p.to_json() for p in self.programs],
            "diagnostics": [d.to_json(self.path) for d in self.diagnostics],
        }


@dataclass
class Echo:
    """A RASP expression the REPL just defined, evaluated on the running example."""

    name: str  # its display name: `.named()`, else the variable, else tracr's label
    kind: str  # "Map", "Select", "tokens", ...
    encoding: str | None  # None for selectors
    example: list  # the running example's tokens
    values: list[str] | None = None  # an SOp's value at each position, as text
    matrix: list[list[bool]] | None = None  # a selector: [query][key]
    error: str | None = None  # why it has no value on the example
    # What tracr cannot compile in it (RASP3xx), as `rasp check` words it: the REPL shows its
    # value all the same, since the interpreter runs it.
    warnings: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """What one REPL input did: its echoes, what it printed, its value, or where it failed."""

    echoes: list[Echo] = field(default_factory=list)
    printed: str = ""
    value: str | None = None  # repr of a bare expression that is not a RASP expression
    error: str | None = None  # located: "line 2: ZeroDivisionError: division by zero"
    ran: str = ""  # the source of the statements that ran (bare lookups left out): for :save


def counted(n: int, noun: str) -> str:
    """`1 layer`, `2 layers`: how reports count things."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def summary_json(reports: list[FileReport]) -> dict:
    """The `summary` object of `rasp check --format json`."""
    return {
        "files": len(reports),
        "programs": sum(len(r.programs) for r in reports),
        "errors": sum(r.count("error") for r in reports),
        "warnings": sum(r.count("warning") for r in reports),
    }


def model_json(model: ModelSummary) -> dict:
    return asdict(model)


@dataclass
class TracedVariable:
    """One RASP variable as the residual stream holds it after a stage (residual_trace.py)."""

    name: str  # the user's `.named()` name, else tracr's label
    label: str  # unique expression label (graph node id)
    numerical: bool
    values: list  # one per position, BOS first; None where a categorical one is unwritten (≈ 0)
    changed: bool  # written by this stage: new, or different from the stage before


@dataclass
class TraceStage:
    """The residual stream after the embeddings (layer None) or after one used half-layer."""

    layer: int | None
    sublayer: str | None  # "attn" or "mlp"; None for the embeddings
    variables: list[TracedVariable] = field(default_factory=list)  # those holding a value

    @property
    def label(self) -> str:
        """`embeddings`, `L0 attn`, `L0 mlp`: layers counted from 0, as in the layer table."""
        return "embeddings" if self.layer is None else f"L{self.layer} {self.sublayer}"


@dataclass
class ResidualTrace:
    """Every RASP variable read back from the compiled model's residual stream, stage by stage."""

    tokens: list  # the input, BOS first
    stages: list[TraceStage] = field(default_factory=list)


def format_values(values: list) -> str:
    """`[1, 'a', 0.3333]`: each value as tokens.format_value shows it, strings quoted."""
    return "[" + ", ".join(format_value(v, quoted=True) for v in values) + "]"


def coverage(program: ProgramReport) -> str:
    """What the verdict covers: "verified on all 363 inputs", "verified on all 11,111,111,110
    inputs (block-wise)" (proved, judge/proof.py), or "tested on 2,000 of 11,111,111,110
    inputs, not a proof: <why the proof failed>" (a sample shows agreement, it proves nothing)."""
    if program.complete:
        how = " (block-wise)" if program.sampled else ""
        return f"verified on all {program.space:,} inputs{how}"
    if not program.sampled and program.verified_inputs == program.space:  # None outputs
        return f"agrees on all {program.space:,} inputs where its output is defined (not all is)"
    of = f" of {program.space:,}" if program.space else ""
    steered = f" ({program.steered:,} steered towards rare values)" if program.steered else ""
    why = f": {program.incomplete}" if program.incomplete else ""
    return f"tested on {program.verified_inputs:,}{of} inputs{steered}, not a proof{why}"


UNREACHED_SHOWN = 12  # lines of what a sample never reached, at most


def untested(program: ProgramReport) -> str:
    """What a sample that is not a proof never reached (pipeline/coverage.py), or ""."""
    if program.complete or not program.sampled or not program.unreached:
        return ""
    lines = [str(line) for line in program.unreached]
    shown = "; ".join(lines[:UNREACHED_SHOWN])
    more = f"; and {len(lines) - UNREACHED_SHOWN} more" if len(lines) > UNREACHED_SHOWN else ""
    return f"never reached by a tested input (some may be unreachable): {shown}{more}"

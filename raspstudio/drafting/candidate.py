"""One reply from the model → one judged attempt: how far its draft got, and what to tell it.

The code in the reply passes the AST policy before anything runs; then the engine checks it
in the worker like any file (the server and CLI processes never execute it), except that no
module beside it can be imported (`siblings=False`: drafts need no helper modules). The draft
is checked as the file the user will get: our docstring and constants for what the request
fixes (vocabulary, length, examples), the model's code, and the reference when there is one.
"""

import ast

from raspstudio.drafting.data import STAGES, Attempt, DraftRequest
from raspstudio.drafting.policy import refusals
from raspstudio.drafting.prompt import extract_code
from raspstudio.engine.file_requests import Engine
from raspstudio.report import Diagnostic, FileReport, format_values

# The stage a diagnostic keeps a draft from passing: by code, else by family.
_BLOCKS = {
    "RASP201": "runs",
    "RASP202": "validates",
    "RASP502": "matches",
    "RASP503": "matches",
    "RASP1": "runs",
    "RASP3": "validates",
    "RASP4": "compiles",
    "RASP5": "verified",
}
_PIPELINE = " → ".join(STAGES[1:])


def judge(
    reply: str, request: DraftRequest, engine: Engine, path: str, round_: int, sample: int
) -> Attempt:
    """Extract, police, check and score one reply."""
    code = extract_code(reply)
    if code is None:
        problem = "the reply has no ```python code block"
        return Attempt(round_, sample, "none", problem, repair=f"Your reply: {problem}.")
    refused = refusals(code)
    if refused:
        lines = [f"line {r.line}, column {r.column}: {r.message}" for r in refused]
        problem = f"refused before running: {lines[0]}"
        repair = "The draft was not run, because it breaks the rules for drafts:\n" + "\n".join(
            f"- {line}" for line in lines
        )
        return Attempt(round_, sample, "none", problem, repair=repair)
    source = assemble(code, request)
    overrides = {"mlp_exactness": request.mlp_exactness} if request.mlp_exactness else None
    report = engine.check_file(path, source, overrides, siblings=False)
    return _score(report, source, request, engine, path, overrides, round_, sample)


def assemble(code: str, request: DraftRequest) -> str:
    """The file to check: the model's code under our spec, with our constants and reference.

    The model's own docstring, `reference` and the constants the request fixes are dropped,
    so the draft cannot weaken its own test.
    """
    fixed = {"EXAMPLES"} if request.examples else set()
    fixed |= {"VOCAB"} if request.vocab is not None else set()
    fixed |= {"MAX_SEQ_LEN"} if request.max_seq_len is not None else set()
    try:
        body = ast.parse(code).body
    except (SyntaxError, ValueError):
        body = []  # the engine reports the syntax error, located
    lines = code.splitlines()
    drop: set[int] = set()
    insert_at = 0  # after the leading docstring and imports
    for i, node in enumerate(body):
        leading = isinstance(node, ast.Import | ast.ImportFrom) or _is_docstring(node, i)
        if leading and i == insert_at:
            insert_at = i + 1
        if _is_docstring(node, i) or _defines(node, fixed | {"reference"}):
            drop |= set(range(node.lineno - 1, node.end_lineno))
    after = body[insert_at - 1].end_lineno if insert_at else 0
    kept = [line for n, line in enumerate(lines[:after]) if n not in drop]
    rest = [line for n, line in enumerate(lines[after:], start=after) if n not in drop]
    parts = [_docstring(request.spec), "\n".join(kept).strip(), _constants(request)]
    parts += ["\n".join(rest).strip(), (request.reference or "").strip()]
    return "\n\n".join(p for p in parts if p) + "\n"


def _is_docstring(node: ast.stmt, index: int) -> bool:
    return index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _defines(node: ast.stmt, names: set[str]) -> bool:
    if isinstance(node, ast.FunctionDef):
        return node.name in names
    targets = node.targets if isinstance(node, ast.Assign) else []
    if isinstance(node, ast.AnnAssign):
        targets = [node.target]
    return any(isinstance(t, ast.Name) and t.id in names for t in targets)


def _docstring(spec: str) -> str:
    return '"""' + spec.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


def _constants(request: DraftRequest) -> str:
    lines = []
    if request.vocab is not None:
        lines.append("VOCAB = {" + ", ".join(map(repr, request.vocab)) + "}")
    if request.max_seq_len is not None:
        lines.append(f"MAX_SEQ_LEN = {request.max_seq_len}")
    if request.examples:
        expected = "; ".join(e.text() for e in request.examples)
        lines.append(f"EXAMPLES = {[e.input for e in request.examples]!r}  # {expected}")
    return "\n".join(lines)


def _blocked(code: str) -> str:
    return _BLOCKS.get(code) or _BLOCKS[code[:5]]


def _score(
    report: FileReport,
    source: str,
    request: DraftRequest,
    engine: Engine,
    path: str,
    overrides: dict | None,
    round_: int,
    sample: int,
) -> Attempt:
    errors = [d for d in report.diagnostics if d.severity == "error"]
    attempt = Attempt(
        round_, sample, "verified", None, [d.to_json() for d in report.diagnostics], source
    )
    name = _program_name(report)
    failing: tuple[list, str] | None = None  # (input, what went wrong there)
    if errors:
        first = min(errors, key=lambda d: STAGES.index(_blocked(d.code)))
        attempt.stage = STAGES[STAGES.index(_blocked(first.code)) - 1]
        attempt.problem = f"{first.code}: {first.message}"
        with_input = [d for d in errors if d.input is not None]
        if with_input:
            failing = (with_input[0].input, "")
    if STAGES.index(attempt.stage) >= STAGES.index("runs") and request.examples:
        mismatch = _example_mismatch(request, engine, path, source, name, overrides)
        if mismatch is not None:
            attempt.stage, attempt.problem = "runs", mismatch[1]
            failing = mismatch
    if attempt.verified and not any(p.verified_inputs for p in report.programs):
        attempt.stage, attempt.problem = "compiles", "no input could be compared"
    if not attempt.verified:
        attempt.repair = _evidence(attempt, errors, failing, engine, path, name, overrides)
    return attempt


def _program_name(report: FileReport) -> str | None:
    names = [p.name for p in report.programs]
    return "program" if "program" in names else (names[0] if names else None)


def _example_mismatch(
    request: DraftRequest,
    engine: Engine,
    path: str,
    source: str,
    name: str | None,
    overrides: dict | None,
) -> tuple[list, str] | None:
    """The shortest example the program gets wrong, and how."""
    inputs = [e.input for e in request.examples]
    results, _, _ = engine.evaluate(path, source, inputs, name, overrides, siblings=False)
    if results is None:
        return None  # the check's own diagnostics already say why
    wrong = []
    for example, (status, value) in zip(request.examples, results, strict=True):
        if status == "error":
            wrong.append((example.input, f"on example {example.input}: {value}"))
        elif not example.matches(value):
            wrong.append(
                (
                    example.input,
                    f"on example {example.input} the program gives {format_values(value)}, "
                    f"expected {format_values(example.output)}",
                )
            )
    return min(wrong, key=lambda w: len(w[0])) if wrong else None


def _evidence(
    attempt: Attempt,
    errors: list[Diagnostic],
    failing: tuple[list, str] | None,
    engine: Engine,
    path: str,
    name: str | None,
    overrides: dict | None,
) -> str:
    """The repair message: the draft as checked, located errors, the failing input's values."""
    source = attempt.source or ""
    lines = source.splitlines()
    numbered = "\n".join(f"{n:4} | {line}" for n, line in enumerate(lines, start=1))
    parts = [
        f"Your draft, as checked (line numbers added):\n```python\n{numbered}\n```",
        f"It got as far as `{attempt.stage}` in {_PIPELINE}: {attempt.problem}",
    ]
    if errors:
        listed = []
        for d in errors:
            line = lines[d.span.line - 1].strip() if 0 < d.span.line <= len(lines) else ""
            listed.append(f"- line {d.span.line}, column {d.span.column}, {d.code}: {d.message}")
            listed += [f"      {d.span.line} | {line}"] if line else []
        parts.append("Errors:\n" + "\n".join(listed))
    if failing is not None:
        xs, what = failing
        parts.append(f"Smallest failing input: {xs}" + (f" ({what})" if what else ""))
        values = _values_on(xs, engine, path, source, name, overrides)
        if values:
            parts.append(f"Values of the operations on {xs}:\n{values}")
    return "\n\n".join(parts)


def _values_on(
    xs: list, engine: Engine, path: str, source: str, name: str | None, overrides: dict | None
) -> str:
    view, _, _ = engine.describe(path, source, xs, name, overrides, siblings=False)
    if view is None:
        return ""
    return "\n".join(
        f"  line {e.span.line} `{e.name}` ({e.kind}"
        + (f", {e.encoding}" if e.encoding else "")
        + f") = {(e.value or 'not evaluated').replace(chr(10), ' / ')}"
        for e in view.expressions
    )

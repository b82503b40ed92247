"""Static checks: constructs tracr cannot compile, found before compiling (RASP3xx).

tracr's own `static_validate` deduplicates expressions by *name*, so it skips every unnamed
operation after the first of its kind; here each expression is visited once by identity and
judged by tracr's per-expression rule, plus the constructs tracr rejects only deep inside the
compiler (`rasp.length`, `Full`, `&`/`|` of Selects over different keys or queries).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from tracr.compiler import validating
from tracr.rasp import rasp

from raspstudio.pipeline.encodings import encoding_message
from raspstudio.pipeline.spans import absorbed_spans, display_name, span_of


@dataclass
class Problem:
    code: str
    expr: rasp.RASPExpr
    message: str
    related: list[tuple[rasp.RASPExpr, str]]

    @property
    def text(self) -> str:
        """The message as reports show it, after the operation it is about."""
        return f"`{display_name(self.expr)}` ({type(self.expr).__name__}): {self.message}"


def walk(program: rasp.RASPExpr) -> Iterator[rasp.RASPExpr]:
    """Every expression reachable from `program`, children before parents, each once."""
    seen: set[int] = set()
    stack: list[tuple[rasp.RASPExpr, bool]] = [(program, False)]
    while stack:
        expr, expanded = stack.pop()
        if expanded:
            yield expr
            continue
        if id(expr) in seen:
            continue
        seen.add(id(expr))
        stack.append((expr, True))
        stack.extend((child, False) for child in reversed(expr.children))


_COMPOSITES = (rasp.SelectorAnd, rasp.SelectorOr, rasp.SelectorNot)
_CONSTANTS = (rasp.Full, rasp.ConstantSOp, rasp.ConstantSelector)


def static_problems(program: rasp.SOp) -> list[Problem]:
    exprs = list(walk(program))
    problems = [p for expr in exprs for p in expression_problems(expr)]
    if not any(isinstance(e, rasp.TokensType) for e in exprs):
        problems.append(
            Problem(
                "RASP308",
                program,
                "the program never reads rasp.tokens, but tracr compiles a program from its "
                "input tokens onwards: make it read them, e.g. use "
                "rasp.SequenceMap(lambda i, t: i, rasp.indices, rasp.tokens) where it uses "
                "rasp.indices",
                [],
            )
        )
    return problems


def expression_problems(expr: rasp.RASPExpr) -> list[Problem]:
    """What tracr cannot compile in this one expression (its children are judged on their
    own): for a program, and for the REPL's echo of a definition."""
    problems = []
    if isinstance(expr, _CONSTANTS):
        problems.append(Problem("RASP305", expr, _constant_message(expr), []))
    elif isinstance(expr, _COMPOSITES):
        problems.append(_composite_problem(expr))
    elif (unsupported := validating._static_validate_expr(expr)) is not None:
        problems.append(Problem("RASP301", expr, encoding_message(expr, unsupported.reason), []))
    if any(isinstance(child, rasp.LengthType) for child in expr.children):
        problems.append(
            Problem(
                "RASP304",
                expr,
                "uses rasp.length, which evaluates but does not compile; use "
                "`lib.make_length()` (from tracr.compiler import lib), which computes "
                "the length with an attention layer",
                [],
            )
        )
    return problems


def _constant_message(expr: rasp.RASPExpr) -> str:
    if isinstance(expr, rasp.ConstantSelector):
        fix = "rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE) (or FALSE)"
    elif isinstance(expr, rasp.Full):
        fix = f"rasp.Map(lambda i: {expr.fill!r}, rasp.indices)"
    else:
        fix = f"rasp.Map(lambda i: {list(expr.value)!r}[i], rasp.indices)"
    return (
        f"a {type(expr).__name__} evaluates, but tracr compiles only values computed from the "
        f"tokens and indices, so it has no constants: compute it with {fix}"
    )


def _composite_problem(expr: rasp.Selector) -> Problem:
    parts = [c for c in expr.children if isinstance(c, rasp.Selector)]
    kind = {rasp.SelectorAnd: "&", rasp.SelectorOr: "|", rasp.SelectorNot: "~"}[type(expr)]
    return Problem(
        "RASP306",
        expr,
        f"tracr cannot compile a combined selector (`{kind}`) unless both Selects use the same "
        "keys and the same queries; write a single rasp.Select whose predicate combines both "
        "conditions over one key SOp and one query SOp (build them with SequenceMap if needed)",
        [(p, f"`{display_name(p)}` is combined here") for p in parts],
    )


def unused_operations(namespace: dict, programs: list[rasp.SOp]) -> list[Problem]:
    """Module-level expressions of the user's file that no program uses (RASP607).

    Compared by source span, not identity: `.named()` and `numerical()` return copies, so the
    original of `x = rasp.Map(...).named("x")`'s inner call is not the object a program holds.
    """
    reachable = [e for program in programs for e in walk(program)]
    used = {span_of(e) for e in reachable} | {s for e in reachable for s in absorbed_spans(e)}
    found, seen = [], set()
    for name, value in namespace.items():
        span = span_of(value) if isinstance(value, rasp.RASPExpr) else None
        if span is None or span in used or span in seen or name.startswith("_"):
            continue
        seen.add(span)
        message = f"`{name}` is not used by any program; remove it or use it"
        found.append(Problem("RASP607", value, message, []))
    return found

"""RASP301 in words: which of tracr's encoding rules an operation breaks, why, and what compiles.

tracr's own reasons name no operand and give no fix ("Select keys must be categorical."), and
one fix does not suit every operand: a Map takes either encoding when wrapped in
`rasp.numerical(...)`/`rasp.categorical(...)`, but a SequenceMap, an Aggregate, tokens or
indices cannot simply be re-wrapped (tracr rejects a numerical SequenceMap or an Aggregate whose
encoding differs from its input's). So the fix offered for an operand depends on what produces
it: the wrapper for a Map, an identity Map of the other encoding for anything else.
"""

from tracr.rasp import rasp

from raspstudio.pipeline.spans import display_name

_PRIMITIVES = (rasp.TokensType, rasp.IndicesType)


def encoding_message(expr: rasp.RASPExpr, tracr_reason: str) -> str:
    """Why tracr rejects `expr`'s encodings and how to fix it; tracr's reason when unknown."""
    if isinstance(expr, _PRIMITIVES):
        return _primitive(expr)
    if isinstance(expr, rasp.Select):
        return _select(expr)
    if isinstance(expr, rasp.Aggregate):
        return _aggregate(expr)
    if isinstance(expr, rasp.LinearSequenceMap):
        return _sequence_map(expr, "numerical", "a linear layer on numerical values")
    if isinstance(expr, rasp.SequenceMap):
        return _sequence_map(
            expr, "categorical", "an MLP that looks up the output of every pair of input values"
        )
    return tracr_reason.strip()


def converted(sop: rasp.SOp, encoding: str) -> str | None:
    """Code for `sop`'s values in `encoding` that tracr compiles right (module docstring);
    None for an average made categorical, which no conversion gets right."""
    if encoding == "categorical" and _averages(sop):
        return None
    if isinstance(sop, rasp.Map):
        return f"rasp.{encoding}({code_name(sop)})"
    return f"rasp.{encoding}(rasp.Map(lambda x: x, {code_name(sop)}))"


def _averages(sop: rasp.RASPExpr) -> bool:
    """Whether a numerical SOp's values come from a numerical Aggregate: tracr assumes a mean
    is 0 or 1/n, so an MLP that reads it categorically misses the other fractions (RASP603)."""
    if not isinstance(sop, rasp.SOp) or not rasp.is_numerical(sop):
        return False
    return isinstance(sop, rasp.Aggregate) or any(_averages(c) for c in sop.children)


def _use(sop: rasp.SOp, encoding: str, role: str) -> str:
    """The fix for one operand: "`<code>` as <role>", or why there is none."""
    code = converted(sop, encoding)
    if code is not None:
        return f"`{code}` as {role}"
    return (
        f"`{display_name(sop)}` computed categorically as {role} (it is an average, which "
        "tracr cannot make categorical: it assumes a mean is 0 or 1/n; count with "
        "rasp.SelectorWidth instead of averaging)"
    )


def code_name(sop: rasp.RASPExpr) -> str:
    """How the user's code refers to an operation: `rasp.tokens`, or its name."""
    return f"rasp.{sop.label}" if isinstance(sop, _PRIMITIVES) else display_name(sop)


def _encoding(sop: rasp.RASPExpr) -> str:
    return rasp.get_encoding(sop).value


def _primitive(expr: rasp.SOp) -> str:
    name = code_name(expr)
    return (
        f"{name} is made numerical here, but tracr embeds tokens and indices only as "
        f"categorical values (one residual direction per value): use {name} as it is, and "
        f"rasp.numerical(rasp.Map(lambda x: x, {name})) where a number is needed"
    )


def _select(expr: rasp.Select) -> str:
    wrong = [
        (role, sop)
        for role, sop in (("keys", expr.keys), ("queries", expr.queries))
        if not rasp.is_categorical(sop)
    ]
    found = " and ".join(f"its {role} `{display_name(sop)}`" for role, sop in wrong)
    fixes = " and ".join(_use(sop, "categorical", f"the {role}") for role, sop in wrong)
    return (
        f"{found} are numerical; tracr compiles a Select to an "
        "attention pattern over every pair of query and key values, so both must be "
        f"categorical: select with {fixes}"
    )


def _aggregate(expr: rasp.Aggregate) -> str:
    outer, inner = _encoding(expr), _encoding(expr.sop)
    if outer != inner:
        kind = type(expr.sop).__name__
        article = "an" if kind[0] in "AEIOU" else "a"
        return (
            f"the Aggregate is {outer} but the SOp it aggregates, `{display_name(expr.sop)}` "
            f"({article} {kind}), is {inner}; tracr needs both the same (a numerical Aggregate "
            "averages numbers, a categorical one moves a value): use "
            f"{_use(expr.sop, outer, 'its SOp')}"
        )
    if outer == "categorical":
        return (
            f"its default is {expr.default!r}, but a categorical Aggregate compiles to an "
            "attention head that outputs nothing where a query selects no position, so tracr "
            "only accepts default=None: use default=None (or leave default out)"
        )
    return (
        f"its default is {expr.default!r}, but a numerical Aggregate compiles to an attention "
        "head whose average is 0 where a query selects no position, so tracr only accepts "
        "default=0: pass default=0"
    )


def _sequence_map(expr: rasp.SequenceMap, needed: str, compiled_to: str) -> str:
    kind = type(expr).__name__
    other = "numerical" if needed == "categorical" else "categorical"
    wrong_inputs = [
        (place, sop)
        for place, sop in (("first", expr.fst), ("second", expr.snd))
        if _encoding(sop) != needed
    ]
    found = [f"its {place} input `{display_name(sop)}`" for place, sop in wrong_inputs]
    fixes = [f"pass {_use(sop, needed, f'its {place} input')}" for place, sop in wrong_inputs]
    if _encoding(expr) != needed:
        found.insert(0, "it")
        fixes.insert(0, _own_fix(expr, needed))
    if needed == "categorical" and len(wrong_inputs) == 2:
        fixes.append(
            "or, for a function linear in both inputs, use rasp.numerical(rasp.LinearSequenceMap("
            f"{code_name(expr.fst)}, {code_name(expr.snd)}, <factor>, <factor>))"
        )
    return (
        f"{' and '.join(found)} {'is' if len(found) == 1 else 'are'} {other}; tracr compiles "
        f"a {kind} to {compiled_to}, so its inputs and output must be {needed}: "
        f"{'; '.join(fixes)}"
    )


def _own_fix(expr: rasp.SequenceMap, needed: str) -> str:
    if needed == "numerical":
        return "make it numerical (wrap it in rasp.numerical(...))"
    return (
        "make it categorical (no rasp.numerical(...) around it) and, where a number is "
        f"needed, use rasp.numerical(rasp.Map(lambda x: x, {display_name(expr)}))"
    )

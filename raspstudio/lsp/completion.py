"""Completion and signature help for tracr's RASP API in program files.

Pure functions of (text, position), so they answer instantly and are tested without a server.
`rasp.` completes from a hand-written table, because what a user needs most (what tracr can
compile, and how) is in tracr's compiler, not in its docstrings; every claim there was checked
against tracr's source. `lib.` is read from `tracr.compiler.lib` by introspection, so it follows
the installed tracr. Bare names come from the file's own outline. Text is usually mid-edit, so
both functions work from the characters before the cursor and never raise on malformed input.
"""

import functools
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lsprotocol import types

from raspstudio.lsp.symbols import document_symbols, split_lines

Kind = types.CompletionItemKind


@dataclass(frozen=True)
class ApiEntry:
    """One completable name. `params` holds (parameter as written, its doc) for callables, with
    inspect's `/` and `*` markers as parameters of their own (they take no argument); None for
    names that are not called. `detail` overrides the one derived from the signature."""

    name: str
    kind: types.CompletionItemKind
    doc: str
    params: tuple[tuple[str, str], ...] | None = None
    detail: str | None = None


_COMBINED = (
    "Built directly it does not compile: tracr compiles only plain `rasp.Select`s. Write `{op}` "
    "instead: when both are Selects over the *same* keys and queries SOps (the same objects: "
    '`rasp.tokens.named("t")` is a new one), `{op}` merges them into one Select, which compiles.'
)

RASP_API: tuple[ApiEntry, ...] = (
    ApiEntry(
        "Map",
        Kind.Class,
        "**SOp**: applies `f` to the value at each position of `inner`.\n\n"
        "Compiles to an MLP. At compile time tracr calls `f` on every value of `inner`'s "
        "inferred value set, not only on real inputs; values where `f` raises an "
        "ArithmeticError (e.g. division by zero) or returns None are left out. The output is "
        "categorical unless wrapped in `rasp.numerical(...)`:\n"
        "- numerical Map of a categorical SOp: a lookup table whose hidden layer goes through a "
        "ReLU, so **negative outputs are clipped to 0**;\n"
        "- numerical input: `f` is approximated by discretising on the input's value set "
        "(precision set by `mlp_exactness`).\n\n"
        "`f` must return plain values, not SOps. A Map of a Map is merged into one Map of the "
        "inner SOp (`simplify=True`), dropping the inner Map's name and encoding.",
        (
            ("f", "function of one value"),
            ("inner", "the SOp whose values `f` is applied to"),
            ("simplify=True", "merge with `inner` when it is a Map"),
        ),
    ),
    ApiEntry(
        "SequenceMap",
        Kind.Class,
        "**SOp**: applies `f(x, y)` to the values of `fst` and `snd` at each position.\n\n"
        "Compiles to an MLP with a hidden unit for every pair of input values (the number of "
        "`fst` values times that of `snd`), so it grows fast; `f` runs on every pair at "
        "compile time. tracr compiles it only when `fst`, `snd` and the result are all "
        "categorical; for numerical inputs use `rasp.LinearSequenceMap`. An operator between "
        "two SOps (`a + b`, `a - b`, ...) builds a SequenceMap.",
        (
            ("f", "function of two values"),
            ("fst", "SOp giving the first argument of `f`"),
            ("snd", "SOp giving the second argument of `f`"),
        ),
    ),
    ApiEntry(
        "LinearSequenceMap",
        Kind.Class,
        "**SOp**: `fst_fac * fst + snd_fac * snd` at each position.\n\n"
        "Compiles to a small MLP only when `fst`, `snd` and the result are all numerical "
        "(wrap each in `rasp.numerical(...)`).",
        (
            ("fst", "numerical SOp"),
            ("snd", "numerical SOp"),
            ("fst_fac", "factor of `fst`"),
            ("snd_fac", "factor of `snd`"),
        ),
    ),
    ApiEntry(
        "Aggregate",
        Kind.Class,
        "**SOp**: for each query position, the mean of `sop` over the key positions "
        "`selector` selects; `default` where it selects none.\n\n"
        "Compiles to an attention head. `selector` must be a plain `rasp.Select` (combined "
        "selectors do not compile) and the Aggregate's encoding must equal `sop`'s.\n"
        "- categorical (the default): each query must select at most one position, or only "
        "positions holding the same value, else the compiled model is silently wrong; "
        "`default` must be None.\n"
        "- numerical (`rasp.numerical(rasp.Aggregate(sel, numerical_sop, default=0))`): `sop` "
        "values must be 0 or 1 and `default` must be 0. tracr infers the output's value set as "
        "{x / n : x a value of `sop`, 1 ≤ n ≤ max_seq_len}, which misses means such as 2/3: a "
        "Map of the result is only right on that set.",
        (
            ("selector", "a `rasp.Select`"),
            ("sop", "the SOp whose selected values are averaged"),
            (
                "default=None",
                "the value where nothing is selected: None if categorical, 0 if numerical",
            ),
        ),
    ),
    ApiEntry(
        "Select",
        Kind.Class,
        "**Selector**: query position q selects key position k when "
        "`predicate(keys[k], queries[q])` is true (the key comes first).\n\n"
        "`predicate` is a `rasp.Comparison` or any function `(key, query) -> bool`; tracr "
        "evaluates it on every pair of key and query values at compile time. `keys` and "
        "`queries` must be categorical.",
        (
            ("keys", "categorical SOp read at the selected positions"),
            ("queries", "categorical SOp read at the selecting position"),
            ("predicate", "`rasp.Comparison.*` or `lambda key, query: ...`"),
        ),
    ),
    ApiEntry(
        "SelectorWidth",
        Kind.Class,
        "**SOp**: how many key positions `selector` selects for each query (0 to "
        "max_seq_len).\n\n"
        "Compiles to an attention head and an MLP. `selector` must be a plain `rasp.Select` "
        "(with categorical keys and queries). Categorical by default; `rasp.numerical(...)` "
        "also compiles.",
        (("selector", "a `rasp.Select`"),),
    ),
    ApiEntry(
        "SelectorAnd",
        Kind.Class,
        "**Selector**: selects where both `fst` and `snd` select.\n\n"
        + _COMBINED.format(op="fst & snd"),
        (("fst", "a Selector"), ("snd", "a Selector")),
    ),
    ApiEntry(
        "SelectorOr",
        Kind.Class,
        "**Selector**: selects where `fst` or `snd` selects.\n\n"
        + _COMBINED.format(op="fst | snd"),
        (("fst", "a Selector"), ("snd", "a Selector")),
    ),
    ApiEntry(
        "SelectorNot",
        Kind.Class,
        "**Selector**: selects where `inner` does not.\n\n"
        "Built directly it does not compile. `~sel` of a `rasp.Select` instead gives a Select "
        "with the negated predicate, which compiles.",
        (("inner", "a Selector"),),
    ),
    ApiEntry(
        "Comparison",
        Kind.Enum,
        "**Enum** of predicates for `rasp.Select`, called as `predicate(key, query)`: "
        "`rasp.Comparison.LT` selects the keys smaller than the query. Raises on a None key or "
        "query.",
    ),
    ApiEntry(
        "numerical",
        Kind.Function,
        "Returns a copy of `sop` with a **numerical** encoding (one residual dimension holding "
        "the value); use the returned copy.\n\n"
        "Compiles for a Map (from a categorical SOp, negative outputs are clipped to 0), an "
        "Aggregate of 0/1 values with default 0, a LinearSequenceMap and a SelectorWidth. Not "
        "for tokens, indices, Select keys or queries, or a non-linear SequenceMap.",
        (("sop", "the SOp to encode numerically"),),
    ),
    ApiEntry(
        "categorical",
        Kind.Function,
        "Returns a copy of `sop` with a **categorical** encoding (one residual dimension per "
        "value), the default.",
        (("sop", "the SOp to encode categorically"),),
    ),
    ApiEntry(
        "tokens",
        Kind.Variable,
        "**SOp**: the input tokens. Always categorical (numerical tokens do not compile); its "
        "value set is the vocabulary. tracr compiles only programs that use `rasp.tokens`.",
    ),
    ApiEntry(
        "indices",
        Kind.Variable,
        "**SOp**: each position's index, 0 to n - 1 (the compiler's BOS token is not "
        "counted). Always categorical; its value set is 0 … max_seq_len - 1.",
    ),
    ApiEntry(
        "length",
        Kind.Variable,
        "**SOp**: the input length at every position. Evaluates, but **does not compile** "
        "(tracr infers no value set for it): use `lib.make_length()`, which computes it with "
        "an attention layer.",
    ),
    ApiEntry(
        "Full",
        Kind.Class,
        "**SOp**: `fill` at every position. Evaluates, but **does not compile**: use "
        "`rasp.Map(lambda _: fill, rasp.tokens)`.",
        (("fill", "the value at every position"),),
    ),
    ApiEntry(
        "ConstantSOp",
        Kind.Class,
        "**SOp** for testing: evaluates to the list `value` (which must be as long as the input "
        "when `check_length`). **Does not compile.**",
        (("value", "the output list"), ("check_length=True", "require len(value) == len(input)")),
    ),
    ApiEntry(
        "ConstantSelector",
        Kind.Class,
        "**Selector** for testing: evaluates to the boolean matrix `value`. **Does not compile.**",
        (
            ("value", "the selection matrix, one row per query"),
            ("check_length=True", "require len(value) == len(input)"),
        ),
    ),
    ApiEntry(
        "selector_and",
        Kind.Function,
        "What `fst & snd` calls: one Select when both are Selects over the same keys and "
        "queries (this compiles), otherwise a `rasp.SelectorAnd` (which does not).",
        (("fst", "a Selector"), ("snd", "a Selector"), ("simplify=True", "try to merge")),
    ),
    ApiEntry(
        "selector_or",
        Kind.Function,
        "What `fst | snd` calls: one Select when both are Selects over the same keys and "
        "queries (this compiles), otherwise a `rasp.SelectorOr` (which does not).",
        (("fst", "a Selector"), ("snd", "a Selector"), ("simplify=True", "try to merge")),
    ),
    ApiEntry(
        "selector_not",
        Kind.Function,
        "What `~inner` calls: a Select with the negated predicate when `inner` is a Select "
        "(this compiles), otherwise a `rasp.SelectorNot` (which does not).",
        (("inner", "a Selector"), ("simplify=True", "negate a Select's predicate")),
    ),
    ApiEntry("SOp", Kind.Class, "Base class of sequence operations, e.g. for `-> rasp.SOp`."),
    ApiEntry("Selector", Kind.Class, "Base class of selectors, e.g. for `-> rasp.Selector`."),
)

COMPARISONS: tuple[ApiEntry, ...] = tuple(
    ApiEntry(name, Kind.EnumMember, doc)
    for name, doc in (
        ("EQ", "`key == query`: each query selects the keys equal to it."),
        ("LT", "`key < query`: each query selects the keys smaller than it."),
        ("LEQ", "`key <= query`: each query selects the keys smaller than or equal to it."),
        ("GT", "`key > query`: each query selects the keys greater than it."),
        ("GEQ", "`key >= query`: each query selects the keys greater than or equal to it."),
        ("NEQ", "`key != query`: each query selects the keys different from it."),
        ("TRUE", "Always true: each query selects every key."),
        ("FALSE", "Always false: nothing is selected (an Aggregate then gives its default)."),
    )
)

_MODULES = (
    ApiEntry("rasp", Kind.Module, "tracr's RASP language: `from tracr.rasp import rasp`."),
    ApiEntry(
        "lib", Kind.Module, "tracr's library of RASP programs: `from tracr.compiler import lib`."
    ),
)

# tracr's annotations, as inspect writes them, shortened to how a program file spells them.
_SHORTER = (
    ("tracr.rasp.rasp.", "rasp."),
    ("Union[NoneType, int, float, str, bool]", "rasp.Value"),
)
_MARKERS = ("/", "*")

# The dotted name (if any) and the identifier being typed at the end of the text.
_TYPED = re.compile(r"(?<![\w.])((?:[A-Za-z_]\w*\.)*)([A-Za-z_]\w*)?$")
_CALLEE = re.compile(r"([A-Za-z_][\w.]*)\s*$")
_LONGEST_CALLEE = 200
_KEYWORD = re.compile(r"\s*([A-Za-z_]\w*)\s*=(?!=)")
# Strings (closed, or left open where the text ends), comments, brackets and what splits
# arguments; a `'` that opens `'''` is not an empty string.
_TOKEN = re.compile(
    r"""(?P<string>'''(?:\\[\s\S]|[^\\])*?'''|\"\"\"(?:\\[\s\S]|[^\\])*?\"\"\""""
    r"""|'(?!'')(?:\\.|[^\\'\n])*'|"(?!"")(?:\\.|[^\\"\n])*")"""
    r"""|(?P<unclosed>'''[\s\S]*|\"\"\"[\s\S]*|['"][^\n]*)"""
    r"|(?P<comment>#[^\n]*)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<comma>,)|(?P<colon>:)"
    r"|(?P<lambda>\blambda\b)"
)


def completions(text: str, line: int, character: int) -> list[types.CompletionItem]:
    """Completion items at a 0-based position (`character` indexes the line's str)."""
    before = _text_before(text, line, character)
    if before is None or _scan(before)[1]:
        return []
    typed = _TYPED.search(before.rpartition("\n")[2])
    if typed is None:
        return []
    qualifier, prefix = typed.group(1).rstrip("."), typed.group(2) or ""
    if qualifier:
        entries, detail_prefix = _members(qualifier), qualifier
    else:
        entries, detail_prefix = _MODULES + _file_names(text, line), None
    return [
        _completion_item(entry, index, detail_prefix)
        for index, entry in enumerate(entries)
        if entry.name.lower().startswith(prefix.lower())
    ]


def signature_help(text: str, line: int, character: int) -> types.SignatureHelp | None:
    """The signature of the innermost RASP or lib call the position is inside, or None."""
    before = _text_before(text, line, character)
    if before is None:
        return None
    for bracket in reversed(_scan(before)[0]):
        window = max(0, bracket.start - _LONGEST_CALLEE)
        callee = _CALLEE.search(before, window, bracket.start) if bracket.char == "(" else None
        entry = _callable(callee.group(1)) if callee else None
        if entry is not None:
            qualified = callee.group(1)
            active = _active_parameter(entry, bracket, before[bracket.argument_start :])
            return types.SignatureHelp(
                signatures=[_signature(entry, qualified, active)],
                active_signature=0,
                active_parameter=active,
            )
    return None


def _text_before(text: str, line: int, character: int) -> str | None:
    """The document up to the position, lines joined by \\n; None for a position off the text."""
    lines = split_lines(text)
    if not 0 <= line < len(lines) or character < 0:
        return None
    return "\n".join([*lines[:line], lines[line][:character]])


def _members(qualifier: str) -> tuple[ApiEntry, ...]:
    """What follows `qualifier.`: only tracr's modules and Comparison are known (lib is read
    only when asked for)."""
    members = {"rasp": lambda: RASP_API, "rasp.Comparison": lambda: COMPARISONS, "lib": _lib_api}
    return members.get(qualifier, tuple)()


def _callable(qualified: str) -> ApiEntry | None:
    """The API entry a call like `rasp.Map` or `lib.make_sort` refers to, if known."""
    qualifier, _, name = qualified.rpartition(".")
    if qualifier not in ("rasp", "lib"):
        return None
    return next((e for e in _members(qualifier) if e.name == name and e.params is not None), None)


def _completion_item(entry: ApiEntry, index: int, qualifier: str | None) -> types.CompletionItem:
    """An item that keeps the table's order (most used first) and shows the signature."""
    if entry.params is not None and qualifier:
        detail = _signature_label(entry, qualifier)[0]
    else:
        detail = f"{qualifier}.{entry.name}" if qualifier else None
    return types.CompletionItem(
        label=entry.name,
        kind=entry.kind,
        detail=entry.detail or detail,
        documentation=_markdown(entry.doc),
        sort_text=f"{index:04d}",
    )


def _markdown(doc: str) -> types.MarkupContent | None:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc) if doc else None


# -- lib: introspection -------------------------------------------------------------------------


@functools.cache
def _lib_api() -> tuple[ApiEntry, ...]:
    """tracr.compiler.lib's public functions, read once. `lazy_tracr` first: importing
    `tracr.compiler` normally runs its __init__, which imports JAX (seconds, for nothing)."""
    from raspstudio import lazy_tracr

    lazy_tracr.install()
    from tracr.compiler import lib

    return tuple(
        _lib_entry(name, function)
        for name, function in vars(lib).items()
        if inspect.isfunction(function)
        and function.__module__ == lib.__name__
        and not name.startswith("_")
    )


def _lib_entry(name: str, function: Callable) -> ApiEntry:
    """An entry from the function's signature and docstring (first paragraph, Args section)."""
    doc = inspect.getdoc(function) or ""
    arguments = re.split(r"\n(?=\S)", doc.partition("\nArgs:\n")[2])[0]
    argument_docs = dict(re.findall(r"^\s+(\w+): (.+)$", arguments, re.M))
    parts = _parts(inspect.signature(function).parameters.values())
    params = tuple((part, argument_docs.get(_parameter_name(part), "")) for part in parts)
    return ApiEntry(name, Kind.Function, doc.split("\n\n")[0], params)


def _parts(parameters: Iterable[inspect.Parameter]) -> list[str]:
    """Each parameter as inspect writes it (annotations shortened), with the `/` and `*`
    markers where Python requires them: they say which arguments go by position or keyword."""
    parts, previous = [], None
    for parameter in parameters:
        kind = parameter.kind
        if previous is inspect.Parameter.POSITIONAL_ONLY and kind is not previous:
            parts.append("/")
        if kind is inspect.Parameter.KEYWORD_ONLY and previous not in (
            inspect.Parameter.KEYWORD_ONLY,
            inspect.Parameter.VAR_POSITIONAL,
        ):
            parts.append("*")
        parts.append(_shorten(str(parameter)))
        previous = kind
    if previous is inspect.Parameter.POSITIONAL_ONLY:
        parts.append("/")
    return parts


def _shorten(text: str) -> str:
    for long, short in _SHORTER:
        text = text.replace(long, short)
    return text


def _parameter_name(part: str) -> str:
    return re.match(r"\**(\w*)", part).group(1)


# -- bare names: the file's own ------------------------------------------------------------------


def _file_names(text: str, line: int) -> tuple[ApiEntry, ...]:
    """Programs and RASP operations the file defines, from its outline when it parses, or
    parses without the line being typed (the usual case), and from a line scan otherwise."""
    lines = split_lines(text)
    without_line = "\n".join([*lines[:line], "", *lines[line + 1 :]])
    symbols = document_symbols(text) or document_symbols(without_line)
    found = _symbol_names(symbols) if symbols else _scanned_names(text)
    unique = {entry.name: entry for entry in reversed(found)}  # first definition wins
    return tuple(reversed(unique.values()))


def _symbol_names(symbols: list[types.DocumentSymbol]) -> list[ApiEntry]:
    names = []
    for symbol in symbols:
        is_function = symbol.kind == types.SymbolKind.Function
        kind = Kind.Function if is_function else Kind.Variable
        names.append(ApiEntry(symbol.name, kind, "", detail=symbol.detail))
        names.extend(_symbol_names(symbol.children or []))
    return names


_DEFINITION = re.compile(r"^\s*def\s+(make_\w+)|^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)\s*(.*)$")
_RASP_VALUE = re.compile(r"[(\s]*(?:rasp|lib)\.|[(\s]*make_\w*\s*\(|.*\.named\(")


def _scanned_names(text: str) -> list[ApiEntry]:
    """make_* functions and `name = <RASP expression>` lines, for text that does not parse."""
    names = []
    for line in split_lines(text):
        found = _DEFINITION.match(line)
        if found and found.group(1):
            names.append(ApiEntry(found.group(1), Kind.Function, ""))
        elif found and _RASP_VALUE.match(found.group(3)):
            names.append(ApiEntry(found.group(2), Kind.Variable, ""))
    return names


# -- signature help: scanning the call the cursor is in ------------------------------------------


@dataclass
class _Bracket:
    """An open bracket: where it is, and how many of its arguments precede the cursor."""

    char: str
    start: int
    argument_start: int
    commas: int = 0
    lambdas: int = 0  # lambda parameter lists open directly inside (their commas split nothing)


def _scan(source: str) -> tuple[list[_Bracket], bool]:
    """The brackets still open at the end of `source` (innermost last), and whether it ends
    inside a string or a comment, where nothing should be completed."""
    stack: list[_Bracket] = []
    inside = False
    for token in _TOKEN.finditer(source):
        kind, top = token.lastgroup, stack[-1] if stack else None
        inside = kind in ("unclosed", "comment") and token.end() == len(source)
        if kind == "open":
            stack.append(_Bracket(token.group(), token.start(), token.end()))
        elif kind == "close" and stack:
            stack.pop()
        elif top is None:
            continue
        elif kind == "lambda":
            top.lambdas += 1
        elif kind == "colon" and top.lambdas:
            top.lambdas -= 1
        elif kind == "comma" and not top.lambdas:
            top.commas += 1
            top.argument_start = token.end()
    return stack, inside


def _active_parameter(entry: ApiEntry, bracket: _Bracket, argument: str) -> int | None:
    """The parameter the cursor's argument fills: by keyword when it has one, else by position
    (extra positional arguments all go to a `*args`); None when there are no parameters."""
    texts = [text for text, _ in entry.params if text not in _MARKERS]
    if not texts:
        return None
    names = [_parameter_name(text) for text in texts]
    keyword = _KEYWORD.match(argument)
    if keyword and keyword.group(1) in names:
        return names.index(keyword.group(1))
    star = next((i for i, text in enumerate(texts) if text.startswith("*")), None)
    return min(bracket.commas, star) if star is not None else bracket.commas


def _signature_label(entry: ApiEntry, qualifier: str) -> tuple[str, list[tuple[int, int]]]:
    """`qualifier.name(p1, p2, ...)` and where each real parameter sits in it."""
    label, offsets = f"{qualifier}.{entry.name}(", []
    for index, (text, _) in enumerate(entry.params):
        if index:
            label += ", "
        if text not in _MARKERS:
            offsets.append((len(label), len(label) + len(text)))
        label += text
    return label + ")", offsets


def _signature(entry: ApiEntry, qualified: str, active: int | None) -> types.SignatureInformation:
    qualifier = qualified.rpartition(".")[0]
    label, offsets = _signature_label(entry, qualifier)
    docs = [doc for text, doc in entry.params if text not in _MARKERS]
    return types.SignatureInformation(
        label=label,
        documentation=_markdown(entry.doc),
        parameters=[
            types.ParameterInformation(label=offset, documentation=_markdown(doc))
            for offset, doc in zip(offsets, docs, strict=True)
        ],
        active_parameter=active,
    )

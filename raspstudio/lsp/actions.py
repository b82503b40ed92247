"""Quick fixes for the engine's diagnostics: document text in, LSP code actions out.

Everything here is pure: the fixes are found by reading the document with `ast`, never by
running it (user code runs only in the worker process). Each diagnostic's range covers the
RASP expression the engine located (where the expression was created), so a fix starts from the
AST node with exactly that range and rewrites the source text around it.

Coordinates: LSP positions arrive 0-based with `character` as a Python str index (the server
converts UTF-16); `ast` lines are 1-based and its columns are UTF-8 byte offsets.
"""

import ast
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lsprotocol import types as lsp

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what both Python and LSP count as a line end
_WRAPPERS = ("numerical", "categorical")
_CHAIN_METHODS = ("named", "annotated")  # copies that keep the expression's meaning
_COMPOSITES = {
    "SelectorAnd": ast.And,
    "selector_and": ast.And,
    "SelectorOr": ast.Or,
    "selector_or": ast.Or,
}
_OPERATORS = {ast.BitAnd: ast.And, ast.BitOr: ast.Or}
_NESTED_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_KIND = re.compile(r"^`[^`]*` \((\w+)\)")
_PRIMITIVES = {"TokensType": "tokens", "IndicesType": "indices"}  # tracr: "should be categorical"


@dataclass(frozen=True)
class _Fix:
    title: str
    edits: list[lsp.TextEdit]


class _Source:
    """The document as lines and as an AST, with conversions between their coordinates."""

    def __init__(self, text: str, tree: ast.Module):
        self.text = text
        self.tree = tree
        self.lines = _LINE_BREAK.split(text)
        self.parents = {
            child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
        }
        self.assignments: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            target, value = _assigned(node)
            if target is not None:
                self.assignments.setdefault(target, []).append(value)

    def ast_position(self, position: lsp.Position) -> tuple[int, int]:
        """(1-based line, UTF-8 byte column) of an LSP position."""
        line = self.lines[position.line] if position.line < len(self.lines) else ""
        return position.line + 1, len(line[: position.character].encode())

    def lsp_position(self, lineno: int, col_offset: int) -> lsp.Position:
        line = self.lines[lineno - 1].encode()
        return lsp.Position(line=lineno - 1, character=len(line[:col_offset].decode()))

    def start(self, node: ast.AST) -> lsp.Position:
        return self.lsp_position(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> lsp.Position:
        return self.lsp_position(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ast.unparse(node)

    def node_at(self, span: lsp.Range) -> ast.expr | None:
        """The outermost expression whose source range is exactly `span`."""
        wanted = (*self.ast_position(span.start), *self.ast_position(span.end))
        for node in ast.walk(self.tree):
            if isinstance(node, ast.expr) and _ast_range(node) == wanted:
                return node
        return None

    def definition(self, node: ast.expr) -> ast.expr:
        """The value a name was bound to, when the file binds it exactly once; else the node.

        A name bound twice could mean either value at the place it is used, so it is left alone.
        """
        node = _unchained(node)
        if isinstance(node, ast.Name) and len(self.assignments.get(node.id, [])) == 1:
            return _unchained(self.assignments[node.id][0])
        return node

    def bound_once(self, node: ast.expr) -> bool:
        """Whether every name `node` reads means the same thing anywhere in the file."""
        names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
        return all(len(self.assignments.get(name, [])) <= 1 for name in names)

    def outer(self, node: ast.expr) -> ast.expr:
        """`node` with the `.named(...)`/`.annotated(...)` calls applied to it, if any."""
        parent = self.parents.get(node)
        while isinstance(parent, ast.Attribute) and parent.attr in _CHAIN_METHODS:
            call = self.parents.get(parent)
            if not (isinstance(call, ast.Call) and call.func is parent):
                break
            node, parent = call, self.parents.get(call)
        return node

    def enclosing_wrapper(self, node: ast.expr) -> ast.Call | None:
        """The outermost `rasp.numerical(...)`/`rasp.categorical(...)` applied to `node`."""
        found = _wrapper(_unchained(node))
        current = self.outer(node)
        while (parent := self.parents.get(current)) is not None and _wrapper(parent):
            found, current = parent, self.outer(parent)
        return found


def quick_fixes(text: str, uri: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """Code actions that fix the given diagnostics in `text`; [] when it does not parse."""
    try:
        source = _Source(text, ast.parse(text))
    except (SyntaxError, ValueError):  # ValueError: null bytes in the text
        return []
    actions = []
    for diagnostic in diagnostics:
        for fix in _fixes_for(source, diagnostic):
            actions.append(
                lsp.CodeAction(
                    title=fix.title,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(changes={uri: fix.edits}),
                    is_preferred=True,
                )
            )
    return actions


def _fixes_for(source: _Source, diagnostic: lsp.Diagnostic) -> Iterator[_Fix]:
    """The fixes the registry knows for this diagnostic's code.

    A quick fix is a convenience: a fixer that trips over an unusual file must not turn the
    editor's code-action request into an error, so its failure only drops its fix.
    """
    located = source.node_at(diagnostic.range)
    for fixer in _FIXERS.get(str(diagnostic.code), ()):
        try:
            fix = fixer(source, located, diagnostic.message)
        except Exception:  # noqa: BLE001 - see docstring
            continue
        if fix is not None:
            yield fix


# -- encodings (RASP301) --


def _fix_encoding(source: _Source, node: ast.expr | None, message: str) -> _Fix | None:
    """Convert the expressions whose encoding tracr rejects, as the engine's message says."""
    changes = [
        change
        for target, encoding, via_map in _encoding_targets(source, node, message)
        if target is not None and (change := _encode(source, target, encoding, via_map)) is not None
    ]
    if not changes:
        return None
    title = "; ".join(dict.fromkeys(c.title for c in changes))
    return _Fix(title, [e for c in changes for e in c.edits])


# The engine's fix for one operand (pipeline/encodings.py): "`rasp.categorical(nk)` as the
# keys", or through an identity Map when wrapping would not compile; an average made
# categorical gets no code, hence no fix.
_OPERAND_FIX = re.compile(
    r"`rasp\.(numerical|categorical)\((rasp\.Map\(lambda x: x, )?[^`]*\)` as "
    r"(the keys|the queries|its SOp|its first input|its second input)"
)
_OWN_FIX = re.compile(r"make it (numerical|categorical)")


def _encoding_targets(
    source: _Source, node: ast.expr | None, message: str
) -> list[tuple[ast.expr | None, str, bool]]:
    """(expression, encoding it needs, whether through an identity Map), from the message."""
    if primitive := _PRIMITIVES.get(_kind(message)):
        return [(call, "categorical", False) for call in _numerical_primitives(source, primitive)]
    if not isinstance(node, ast.Call):
        return []
    first = 0 if _kind(message) == "LinearSequenceMap" else 1
    operands = {
        "the keys": (0, "keys"),
        "the queries": (1, "queries"),
        "its SOp": (1, "sop"),
        "its first input": (first, "fst"),
        "its second input": (first + 1, "snd"),
    }
    targets = [(node, own[1], False) for own in _OWN_FIX.finditer(message)]
    for fix in _OPERAND_FIX.finditer(message):
        targets.append((_argument(node, *operands[fix[3]]), fix[1], fix[2] is not None))
    return targets


def _kind(message: str) -> str | None:
    """The operation's class, from check.py's "`name` (Kind): ..." message prefix."""
    found = _KIND.search(message)
    return found[1] if found else None


def _numerical_primitives(source: _Source, primitive: str) -> list[ast.Call]:
    """Every `rasp.numerical(rasp.tokens)` (or indices) in the file.

    tracr gives `rasp.tokens` no source position, so the engine cannot locate these.
    """
    return [
        node
        for node in ast.walk(source.tree)
        if (wrapper := _wrapper(node))
        and wrapper.func.attr == "numerical"
        and _rasp_attribute(_unchained(wrapper.args[0])) == primitive
    ]


def _encode(source: _Source, target: ast.expr, encoding: str, via_map: bool) -> _Fix | None:
    """Give `target` an encoding: through an identity Map, by switching the wrapper it
    already has, or by wrapping it."""
    if via_map:
        before = f"rasp.{encoding}(rasp.Map(lambda x: x, "
        return _Fix(
            f"Convert `{_short(source.segment(target))}` with {before}...))",
            _surround(source, target, before, "))"),
        )
    wrapper = source.enclosing_wrapper(target)
    if wrapper is not None:
        if wrapper.func.attr == encoding:
            return None
        module = source.segment(wrapper.func.value)
        return _Fix(
            f"Use {module}.{encoding}(...) instead of {module}.{wrapper.func.attr}(...)",
            [_replace(source, wrapper.func, f"{module}.{encoding}")],
        )
    return _Fix(
        f"Wrap `{_short(source.segment(target))}` in rasp.{encoding}(...)",
        _surround(source, target, f"rasp.{encoding}(", ")"),
    )


# -- Aggregate defaults (RASP301) --

_DEFAULT_NEEDED = re.compile(
    r"a (categorical|numerical) Aggregate compiles .* accepts default=(None|0)"
)


def _fix_aggregate_default(source: _Source, node: ast.expr | None, message: str) -> _Fix | None:
    """Set the only `default=` tracr accepts: None when categorical, 0 when numerical."""
    needed = _DEFAULT_NEEDED.search(message)
    if needed is None or not isinstance(node, ast.Call):
        return None
    value = needed[2]
    title = f"Set default={value} (tracr's only default for a {needed[1]} Aggregate)"
    current = _argument(node, 2, "default")
    if current is not None:
        return _Fix(title, [_replace(source, current, value)])
    last = max([*node.args, *(k.value for k in node.keywords)], key=_ast_range)
    return _Fix(title, [_insert(source.end(last), f", default={value}")])


# -- rasp.length (RASP304) --

_LENGTH_IMPORT = "from tracr.compiler import lib"


def _fix_length(source: _Source, node: ast.expr | None, message: str) -> _Fix | None:
    """Replace each `rasp.length` the operation reads with `lib.make_length()`."""
    if node is None:
        return None
    uses = [n for n in ast.walk(node) if _rasp_attribute(n) == "length"]
    uses += [
        definition
        for n in ast.walk(node)
        if isinstance(n, ast.Name)
        and _rasp_attribute(definition := source.definition(n)) == "length"
    ]
    if not uses:
        return None
    unique = {id(use): use for use in uses}.values()  # `f(n, n)` reads one definition twice
    edits = [_replace(source, use, "lib.make_length()") for use in unique]
    if not _imports_lib(source.tree):
        edits.append(_import_edit(source))
    return _Fix("Replace rasp.length with lib.make_length()", edits)


def _imports_lib(tree: ast.Module) -> bool:
    return any(
        (alias.asname or alias.name) == "lib"
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    )


def _import_edit(source: _Source) -> lsp.TextEdit:
    """`from tracr.compiler import lib` on the line after the last top-level import."""
    imports = [n for n in source.tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    line = imports[-1].end_lineno if imports else 0
    if line < len(source.lines):
        return _insert(lsp.Position(line=line, character=0), _LENGTH_IMPORT + "\n")
    return _insert(
        lsp.Position(line=line - 1, character=len(source.lines[line - 1])), "\n" + _LENGTH_IMPORT
    )


# -- composite selectors (RASP306) --


@dataclass(frozen=True)
class _Select:
    """A `rasp.Select(keys, queries, predicate)`, real or merged from a composite."""

    function: str
    keys: ast.expr
    queries: ast.expr
    predicate: ast.expr


def _fix_composite(source: _Source, node: ast.expr | None, message: str) -> _Fix | None:
    """Merge `A & B` / `A | B` of Selects over the same keys and queries into one Select."""
    if node is None or _composite(node) is None:
        return None
    merged = _as_select(source, node)
    if merged is None:
        return None
    text = (
        f"{merged.function}({source.segment(merged.keys)}, {source.segment(merged.queries)}, "
        f"{ast.unparse(merged.predicate)})"
    )
    return _Fix("Combine the Selects into one rasp.Select", [_replace(source, node, text)])


def _composite(node: ast.expr) -> tuple[type[ast.boolop], ast.expr, ast.expr] | None:
    """(and/or, first, second) when `node` combines two selectors."""
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)], node.left, node.right
    if isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords:
        operator = _COMPOSITES.get(_called_name(node))
        if operator is not None:
            return operator, node.args[0], node.args[1]
    return None


def _as_select(source: _Source, node: ast.expr) -> _Select | None:
    """The Select `node` is or combines into; None when tracr could not compile it as one."""
    node = source.definition(node)
    if (composite := _composite(node)) is not None:
        operator, first, second = composite
        parts = [_as_select(source, first), _as_select(source, second)]
        if None in parts or not _same_inputs(source, *parts):
            return None
        return _Select(parts[0].function, parts[0].keys, parts[0].queries, _merged(operator, parts))
    if not (isinstance(node, ast.Call) and _called_name(node) == "Select"):
        return None
    arguments = [
        _argument(node, i, name) for i, name in enumerate(("keys", "queries", "predicate"))
    ]
    if None in arguments:
        return None
    return _Select(source.segment(node.func), *arguments)


def _same_inputs(source: _Source, first: _Select, second: _Select) -> bool:
    """Same keys and queries text, with names that mean the same wherever the text moves."""
    return all(
        ast.dump(a) == ast.dump(b) and source.bound_once(a)
        for a, b in ((first.keys, second.keys), (first.queries, second.queries))
    )


def _merged(operator: type[ast.boolop], parts: list[_Select]) -> ast.Lambda:
    """`lambda key, query: P1 and P2` (or `or`), each predicate applied to (key, query)."""
    free = set().union(*(_free_names(part.predicate) for part in parts))
    key, query = _fresh("key", free), _fresh("query", free)
    body = ast.BoolOp(operator(), [_applied(p.predicate, key, query) for p in parts])
    params = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(key), ast.arg(query)],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )
    return ast.Lambda(params, body)


def _applied(predicate: ast.expr, key: str, query: str) -> ast.expr:
    """`predicate(key, query)`, inlined when it is a plain two-parameter lambda."""
    if _inlinable(predicate):
        names = {predicate.args.args[0].arg: key, predicate.args.args[1].arg: query}
        return _Renamer(names).visit(copy.deepcopy(predicate.body))
    arguments = [ast.Name(key, ast.Load()), ast.Name(query, ast.Load())]
    return ast.Call(copy.deepcopy(predicate), arguments, [])


def _inlinable(predicate: ast.expr) -> bool:
    """A lambda of exactly (key, query) whose body has no inner scope that could rebind them."""
    if not isinstance(predicate, ast.Lambda):
        return False
    args = predicate.args
    simple = len(args.args) == 2 and not (
        args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg or args.defaults
    )
    return simple and not any(isinstance(n, _NESTED_SCOPES) for n in ast.walk(predicate.body))


class _Renamer(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(self.names.get(node.id, node.id), node.ctx)


def _free_names(predicate: ast.expr) -> set[str]:
    """Names a predicate reads from outside itself (a lambda's own parameters excluded)."""
    names = {n.id for n in ast.walk(predicate) if isinstance(n, ast.Name)}
    if isinstance(predicate, ast.Lambda):
        names -= {a.arg for a in predicate.args.args}
    return names


def _fresh(name: str, taken: set[str]) -> str:
    """`name`, or a variant no predicate already reads (so renaming captures nothing)."""
    while name in taken:
        name += "_"
    return name


# -- unnamed operations (RASP605) --


def _fix_unnamed(source: _Source, node: ast.expr | None, message: str) -> _Fix | None:
    """Append `.named("x")`, parenthesizing an operator expression so the name covers it."""
    if node is None:
        return None
    suffix = f'.named("{_name_for(source, node, message)}")'
    if isinstance(node, ast.Call | ast.Name | ast.Attribute | ast.Subscript):
        edits = [_insert(source.end(node), suffix)]
    else:  # `a + b`: the call must apply to the whole operation
        edits = _surround(source, node, "(", ")" + suffix)
    return _Fix(f"Name the operation: {suffix}", edits)


def _name_for(source: _Source, node: ast.expr, message: str) -> str:
    """The operation's variable; else where it is used plus its kind (`program_map`).

    The kind alone (`map`) is tracr's default name, which the engine rightly calls no name.
    """
    kind = _kind_name(message)
    name = _assigned_name(source, node)
    if name is not None and name != kind:
        return name
    context = _context_name(source, node)
    return f"{context}_{kind}" if context else f"{kind}_value"


def _context_name(source: _Source, node: ast.expr) -> str | None:
    """The variable or `make_*` function whose definition contains `node`."""
    parent = source.parents.get(node)
    while parent is not None:
        target, _ = _assigned(parent)
        if target is not None:
            return target
        if isinstance(parent, ast.FunctionDef):
            return parent.name.removeprefix("make_")
        parent = source.parents.get(parent)
    return None


def _assigned_name(source: _Source, node: ast.expr) -> str | None:
    """The variable `node` is assigned to, looking through encoding wrappers."""
    current = source.outer(node)
    while (parent := source.parents.get(current)) is not None and _wrapper(parent):
        current = source.outer(parent)
    target, value = _assigned(source.parents.get(current))
    return target if value is current else None


def _kind_name(message: str) -> str:
    """The operation's kind in snake case (`SelectorWidth` → `selector_width`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", _kind(message) or "Operation").lower()


_Fixer = Callable[[_Source, ast.expr | None, str], _Fix | None]  # (source, located node, message)
_FIXERS: dict[str, tuple[_Fixer, ...]] = {
    "RASP301": (_fix_encoding, _fix_aggregate_default),
    "RASP304": (_fix_length,),
    "RASP306": (_fix_composite,),
    "RASP605": (_fix_unnamed,),
}


# -- small AST and edit helpers --


def _ast_range(node: ast.AST) -> tuple[int, int, int, int]:
    return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset


def _assigned(node: ast.AST | None) -> tuple[str | None, ast.expr | None]:
    """(name, value) of `name = value` or `name: T = value`; (None, None) otherwise."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target = node.target
    else:
        return None, None
    return (target.id, node.value) if isinstance(target, ast.Name) else (None, None)


def _unchained(node: ast.expr) -> ast.expr:
    """`node` without trailing `.named(...)`/`.annotated(...)` calls."""
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _CHAIN_METHODS
    ):
        node = node.func.value
    return node


def _rasp_attribute(node: ast.AST) -> str | None:
    """`x` for `rasp.x`."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id == "rasp" else None
    return None


def _wrapper(node: ast.AST) -> ast.Call | None:
    """`node` if it is `rasp.numerical(x)` or `rasp.categorical(x)`."""
    is_wrapper = (
        isinstance(node, ast.Call)
        and _rasp_attribute(node.func) in _WRAPPERS
        and len(node.args) == 1
        and not node.keywords
    )
    return node if is_wrapper else None


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """A call's argument given by position or by keyword."""
    if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _insert(position: lsp.Position, text: str) -> lsp.TextEdit:
    return lsp.TextEdit(range=lsp.Range(start=position, end=position), new_text=text)


def _replace(source: _Source, node: ast.AST, text: str) -> lsp.TextEdit:
    span = lsp.Range(start=source.start(node), end=source.end(node))
    return lsp.TextEdit(range=span, new_text=text)


def _surround(source: _Source, node: ast.AST, before: str, after: str) -> list[lsp.TextEdit]:
    return [_insert(source.start(node), before), _insert(source.end(node), after)]

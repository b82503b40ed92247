"""Document symbols: a program file's programs and the RASP operations that build them.

Read from the syntax tree alone (nothing is imported or run), so the outline is instant and safe
on any file. A symbol is `program = ...`, each module-level `def make_*` (with the operations
assigned in its body as children) and every other module-level assignment whose value is a RASP
expression. `describe_operation` is shared with completion, which shows the same kinds.

Columns are indices into the Python str of the line, like the positions completion takes; the
caller converts them to UTF-16 for the client.
"""

import ast
import re

from lsprotocol import types

_ENCODINGS = ("numerical", "categorical")
_OPERATORS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Invert: "~",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_DEF = re.compile(r"def\s+")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def document_symbols(text: str) -> list[types.DocumentSymbol]:
    """The file's outline; [] when it does not parse, since a half-typed file's would be a guess."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return []
    lines = split_lines(text)
    symbols = []
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef) and statement.name.startswith("make_"):
            symbols.append(_function_symbol(statement, lines))
        elif (symbol := _assignment_symbol(statement, lines, module_level=True)) is not None:
            symbols.append(symbol)
    return symbols


def split_lines(text: str) -> list[str]:
    """Lines as LSP and `ast` count them (only \\n, \\r\\n and \\r end a line; str.splitlines
    also splits on form feeds and other separators, which would shift every later line)."""
    return re.split(r"\r\n|\r|\n", text)


def describe_operation(node: ast.expr) -> str | None:
    """What a RASP expression builds, e.g. 'Map', 'numerical Aggregate "frac"',
    'lib.make_length'; None when `node` is not a RASP expression.

    A RASP expression is a call of `rasp.*`, `lib.*` or a `make_*` function, optionally wrapped
    in `rasp.numerical`/`rasp.categorical` and chained with `.named(...)`/`.annotated(...)`; any
    other expression (an operator on SOps, a bare name) counts only when so wrapped.
    """
    name = encoding = None
    wrapped = False
    while isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("named", "annotated"):
            name = name or (_string_argument(node) if func.attr == "named" else None)
            node = func.value
        elif _module_attribute(func, "rasp") in _ENCODINGS and node.args:
            encoding = encoding or func.attr
            node = node.args[0]
        else:
            break
        wrapped = True
    kind = _operation_kind(node, wrapped)
    if kind is None:
        return None
    return " ".join(part for part in (encoding, kind, name and f'"{name}"') if part)


def _operation_kind(node: ast.expr, wrapped: bool) -> str | None:
    """The kind of the innermost expression: the called API name, or an operator when wrapped."""
    if isinstance(node, ast.Call):
        if (attribute := _module_attribute(node.func, "rasp")) is not None:
            return attribute
        if (attribute := _module_attribute(node.func, "lib")) is not None:
            return f"lib.{attribute}"
        if isinstance(node.func, ast.Name) and node.func.id.startswith("make_"):
            return node.func.id
    if not wrapped:
        return None
    if (attribute := _module_attribute(node, "rasp")) is not None:
        return attribute
    symbol = _operator_symbol(node)
    return f"operator {symbol}" if symbol else "expression"


def _operator_symbol(node: ast.expr) -> str | None:
    """The operator of `a - b`, `~s` or `a < b`: tracr overloads these to build Maps,
    SequenceMaps and combined selectors."""
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        return _OPERATORS.get(type(node.op))
    if isinstance(node, ast.Compare):
        return _OPERATORS.get(type(node.ops[0]))
    return None


def _module_attribute(node: ast.expr, module: str) -> str | None:
    """`attr` when node is `module.attr` (e.g. `rasp.Map`), else None."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == module
    ):
        return node.attr
    return None


def _string_argument(call: ast.Call) -> str | None:
    """The literal string a call such as `.named("x")` is given, if it is one."""
    argument = call.args[0] if call.args else None
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def _function_symbol(func: ast.FunctionDef, lines: list[str]) -> types.DocumentSymbol:
    """A make_* program: its detail is what it returns, its children the operations it builds."""
    statements = list(_statements(func.body))
    children = [
        symbol
        for statement in statements
        if (symbol := _assignment_symbol(statement, lines, module_level=False)) is not None
    ]
    returned = [
        describe_operation(statement.value)
        for statement in statements
        if isinstance(statement, ast.Return) and statement.value is not None
    ]
    return types.DocumentSymbol(
        name=func.name,
        kind=types.SymbolKind.Function,
        range=_range(func, lines),
        selection_range=_def_name_range(func, lines),
        detail=next((d for d in reversed(returned) if d), None),
        children=children,
    )


def _statements(body: list[ast.stmt]):
    """Statements of a function body, including those nested in if/for/with/try blocks but not
    in nested functions or classes (their names are not the program's operations)."""
    for statement in body:
        yield statement
        if isinstance(statement, _SCOPES):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(statement, field, []))
        for handler in getattr(statement, "handlers", []):
            yield from _statements(handler.body)


def _assignment_symbol(
    statement: ast.stmt, lines: list[str], *, module_level: bool
) -> types.DocumentSymbol | None:
    """`name = <RASP expression>` as a Variable; a module-level `program` is one whatever its
    value, since it is the file's program by contract."""
    target, value = _single_target(statement)
    if target is None:
        return None
    detail = describe_operation(value)
    if detail is None and not (module_level and target.id == "program"):
        return None
    return types.DocumentSymbol(
        name=target.id,
        kind=types.SymbolKind.Variable,
        range=_range(statement, lines),
        selection_range=_range(target, lines),
        detail=detail,
    )


def _single_target(statement: ast.stmt) -> tuple[ast.Name | None, ast.expr | None]:
    """The one name and value of `x = ...` or `x: T = ...`; (None, None) for anything else."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None, None
    return (target, value) if isinstance(target, ast.Name) else (None, None)


def _range(node: ast.AST, lines: list[str]) -> types.Range:
    return types.Range(
        start=_position(lines, node.lineno - 1, node.col_offset),
        end=_position(lines, node.end_lineno - 1, node.end_col_offset),
    )


def _def_name_range(func: ast.FunctionDef, lines: list[str]) -> types.Range:
    """Where the function's name is written (ast records only where `def` starts)."""
    start = _position(lines, func.lineno - 1, func.col_offset)
    found = _DEF.search(lines[start.line], start.character)
    character = found.end() if found else start.character
    return types.Range(
        start=types.Position(line=start.line, character=character),
        end=types.Position(line=start.line, character=character + len(func.name)),
    )


def _position(lines: list[str], line: int, utf8_offset: int) -> types.Position:
    """A Position from ast's column, which counts UTF-8 bytes, as a str index."""
    text = lines[line] if line < len(lines) else ""
    character = len(text.encode()[:utf8_offset].decode(errors="ignore"))
    return types.Position(line=line, character=character)

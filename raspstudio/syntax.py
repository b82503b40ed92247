"""Parsing a program file without running it: the one step the engine and an untrusted editor
may take on user text. Used by the worker before it executes a file, and by the language
server for files it must not execute (untrusted workspaces)."""

import ast
import types

from raspstudio.report import Diagnostic, Span


def parse_source(text: str, path: str) -> tuple[types.CodeType, ast.Module] | Diagnostic:
    """The compiled module and its syntax tree, or the RASP101 diagnostic saying why not."""
    try:
        tree = ast.parse(text, path)
        return compile(tree, path, "exec", dont_inherit=True), tree
    except SyntaxError as e:
        return _syntax_error(e)
    except ValueError as e:  # a NUL byte in the text
        return whole_line("RASP101", f"the text cannot be compiled: {e}", 1)


def syntax_diagnostics(text: str, path: str) -> list[Diagnostic]:
    """Problems found without running anything: for untrusted files, which must not execute."""
    parsed = parse_source(text, path)
    return [parsed] if isinstance(parsed, Diagnostic) else []


def whole_line(code: str, message: str, line: int) -> Diagnostic:
    """A diagnostic on the start of `line`, for problems without a narrower place."""
    return Diagnostic(code, message, Span(line, 1, line, 2))


def _syntax_error(e: SyntaxError) -> Diagnostic:
    line = e.lineno or 1
    column = e.offset or 1
    end_line = e.end_lineno or line
    end_column = e.end_offset if e.end_offset and e.end_offset > column else column + 1
    if end_line != line and end_line > line:
        end_column = end_column or 1
    return Diagnostic("RASP101", f"SyntaxError: {e.msg}", Span(line, column, end_line, end_column))

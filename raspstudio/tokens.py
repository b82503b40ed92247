"""Tokens as users type them and as every view shows them: one rule for the CLI, the editor
settings, the REPL and the worker."""

from collections.abc import Iterable
from typing import Any


def parse_tokens(text: str) -> list:
    """Tokens as users type them (CLI, editor settings): split on whitespace; ints are ints."""
    return [_token(t) for t in text.split()]


def _token(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def sorted_vocab(vocab: Iterable) -> list:
    """Tokens in a stable order even when the vocabulary mixes types."""
    return sorted(vocab, key=lambda t: (type(t).__name__, t))


def format_value(value: Any, quoted: bool = False) -> str:
    """A value as every view shows it to people (the REPL's echo and :trace, `rasp run`,
    hovers, diagnostics): a float to 4 significant digits (`0.1667`, `-0` as `0`), anything
    else as str(), or repr() when `quoted` (inside a list). JSON keeps full precision."""
    if isinstance(value, float):
        return f"{value + 0.0:.4g}"
    return repr(value) if quoted else str(value)

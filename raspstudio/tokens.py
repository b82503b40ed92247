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


def format_value(value: Any) -> str:
    """One value in a table cell: floats to 4 significant digits, anything else as str()."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)

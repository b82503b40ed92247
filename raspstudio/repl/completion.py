"""Completion for the REPL: a pure function of the text before the cursor, plus an adapter.

Names come from the worker (what is in scope, and the members of `rasp`, `lib` and
`rasp.Comparison`), so the REPL itself never imports tracr and starts at once.
"""

import re
from collections.abc import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from raspstudio.repl.commands import REGISTRY

_DOTTED = re.compile(r"(?<![\w.])(?:(rasp\.Comparison|rasp|lib)\.)?([A-Za-z_]\w*)?$")
_TAKES_A_NAME = {"run", "check", "layers", "trace", "plot"}


def complete(text: str, names: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(completion, the prefix it replaces, a short note) for the text before the cursor."""
    if text.startswith(":"):
        return _complete_command(text[1:], names)
    match = _DOTTED.search(text)
    if match is None:
        return []
    qualifier, prefix = match.group(1), match.group(2) or ""
    if qualifier is None and not prefix:
        return []
    pool = names.get("scope", []) if qualifier is None else names.get(qualifier.split(".")[-1], [])
    note = "in scope" if qualifier is None else qualifier
    return [(n, prefix, note) for n in pool if n.startswith(prefix) and n != prefix]


def _complete_command(text: str, names: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    if " " not in text:
        return [
            (name, text, REGISTRY[name].help)
            for name in sorted(REGISTRY)
            if name.startswith(text) and name.isalpha()
        ]
    command, _, rest = text.partition(" ")
    if command not in _TAKES_A_NAME or " " in rest:
        return []
    return [(n, rest, "in scope") for n in names.get("scope", []) if n.startswith(rest)]


class ReplCompleter(Completer):
    """prompt-toolkit's side: asks `complete` with the names the session last reported."""

    def __init__(self, names: callable):
        self.names = names

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterable[Completion]:
        for text, prefix, note in complete(document.text_before_cursor, self.names()):
            yield Completion(text, start_position=-len(prefix), display_meta=note)

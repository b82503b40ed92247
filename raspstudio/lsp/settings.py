"""The server's settings, from `initializationOptions` and `workspace/didChangeConfiguration`.

Clients send either `{"rasp": {...}}` or the inner object; keys are camelCase as in the VS Code
extension's settings. The vocabulary and length are *defaults* for files that set none (a
workspace holds programs over different vocabularies); `maxInputs` applies to every file.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from raspstudio.engine.worker_client import DEFAULT_TIMEOUT
from raspstudio.tokens import parse_tokens


@dataclass(frozen=True)
class Settings:
    vocab: tuple | None = None
    max_seq_len: int | None = None
    max_inputs: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    execute: bool = True  # false in untrusted workspaces: no user code runs
    debounce: float = 0.05  # seconds of quiet after an edit before it is analysed
    # Drafting (generateFromSpec). The API key is never a setting: clients pass it to the
    # server's environment (OPENAI_API_KEY), where no settings file or LSP trace shows it.
    llm_base_url: str | None = None
    llm_model: str | None = None
    problems: tuple[str, ...] = field(default=(), compare=False)  # what was ignored, and why

    def defaults(self) -> dict[str, Any]:
        """Engine configuration below the file's own constants."""
        found = {"vocab": self.vocab, "max_seq_len": self.max_seq_len}
        return {k: v for k, v in found.items() if v is not None}

    def overrides(self) -> dict[str, Any]:
        """Engine configuration above the file's own constants."""
        return {} if self.max_inputs is None else {"max_inputs": self.max_inputs}


def parse_vocab(value: Any) -> tuple:
    tokens = parse_tokens(value) if isinstance(value, str) else list(value)
    if not tokens or not all(isinstance(t, str | int) for t in tokens):
        raise ValueError("a list of tokens (strings or integers) or a string like 'a b c'")
    return tuple(tokens)


def parse_positive_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("a positive integer")
    return value


def _seconds(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ValueError("a positive number of seconds")
    return float(value)


def _milliseconds(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ValueError("a number of milliseconds, 0 or more")
    return value / 1000


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError("a string")
    return value.strip() or None


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


# setting key -> (Settings field, parser)
_KEYS = {
    "vocab": ("vocab", parse_vocab),
    "maxSeqLen": ("max_seq_len", parse_positive_int),
    "maxInputs": ("max_inputs", parse_positive_int),
    "timeout": ("timeout", _seconds),
    "execute": ("execute", _boolean),
    "debounceMs": ("debounce", _milliseconds),
    "llmBaseUrl": ("llm_base_url", _text),
    "llmModel": ("llm_model", _text),
}


def parse_settings(options: Any, base: Settings | None = None) -> Settings:
    """`base` updated with the keys `options` sets; invalid values are kept out, with a reason."""
    base = base or Settings()
    if isinstance(options, dict) and isinstance(options.get("rasp"), dict):
        options = options["rasp"]
    if not isinstance(options, dict):
        return base
    changes: dict[str, Any] = {}
    problems = []
    for key, value in options.items():
        if key not in _KEYS:
            continue
        name, parse = _KEYS[key]
        if value is None:  # an unset setting: back to the default
            changes[name] = getattr(Settings(), name)
            continue
        try:
            changes[name] = parse(value)
        except (ValueError, TypeError) as e:
            problems.append(f"rasp.{key} must be {e}; got {value!r}")
    return replace(base, **changes, problems=tuple(problems))

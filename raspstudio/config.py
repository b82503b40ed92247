"""Program configuration (vocabulary, lengths, compiler options) and where each value comes from.

Precedence (README, "Program files"): CLI flags / editor overrides > file constants >
`[tool.rasp]` in the nearest pyproject.toml > editor defaults (the language server's vocab /
max_seq_len settings, which must not override a file that sets its own) > built-in defaults.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# File constant -> config field. `[tool.rasp]` and overrides use the field names.
FILE_CONSTANTS = {
    "VOCAB": "vocab",
    "MAX_SEQ_LEN": "max_seq_len",
    "EXAMPLES": "examples",
    "CAUSAL": "causal",
    "MLP_EXACTNESS": "mlp_exactness",
    "COMPILER_BOS": "compiler_bos",
    "COMPILER_PAD": "compiler_pad",
}


# What the REPL says before it has a vocabulary (its front end and the worker alike).
NO_VOCAB = "no vocabulary yet: :example 1 2 3 (its tokens will do), :vocab a b c, or :load FILE"


@dataclass
class Config:
    vocab: frozenset | None = None
    max_seq_len: int = 5
    examples: list[list] = field(default_factory=list)
    causal: bool = False
    mlp_exactness: int = 100
    compiler_bos: str = "BOS"
    compiler_pad: str = "PAD"
    max_inputs: int = 2000
    backend: str = "numpy"  # "numpy" (pipeline/numpy_model.py) or "jax" (stock tracr)


class ConfigError(ValueError):
    """An invalid configuration value; `key` is the config field at fault."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def pyproject_settings(start: Path) -> dict[str, Any]:
    """`[tool.rasp]` from the nearest pyproject.toml at or above `start`, or {}."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                return {}
            return dict(data.get("tool", {}).get("rasp", {}))
    return {}


def resolve_config(
    file_constants: dict[str, Any],
    project: dict[str, Any],
    overrides: dict[str, Any],
    defaults: dict[str, Any] | None = None,
) -> Config:
    """Merge the layers over the built-in defaults and validate the result."""
    config = Config()
    from_file = {FILE_CONSTANTS[k]: v for k, v in file_constants.items() if k in FILE_CONSTANTS}
    for layer in (defaults or {}, project, from_file, overrides):
        for key, value in layer.items():
            if value is not None and hasattr(config, key):
                setattr(config, key, value)
    return _validated(config)


def _validated(config: Config) -> Config:
    if config.vocab is not None:
        if isinstance(config.vocab, str) or not hasattr(config.vocab, "__iter__"):
            raise ConfigError(
                "vocab", f"VOCAB must be a set or list of tokens, got {config.vocab!r}"
            )
        config.vocab = frozenset(config.vocab)
        if not config.vocab:
            raise ConfigError("vocab", "VOCAB is empty")
        for special in ("compiler_bos", "compiler_pad"):
            token = getattr(config, special)
            if token in config.vocab:
                raise ConfigError(
                    "vocab",
                    f"VOCAB contains {token!r}, the compiler's {special[9:].upper()} token; "
                    f"rename the token or set {special.upper()} to something else",
                )
    if not _is_int(config.max_seq_len) or config.max_seq_len < 1:
        raise ConfigError(
            "max_seq_len", f"MAX_SEQ_LEN must be a positive integer, got {config.max_seq_len!r}"
        )
    if not _is_int(config.mlp_exactness) or config.mlp_exactness < 1:
        raise ConfigError(
            "mlp_exactness",
            f"MLP_EXACTNESS must be a positive integer, got {config.mlp_exactness!r}",
        )
    if not _is_int(config.max_inputs) or config.max_inputs < 1:
        raise ConfigError("max_inputs", f"max_inputs must be positive, got {config.max_inputs!r}")
    if config.backend not in ("numpy", "jax"):
        raise ConfigError("backend", f'backend must be "numpy" or "jax", got {config.backend!r}')
    if not isinstance(config.causal, bool):
        raise ConfigError("causal", f"CAUSAL must be True or False, got {config.causal!r}")
    config.examples = _validated_examples(config)
    return config


def _validated_examples(config: Config) -> list[list]:
    examples = config.examples
    if not isinstance(examples, list | tuple) or not all(
        isinstance(e, list | tuple) for e in examples
    ):
        raise ConfigError("examples", "EXAMPLES must be a list of input lists")
    for example in examples:
        if not 1 <= len(example) <= config.max_seq_len:
            raise ConfigError(
                "examples",
                f"example {list(example)!r} has length {len(example)}, "
                f"outside 1..MAX_SEQ_LEN={config.max_seq_len}",
            )
        if config.vocab is not None and (unknown := set(example) - config.vocab):
            raise ConfigError(
                "examples", f"example {list(example)!r} uses tokens not in VOCAB: {unknown}"
            )
    return [list(e) for e in examples]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

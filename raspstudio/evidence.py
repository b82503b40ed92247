"""What the worker hands the judge: the data a verdict is computed from, and nothing else.

The worker runs the user's file, so it can be made to say anything. It therefore never says
"verified"; it hands over its findings as plain data, and the judge (`raspstudio.judge`, in a
process that never ran user code) decides:

- `Evidence` (after `analyze`): the configuration the input space follows, the interpreter's
  output on every input of it, and the file's `reference` outputs;
- `ModelEvidence` (after `verify`): the compiled model's weights and encodings (`FastModel`)
  and, for each operation, where its value lives in the residual stream, so that the judge can
  point a miscompilation at the first operation whose compiled value is wrong; and, where the
  input space was only sampled, every operation's function on every value its inputs can
  take (`Node`), from which the judge checks the model block by block.

Everything here is built from numbers, strings, lists and NumPy arrays, and crosses the
boundary through `raspstudio.wire`.
"""

from dataclasses import dataclass, field
from typing import Any

from raspstudio.report import Diagnostic, Site, Span


@dataclass
class ModelConfig:
    """The shape of the compiled transformer (tracr's TransformerConfig, minus JAX)."""

    num_heads: int
    num_layers: int
    key_size: int
    mlp_hidden_size: int
    causal: bool = False


@dataclass
class CategoricalEncoding:
    """Tokens (or output values) to ids and back: tracr's CategoricalEncoder, as plain data."""

    encoding_map: dict[Any, int]
    bos_token: Any = None
    pad_token: Any = None

    @property
    def bos_encoding(self) -> int | None:
        return None if self.bos_token is None else self.encoding_map[self.bos_token]

    @property
    def pad_encoding(self) -> int | None:
        return None if self.pad_token is None else self.encoding_map[self.pad_token]

    def encode(self, tokens: list) -> list[int]:
        if missing := [t for t in tokens if t not in self.encoding_map]:
            raise ValueError(f"tokens {missing} are not in the model's vocabulary")
        return [self.encoding_map[t] for t in tokens]

    def decode(self, ids: list[int]) -> list:
        values = {i: value for value, i in self.encoding_map.items()}
        return [values[i] for i in ids]


@dataclass
class NumericalEncoding:
    """A numerical output is read as it is."""

    def decode(self, values: list[float]) -> list[float]:
        return values


Params = dict[str, dict[str, Any]]  # module -> {"w": array, "b": array} or {"embeddings": ...}


@dataclass
class FastModel:
    """A compiled transformer as plain NumPy: what `compile_rasp_to_model` returns, minus JAX."""

    params: Params
    model_config: ModelConfig
    residual_labels: list[str]
    input_encoder: CategoricalEncoding
    output_encoder: CategoricalEncoding | NumericalEncoding
    unembed: Any  # [residual, output] projection read by the unembedding
    categorical_output: bool

    def named_arrays(self) -> dict[str, Any]:
        """Every weight by a flat name (`transformer/layer_0/attn/query/w`), as exported."""
        arrays = {
            f"{module}/{name}": value
            for module, values in self.params.items()
            for name, value in values.items()
        }
        return {**arrays, "unembed": self.unembed}


@dataclass
class Evidence:
    """A program's interpreter results on its input space, and its reference's, if any."""

    program: str
    span: Span  # the program's definition, where verdict diagnostics go
    vocab: list
    max_seq_len: int
    max_inputs: int
    inputs: list[list]
    outputs: list[list | None]  # None where the interpreter failed (reported by the worker)
    reference: list[list | None] | None = None  # per input; None where not asked or it raised
    reference_error: Diagnostic | None = None  # RASP503, when `reference` raised

    def site(self, operation: "Operation | None") -> Site:
        """Where a finding about `operation` is located: where the operation was created, else
        the program's definition."""
        found = operation.site if operation is not None else None
        return found if isinstance(found, Site) else Site(self.span)


@dataclass
class Operation:
    """An SOp of the program and the residual directions holding its value."""

    label: str
    name: str
    kind: str  # Map, Aggregate, ...
    numerical: bool
    site: Site | None  # where it was created, for the diagnostics located at it
    dims: list[int]  # residual dimensions of its output directions
    values: list = field(default_factory=list)  # the value of each direction (categorical)


@dataclass
class Node:
    """An operation as the block-wise proof sees it: its kind, what it reads, and its function
    on every value its inputs can take (raspstudio.judge.value_sets chooses those values).

    `inputs` are labels: [inner] for a Map, [fst, snd] for a SequenceMap, [keys, queries,
    values] for an Aggregate, [keys, queries] for a SelectorWidth. `rows` and `outputs` are
    the function's table: a Map's or SequenceMap's arguments and results, or a selector's
    (key, query) pairs and whether its predicate selects them. None where it raised.
    """

    label: str
    kind: str  # tokens, indices, Map, SequenceMap, Aggregate, SelectorWidth, or another SOp
    inputs: list[str] = field(default_factory=list)
    numerical: bool = False
    default: Any = None  # an Aggregate's value where nothing is selected
    rows: list[list] = field(default_factory=list)
    outputs: list = field(default_factory=list)


@dataclass
class ModelEvidence:
    """The compiled model, its operations in the order a miscompilation is looked for, and
    the program's nodes with their tables (sent when the input space is sampled)."""

    model: FastModel
    operations: list[Operation]
    nodes: list[Node] = field(default_factory=list)

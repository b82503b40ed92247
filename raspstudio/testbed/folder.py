"""A testbed folder as data: its model.json, weights, stored examples and circuit.

Weights are read from `weights.safetensors` (a header and raw tensors: nothing in it runs),
else from `weights.npz` without pickle. Anything missing or inconsistent with model.json is a
`TestbedError` whose message says which file and what is wrong, so `rasp testbed verify`
can print it as it is.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "rasp-studio testbed 1"
MARGIN = 1e-3  # a categorical output's best column over the next, below which it is a tie


class TestbedError(Exception):
    """A testbed folder that cannot be read as one."""


@dataclass(eq=False)  # one testbed is itself: forward.py keeps prepared weights per object
class Testbed:
    """One exported program: configuration and ground truth (model.json), weights by tracr's
    names, and, where the export wrote them, its examples and circuit."""

    folder: Path
    model: dict[str, Any]
    arrays: dict[str, np.ndarray]
    examples: dict[str, list] | None = None  # {"inputs": [[token]], "outputs": [[value|None]]}
    circuit: dict[str, Any] | None = None

    @property
    def config(self) -> dict[str, Any]:
        return self.model["config"]

    @property
    def categorical(self) -> bool:
        return self.model["output"]["encoding"] == "categorical"

    def encode(self, tokens: list) -> list[int]:
        """Token ids with BOS first, as the model reads them."""
        ids = {token: i for token, i in self.model["input_encoding"]}
        if unknown := [t for t in tokens if t not in ids]:
            raise TestbedError(f"tokens {unknown} are not in the testbed's vocabulary")
        return [ids[self.config["bos"]]] + [ids[t] for t in tokens]

    def decode(self, out: np.ndarray) -> list[list]:
        """Output values per sequence from the unembedded stream [batch, positions, columns]
        (BOS dropped).

        A categorical position whose two highest columns are within MARGIN of each other
        decodes to None: the model does not decide between them, and an argmax would pick one
        by rounding noise.
        """
        if not self.categorical:
            return out[:, 1:, 0].astype(float).tolist()
        values = dict(self.model["output"]["decoding"])
        values[-1] = None
        best = out[:, 1:].argmax(-1)
        if out.shape[-1] > 1:
            top = np.sort(out[:, 1:], axis=-1)
            best = np.where(top[..., -1] - top[..., -2] > MARGIN, best, -1)
        return [[values[i] for i in row] for row in best.tolist()]


def load(folder: str | Path) -> Testbed:
    """Read a testbed folder; TestbedError says what is missing or wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TestbedError(f"{folder} is not a folder")
    model = _json(folder / "model.json", required=True)
    examples, circuit = _json(folder / "examples.json"), _json(folder / "circuit.json")
    testbed = Testbed(folder, model, _weights(folder), examples, circuit)
    files = {part: f"{folder / part}.json" for part in ("model", "examples", "circuit")}
    return _valid(testbed, files)


def checked(testbed: Testbed, where: str) -> Testbed:
    """`testbed`, read from elsewhere than a folder (a shard), if it holds what `load` checks a
    folder's files for; else a TestbedError naming `where`."""
    return _valid(
        testbed, {part: f"{where}: its {part}" for part in ("model", "examples", "circuit")}
    )


def _valid(testbed: Testbed, parts: dict[str, str]) -> Testbed:
    """`testbed` if its model, weights, examples and circuit are what this package reads;
    `parts` names each in the error (a file of a folder, a part of a shard's line)."""
    model = testbed.model
    if not isinstance(model, dict) or model.get("format") != FORMAT:
        raise TestbedError(f"{parts['model']} is not a {FORMAT!r} file")
    if problem := _malformed(model):
        raise TestbedError(f"{parts['model']} is malformed: {problem}")
    _check_shapes(testbed)
    longest = testbed.config["max_seq_len"]
    if testbed.examples is not None and (problem := _bad_examples(testbed.examples, longest)):
        raise TestbedError(f"{parts['examples']} is malformed: {problem}")
    if testbed.circuit is not None and not isinstance(testbed.circuit, dict):
        raise TestbedError(f"{parts['circuit']} is malformed: not an object")
    return testbed


CONFIG_INTS = ("max_seq_len", "layers", "heads_per_layer", "key_size", "mlp_hidden_size", "d_model")


def _malformed(model: dict) -> str | None:
    """What in model.json is not what this package reads, or None: every field the forward
    pass, the circuit and the check use, with its type."""
    config, output = model.get("config"), model.get("output")
    if not isinstance(config, dict):
        return "no `config` object"
    for key in CONFIG_INTS:
        if not isinstance(config.get(key), int) or isinstance(config.get(key), bool):
            return f"config `{key}` is not an integer"
    if not isinstance(config.get("causal"), bool) or "bos" not in config or "pad" not in config:
        return "config lacks `causal`, `bos` or `pad`"
    encoding = model.get("input_encoding")
    if not _pairs(encoding) or not all(isinstance(i, int) for _, i in encoding):
        return "`input_encoding` is not a list of [token, id] pairs"
    if not isinstance(output, dict) or output.get("encoding") not in ("categorical", "numerical"):
        return "`output` has no `encoding` of categorical or numerical"
    decoding = output.get("decoding")
    if output["encoding"] == "categorical" and (
        not _pairs(decoding) or not all(isinstance(i, int) for i, _ in decoding)
    ):
        return "a categorical `output` has no `decoding` list of [id, value] pairs"
    residual = model.get("residual")
    keys = {"index", "label", "variable", "role"}
    if not isinstance(residual, list) or not all(
        isinstance(d, dict) and keys <= d.keys() for d in residual
    ):
        return "`residual` is not a list of dimensions with index, label, variable and role"
    if len(residual) != config["d_model"] or any(d["index"] != i for i, d in enumerate(residual)):
        return "`residual` does not list the dimensions 0 to d_model - 1 in order"
    blocks = model.get("blocks")
    if not isinstance(blocks, list) or not all(
        isinstance(b, dict) and isinstance(b.get("operations"), list) for b in blocks
    ):
        return "`blocks` is not a list of blocks with operations"
    return None


def _pairs(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value)


def _bad_examples(examples: Any, longest: int) -> str | None:
    if not isinstance(examples, dict):
        return "not an object"
    inputs, outputs = examples.get("inputs"), examples.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
        return "`inputs` and `outputs` are not lists of the same length"
    for xs, ys in zip(inputs, outputs, strict=True):
        if not isinstance(xs, list) or not isinstance(ys, list) or len(xs) != len(ys):
            return f"input {xs!r} does not have one output per position"
        if not 1 <= len(xs) <= longest:
            return f"input {xs!r} is not 1 to max_seq_len ({longest}) tokens long"
    return None


def _json(path: Path, required: bool = False) -> Any:
    if not path.exists():
        if required:
            raise TestbedError(f"{path} is missing")
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise TestbedError(f"{path} cannot be read: {e}") from None


def _weights(folder: Path) -> dict[str, np.ndarray]:
    safetensors, npz = folder / "weights.safetensors", folder / "weights.npz"
    try:
        if safetensors.exists():
            from safetensors.numpy import load_file

            return load_file(str(safetensors))
        if npz.exists():
            with np.load(npz, allow_pickle=False) as arrays:
                return dict(arrays)
    except Exception as e:  # noqa: BLE001 - any damage to the file is the same answer
        path = safetensors if safetensors.exists() else npz
        raise TestbedError(f"{path} cannot be read: {e}") from None
    raise TestbedError(f"{folder} has no weights.safetensors or weights.npz")


def _check_shapes(testbed: Testbed) -> None:
    """Every tensor the forward pass reads, with the shape model.json's config implies."""
    cfg, arrays = testbed.config, testbed.arrays
    d, width = cfg["d_model"], cfg["heads_per_layer"] * cfg["key_size"]
    expected = {
        "token_embed/embeddings": (len(testbed.model["input_encoding"]), d),
        "pos_embed/embeddings": (cfg["max_seq_len"] + 1, d),
    }
    for layer in range(cfg["layers"]):
        attn, mlp = f"transformer/layer_{layer}/attn", f"transformer/layer_{layer}/mlp"
        for part in ("query", "key", "value"):
            expected |= {f"{attn}/{part}/w": (d, width), f"{attn}/{part}/b": (width,)}
        expected |= {f"{attn}/linear/w": (width, d), f"{attn}/linear/b": (d,)}
        hidden = cfg["mlp_hidden_size"]
        expected |= {f"{mlp}/linear_1/w": (d, hidden), f"{mlp}/linear_1/b": (hidden,)}
        expected |= {f"{mlp}/linear_2/w": (hidden, d), f"{mlp}/linear_2/b": (d,)}
    for name, shape in expected.items():
        if name not in arrays:
            raise TestbedError(f"the weights have no tensor {name!r}")
        if arrays[name].shape != shape:
            raise TestbedError(f"tensor {name!r} has shape {arrays[name].shape}, not {shape}")
    if arrays.get("unembed") is None or arrays["unembed"].shape[0] != d:
        raise TestbedError(f"the weights have no unembed of {d} rows")

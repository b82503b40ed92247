"""A testbed as a TransformerLens `HookedTransformer`: what circuit-discovery tools load.

TransformerLens 3.x (`pip install 'rasp-studio[lens]'`) is what ACDC, auto-circuit and
InterpBench use; 4.x removed `HookedTransformer`. The model is tracr's exactly: no layer
norm, ReLU MLPs, attention scaled by sqrt(key_size) (TransformerLens's default for `d_head`),
BOS at position 0 and nothing masked but the causal mask where the config asks for it. The
unembedding is the testbed's `unembed`, which tracr builds from the residual labels: an
`eye(d_model, d_vocab_out)` (TransformerLens's old demo) reads the wrong dimensions because
tracr sorts them by label. Numerical outputs have one output column, the value itself.

The hook flags circuit tools need are on (`use_attn_result`, `use_split_qkv_input`,
`use_hook_mlp_in`), so circuit.json's names (components.py) are hooks of this model, and
`runner` runs forward.py's forward pass, edge ablation included, through those hooks: the two
backends must agree, which is how each checks the other.

Only code that asks for TransformerLens imports this module; PyTorch is not a dependency of
the rest of rasp-studio.
"""

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformer_lens import HookedTransformer, HookedTransformerConfig

from raspstudio.testbed import components, folder
from raspstudio.testbed.components import Component, Input
from raspstudio.testbed.folder import Testbed
from raspstudio.testbed.forward import Ablation, Run, batches, writers

Hook = Callable[[torch.Tensor, Any], torch.Tensor | None]


@dataclass
class Lens:
    """A testbed and its TransformerLens model, with the testbed's token codec."""

    model: HookedTransformer
    testbed: Testbed

    @property
    def circuit(self) -> dict[str, Any] | None:
        """circuit.json, where the export wrote one."""
        return self.testbed.circuit

    def encode(self, tokens: list) -> torch.Tensor:
        """Token ids [1, 1 + len(tokens)], BOS first: the model's input for one sequence."""
        return torch.tensor([self.testbed.encode(tokens)], dtype=torch.long)

    def decode(self, logits: torch.Tensor | np.ndarray) -> list:
        """Output values per token position (BOS dropped) from one sequence's logits,
        [positions, columns] or [1, positions, columns]."""
        array = logits.detach().cpu().numpy() if isinstance(logits, torch.Tensor) else logits
        if array.ndim == 3:
            if array.shape[0] != 1:
                raise ValueError(f"decode takes one sequence, not a batch of {array.shape[0]}")
            array = array[0]
        return self.testbed.decode(array[None])[0]


def load(path: str | Path) -> Lens:
    """Read a testbed folder (`rasp export`) into a TransformerLens model."""
    return from_testbed(folder.load(path))


def from_testbed(testbed: Testbed) -> Lens:
    """A TransformerLens model of an already loaded testbed."""
    # HookedTransformer warns that it is deprecated in favour of 4.x's TransformerBridge;
    # it is still what circuit tools load, and the pinned 3.9.0 keeps it.
    with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
        model = HookedTransformer(config(testbed))
    parameters = dict(model.named_parameters())
    weights = state(testbed)
    if set(parameters) != set(weights):  # a TransformerLens whose names we do not know
        raise RuntimeError(
            "TransformerLens parameters differ from the testbed's: "
            f"{sorted(set(parameters) ^ set(weights))}"
        )
    with torch.no_grad():
        for name, tensor in weights.items():
            if parameters[name].shape != tensor.shape:
                raise RuntimeError(
                    f"{name}: TransformerLens expects {tuple(parameters[name].shape)}, "
                    f"the testbed gives {tuple(tensor.shape)}"
                )
            parameters[name].copy_(tensor)
    model.eval()
    return Lens(model, testbed)


def config(testbed: Testbed) -> HookedTransformerConfig:
    """The model's shape from model.json, with the hooks circuit tools read."""
    cfg = testbed.config
    return HookedTransformerConfig(
        n_layers=cfg["layers"],
        d_model=cfg["d_model"],
        d_head=cfg["key_size"],
        n_heads=cfg["heads_per_layer"],
        d_mlp=cfg["mlp_hidden_size"],
        d_vocab=len(testbed.model["input_encoding"]),
        d_vocab_out=testbed.arrays["unembed"].shape[1],
        n_ctx=cfg["max_seq_len"] + 1,
        act_fn="relu",
        normalization_type=None,
        attention_dir="causal" if cfg["causal"] else "bidirectional",
        positional_embedding_type="standard",
        use_attn_result=True,
        use_split_qkv_input=True,
        use_hook_mlp_in=True,
        default_prepend_bos=False,
        dtype=torch.float32,
        device="cpu",
    )


def state(testbed: Testbed) -> dict[str, torch.Tensor]:
    """Every TransformerLens parameter from tracr's tensors. tracr's head h is columns
    h*key_size:(h+1)*key_size of one wide projection; TransformerLens keeps heads apart."""
    cfg, w = testbed.config, testbed.arrays
    heads, k, d = cfg["heads_per_layer"], cfg["key_size"], cfg["d_model"]
    unembed = w["unembed"]
    found = {
        "embed.W_E": w["token_embed/embeddings"],
        "pos_embed.W_pos": w["pos_embed/embeddings"],
        "unembed.W_U": unembed,
        "unembed.b_U": np.zeros(unembed.shape[1], np.float32),
    }
    for layer in range(cfg["layers"]):
        attn, mlp = f"transformer/layer_{layer}/attn", f"transformer/layer_{layer}/mlp"
        block = f"blocks.{layer}"
        for tracr_name, letter in (("query", "Q"), ("key", "K"), ("value", "V")):
            found[f"{block}.attn.W_{letter}"] = (
                w[f"{attn}/{tracr_name}/w"].reshape(d, heads, k).transpose(1, 0, 2)
            )
            found[f"{block}.attn.b_{letter}"] = w[f"{attn}/{tracr_name}/b"].reshape(heads, k)
        found[f"{block}.attn.W_O"] = w[f"{attn}/linear/w"].reshape(heads, k, d)
        found[f"{block}.attn.b_O"] = w[f"{attn}/linear/b"]
        found[f"{block}.mlp.W_in"] = w[f"{mlp}/linear_1/w"]
        found[f"{block}.mlp.b_in"] = w[f"{mlp}/linear_1/b"]
        found[f"{block}.mlp.W_out"] = w[f"{mlp}/linear_2/w"]
        found[f"{block}.mlp.b_out"] = w[f"{mlp}/linear_2/b"]
    return {
        name: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
        for name, a in found.items()
    }


def runner(lens: Lens) -> Callable[..., Run]:
    """forward.run(lens.testbed, ...) computed by the TransformerLens model:
    `run(inputs, ablation=None, keep=False) -> Run`, the same batches, outputs and, with
    `keep`, each component's output and the residual stream after each layer.

    An ablated run of the inputs of the last clean run with `keep` (ablation.check makes one
    first) starts at the receiver's layer from that run's stream: the layers before it
    compute the same numbers with or without the ablation."""
    clean: list[tuple[list[list], Run]] = []

    def run(inputs: list[list], ablation: Ablation | None = None, keep: bool = False) -> Run:
        resume = clean[0][1] if ablation and clean and clean[0][0] == inputs else None
        outputs: list[list] = [[] for _ in inputs]
        result = Run(outputs, resume.batches if resume else batches(lens.testbed, inputs))
        with _one_thread():
            for batch, (rows, ids) in enumerate(result.batches):
                replacement = ablation and (ablation.edge, ablation.replacement[batch])
                start = _start(lens.testbed, replacement, resume, batch)
                logits, written, residual = _forward(lens, ids, replacement, keep, start)
                for row, values in zip(rows, lens.testbed.decode(logits), strict=True):
                    outputs[row] = values
                if keep:
                    for component, value in written.items():
                        result.written.setdefault(component, []).append(value)
                    result.residual.append(residual)
        if keep and ablation is None:
            clean[:] = [([list(tokens) for tokens in inputs], result)]
        return result

    return run


@dataclass
class _Start:
    """Where a batch's forward pass starts: at `layer`, from a clean run's stream after the
    layer before, with that run's component outputs and streams before it."""

    layer: int = 0  # 0: from the tokens
    written: dict[Component, np.ndarray] = field(default_factory=dict)
    residual: list[np.ndarray] = field(default_factory=list)


def _start(testbed: Testbed, ablation: tuple | None, resume: Run | None, batch: int) -> _Start:
    if resume is None or ablation is None:
        return _Start()
    receiver = ablation[0].receiver.component
    # The output reads the last layer's hook_resid_post, which only runs with that layer.
    layer = min(receiver.layer, testbed.config["layers"] - 1)
    if layer <= 0:
        return _Start()
    written = {c: v[batch] for c, v in resume.written.items() if c.layer < layer}
    return _Start(layer, written, resume.residual[batch][:layer])


@contextmanager
def _only_hooks_used(model: HookedTransformer, attn_result: bool, split_qkv: bool):
    """The model without the per-head results and the per-head q/k/v inputs where a run
    does not hook them: both are tensors of [batch, positions, heads, d_model], and making
    them took three quarters of a run. The flags are the model's again afterwards."""
    model.set_use_attn_result(attn_result)
    model.set_use_split_qkv_input(split_qkv)
    try:
        yield
    finally:
        model.set_use_attn_result(True)
        model.set_use_split_qkv_input(True)


@contextmanager
def _one_thread() -> Iterator[None]:
    """PyTorch on one thread while a run lasts. These matrices are small (d_model is in the
    tens to hundreds): more threads only add overhead, and where other processes share the
    cores (pytest -n 2 on two) its spinning threads made the ablation check 5x slower (dyck1:
    87 s against 18 s with two at once)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@torch.inference_mode()
def _forward(lens: Lens, ids: np.ndarray, ablation: tuple | None, keep: bool, start: _Start):
    """One batch: (logits, each component's output, the residual stream after each layer),
    as NumPy; the last two only with `keep`."""
    cfg = lens.testbed.config
    layers, heads = cfg["layers"], cfg["heads_per_layer"]
    order = writers(lens.testbed)
    wanted = set(order) if keep else {ablation[0].sender} if ablation else set()
    written = {c: torch.from_numpy(v) for c, v in start.written.items()}
    residual = [torch.from_numpy(r) for r in start.residual]
    hooks: dict[str, list[Hook]] = {}

    def on(name: str, hook: Hook) -> None:
        hooks.setdefault(name, []).append(hook)

    # Capture first: at a hook point that is also the ablated input, what is kept is what
    # the point computed, as in forward.py.
    if components.embed() in wanted and start.layer == 0:
        embedded: list[torch.Tensor] = []
        on("hook_embed", lambda t, hook: embedded.append(t))
        on(
            "hook_pos_embed",
            lambda t, hook: written.__setitem__(components.embed(), embedded[0] + t),
        )
    for layer in range(start.layer, layers):
        if any(components.head(layer, h) in wanted for h in range(heads)):
            on(f"blocks.{layer}.attn.hook_result", _heads(layer, heads, written))
        if components.mlp(layer) in wanted:
            on(f"blocks.{layer}.hook_mlp_out", _keep(components.mlp(layer), written))
        if keep:
            on(f"blocks.{layer}.hook_resid_post", lambda t, hook: residual.append(t))
    if ablation:
        edge, replacement = ablation
        name, head = _hook_point(edge.receiver)
        on(name, _patch(edge.sender, torch.from_numpy(replacement), head, written))

    fwd_hooks = [(name, hook) for name, hs in hooks.items() for hook in hs]
    split = ablation is not None and ablation[0].receiver.part in ("q", "k", "v")
    results = any(name.endswith("attn.hook_result") for name in hooks)
    with _only_hooks_used(lens.model, results, split):
        if start.layer == 0:
            logits = lens.model.run_with_hooks(torch.from_numpy(ids).long(), fwd_hooks=fwd_hooks)
        else:
            logits = lens.model.run_with_hooks(
                residual[-1], start_at_layer=start.layer, fwd_hooks=fwd_hooks
            )
    kept = {c: written[c].numpy() for c in order if c in written} if keep else {}
    return logits.numpy(), kept, [r.numpy() for r in residual]


def _hook_point(receiver: Input) -> tuple[str, int | None]:
    """The hook where `receiver` reads the stream, and its head index there (None: the hook
    has no head dimension)."""
    c = receiver.component
    if receiver.part in ("q", "k", "v"):
        return f"blocks.{c.layer}.hook_{receiver.part}_input", c.head
    if receiver.part == "mlp":
        return f"blocks.{c.layer}.hook_mlp_in", None
    return f"blocks.{c.layer - 1}.hook_resid_post", None


def _keep(component: Component, written: dict) -> Hook:
    def hook(t: torch.Tensor, hook: Any) -> None:
        written[component] = t

    return hook


def _heads(layer: int, heads: int, written: dict) -> Hook:
    """hook_result is [batch, positions, heads, d_model]: each head's output, b_O not
    included (forward.py adds it to the layer, not to a head)."""

    def hook(t: torch.Tensor, hook: Any) -> None:
        for h in range(heads):
            written[components.head(layer, h)] = t[:, :, h]

    return hook


def _patch(sender: Component, replacement: torch.Tensor, head: int | None, written: dict) -> Hook:
    """What the receiver reads: the stream with the sender's output at token positions 1:
    swapped for `replacement` (forward.py's `read`). Out of place: a q/k/v input is one
    stream repeated per head, possibly as a view."""

    def hook(t: torch.Tensor, hook: Any) -> torch.Tensor:
        patched = t.clone()
        delta = replacement - written[sender][:, 1:]
        if head is None:
            patched[:, 1:] += delta
        else:
            patched[:, 1:, head] += delta
        return patched

    return hook

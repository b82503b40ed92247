"""The parts of a testbed's transformer and the edges between them, named as TransformerLens
names its hooks: the data the circuit (circuit.py), the forward passes (forward.py, lens.py)
and the ablation check (ablation.py) pass between them.

A *component* writes to the residual stream: the embeddings (token plus position, read at
`blocks.0.hook_resid_pre`), each attention head (`blocks.L.attn.hook_result[H]`), each
layer's MLP (`blocks.L.hook_mlp_out`). The output (`blocks.{last}.hook_resid_post`, what the
unembedding reads) only reads. An *input* is where a component reads the stream: a head's
query, key and value inputs (`blocks.L.hook_q_input[H]`, ...), an MLP's `blocks.L.hook_mlp_in`,
the output. An *edge* goes from a component to an input of a later one. These are the names
circuit-discovery tools use (with `use_attn_result`, `use_split_qkv_input` and
`use_hook_mlp_in` set on the model).
"""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Component:
    """Ordered as the forward pass computes them: the embeddings, then per layer its heads
    and its MLP, then the output."""

    layer: int  # -1 for the embeddings; the number of layers for the output
    stage: int  # 0: a head (or the embeddings, the output); 1: the layer's MLP
    head: int = 0
    kind: str = "head"  # "embed" | "head" | "mlp" | "output"

    @property
    def name(self) -> str:
        if self.kind == "embed":
            return "blocks.0.hook_resid_pre"
        if self.kind == "head":
            return f"blocks.{self.layer}.attn.hook_result[{self.head}]"
        if self.kind == "mlp":
            return f"blocks.{self.layer}.hook_mlp_out"
        return f"blocks.{self.layer - 1}.hook_resid_post"


def embed() -> Component:
    return Component(-1, 0, kind="embed")


def head(layer: int, index: int) -> Component:
    return Component(layer, 0, index, "head")


def mlp(layer: int) -> Component:
    return Component(layer, 1, kind="mlp")


def output(layers: int) -> Component:
    return Component(layers, 0, kind="output")


PARTS = {"head": ("q", "k", "v"), "mlp": ("mlp",), "output": ("output",), "embed": ()}


@dataclass(frozen=True, order=True)
class Input:
    """Where `component` reads the residual stream: `part` is q, k or v for a head."""

    component: Component
    part: str

    @property
    def name(self) -> str:
        c = self.component
        if self.part in ("q", "k", "v"):
            return f"blocks.{c.layer}.hook_{self.part}_input[{c.head}]"
        if self.part == "mlp":
            return f"blocks.{c.layer}.hook_mlp_in"
        return c.name


@dataclass(frozen=True, order=True)
class Edge:
    """`sender`'s output as `receiver` reads it."""

    sender: Component
    receiver: Input

    @property
    def names(self) -> tuple[str, str]:
        return self.sender.name, self.receiver.name


def inputs(component: Component) -> list[Input]:
    return [Input(component, part) for part in PARTS[component.kind]]


def precedes(sender: Component, receiver: Component) -> bool:
    """Whether `receiver` reads a stream that `sender` has already written to."""
    if receiver.kind == "head":  # a layer's heads read what came before the layer
        return sender.layer < receiver.layer
    return sender < receiver

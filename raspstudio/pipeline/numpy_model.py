"""tracr's model assembly in NumPy: same weights, no haiku, no JAX.

Stock tracr builds a haiku model and calls `init` only to learn the parameter shapes, then
overwrites every weight with float64 NumPy products cast to float32 (1.5 to 3 s per new program,
plus JIT on the first `apply`). Here the same products are written into float32 arrays of the
same shapes, so the parameters are bit-identical to `compile_rasp_to_model`'s. The result is
plain data (`raspstudio.evidence.FastModel`), run by `raspstudio.judge.forward`.

Ported from tracr's `assemble.py` and `craft_model_to_transformer.py` (Apache 2.0, DeepMind).
"""

import itertools
from typing import Any

import networkx as nx
import numpy as np
from tracr.compiler import nodes
from tracr.craft import bases, transformers, vectorspace_fns
from tracr.rasp import rasp
from tracr.transformer import encoder

from raspstudio.evidence import (
    CategoricalEncoding,
    FastModel,
    ModelConfig,
    NumericalEncoding,
    Params,
)


def assemble_model(
    craft_model: transformers.SeriesWithResiduals,
    graph: nx.DiGraph,
    sink: nodes.Node,
    max_seq_len: int,
    compiler_bos: str,
    compiler_pad: str,
    causal: bool = False,
) -> FastModel:
    """The compiled model for a craft model, as tracr's craft_model_to_transformer builds it."""
    if rasp.tokens.label not in graph.nodes:
        raise ValueError("the program does not read rasp.tokens, so it cannot be compiled")
    tokens_value_set = graph.nodes[rasp.tokens.label][nodes.VALUE_SET].union(
        {compiler_bos, compiler_pad}
    )
    tokens_space = bases.VectorSpaceWithBasis.from_values(rasp.tokens.label, tokens_value_set)
    indices_space = bases.VectorSpaceWithBasis.from_values(rasp.indices.label, range(max_seq_len))
    categorical_output = rasp.is_categorical(sink[nodes.EXPR])
    output_space = bases.VectorSpaceWithBasis(sink[nodes.OUTPUT_BASIS])

    config, module_names = _config_and_module_names(craft_model)
    config.causal = causal
    residual_space = bases.join_vector_spaces(
        craft_model.residual_space, tokens_space, indices_space, output_space
    )
    params = _embedding_params(residual_space, tokens_space, indices_space)
    params.update(_block_params(craft_model, module_names, config, residual_space))
    return FastModel(
        params=params,
        model_config=config,
        residual_labels=[str(d) for d in residual_space.basis],
        input_encoder=CategoricalEncoding(
            {d.value: i for i, d in enumerate(tokens_space.basis)}, compiler_bos, compiler_pad
        ),
        output_encoder=(
            CategoricalEncoding({d.value: i for i, d in enumerate(output_space.basis)})
            if categorical_output
            else NumericalEncoding()
        ),
        unembed=vectorspace_fns.project(residual_space, output_space).matrix.astype(np.float32),
        categorical_output=categorical_output,
    )


def _config_and_module_names(
    craft_model: transformers.SeriesWithResiduals,
) -> tuple[ModelConfig, list[str]]:
    """Place each block in the next layer half of its kind (tracr's allocation into layers)."""
    candidates = iter(
        f"transformer/layer_{layer}/{kind}"
        for layer in itertools.count()
        for kind in ("attn", "mlp")
    )
    module_names, heads, mlps = [], [], []
    for block in craft_model.blocks:
        if isinstance(block, transformers.MLP):
            kind = "mlp"
            mlps.append(block)
        else:
            kind = "attn"
            heads.append(list(block.as_multi().heads()))
        name = next(candidates)
        while not name.endswith(kind):
            name = next(candidates)
        module_names.append(name)
    all_heads = [h for layer in heads for h in layer]
    config = ModelConfig(
        num_heads=max((len(layer) for layer in heads), default=1),
        num_layers=int(module_names[-1].split("_")[1].split("/")[0]) + 1,
        key_size=max((max(h.w_qk.matrix.shape) for h in all_heads), default=1),
        mlp_hidden_size=max((m.fst.output_space.num_dims for m in mlps), default=1),
    )
    return config, module_names


def _embedding_params(
    residual_space: bases.VectorSpaceWithBasis,
    tokens_space: bases.VectorSpaceWithBasis,
    indices_space: bases.VectorSpaceWithBasis,
) -> Params:
    tokens_to_res = vectorspace_fns.project(tokens_space, residual_space)
    one_dir = bases.BasisDirection("one")
    if one_dir in residual_space:  # every token also writes 1 into the `one` direction
        one_to_res = vectorspace_fns.Linear.from_action(
            tokens_space,
            residual_space,
            lambda x: residual_space.vector_from_basis_direction(one_dir),
        )
        tokens_to_res = vectorspace_fns.Linear.combine_in_parallel([tokens_to_res, one_to_res])
    index_to_res = vectorspace_fns.project(indices_space, residual_space)
    # Position 0 holds BOS and gets no positional embedding.
    pos_matrix = np.concatenate(
        [np.zeros((1, residual_space.num_dims)), index_to_res.matrix], axis=0
    )
    return {
        "token_embed": {"embeddings": tokens_to_res.matrix.astype(np.float32)},
        "pos_embed": {"embeddings": pos_matrix.astype(np.float32)},
    }


def _block_params(
    craft_model: transformers.SeriesWithResiduals,
    module_names: list[str],
    config: ModelConfig,
    residual_space: bases.VectorSpaceWithBasis,
) -> Params:
    d, k, h = residual_space.num_dims, config.key_size, config.num_heads
    hidden = config.mlp_hidden_size
    params: Params = {}
    for layer in range(config.num_layers):  # every layer has both halves; unused ones are 0
        prefix = f"transformer/layer_{layer}"
        for name, rows, cols in (("query", d, h * k), ("key", d, h * k), ("value", d, h * k)):
            params[f"{prefix}/attn/{name}"] = _zeros(rows, cols)
        params[f"{prefix}/attn/linear"] = _zeros(h * k, d)
        params[f"{prefix}/mlp/linear_1"] = _zeros(d, hidden)
        params[f"{prefix}/mlp/linear_2"] = _zeros(hidden, d)

    def project(space: bases.VectorSpaceWithBasis) -> np.ndarray:
        return vectorspace_fns.project(residual_space, space).matrix

    for name, block in zip(module_names, craft_model.blocks, strict=True):
        if isinstance(block, transformers.MLP):
            width = block.fst.output_space.num_dims
            params[f"{name}/linear_1"]["w"][:, :width] = project(block.fst.input_space) @ (
                block.fst.matrix
            )
            params[f"{name}/linear_2"]["w"][:width, :] = (
                block.snd.matrix @ project(block.snd.output_space).T
            )
            continue
        for i, head in enumerate(block.as_multi().heads()):
            columns = slice(i * k, (i + 1) * k)
            qk_width = head.w_qk.matrix.shape[1]
            ov_width = head.w_ov.matrix.shape[1]
            query = params[f"{name}/query"]["w"][:, columns]
            query[:, :qk_width] = project(head.w_qk.left_space) @ head.w_qk.matrix
            params[f"{name}/key"]["w"][:, columns][:, :qk_width] = project(head.w_qk.right_space)
            value = params[f"{name}/value"]["w"][:, columns]
            value[:, :ov_width] = project(head.w_ov.input_space) @ head.w_ov.matrix
            linear = params[f"{name}/linear"]["w"][columns, :]
            linear[:ov_width, :] = project(head.w_ov.output_space).T
    return params


def _zeros(rows: int, cols: int) -> dict[str, np.ndarray]:
    return {"w": np.zeros((rows, cols), np.float32), "b": np.zeros((cols,), np.float32)}


def as_plain(model: Any, graph: nx.DiGraph, output_label: str) -> FastModel:
    """The compiled model as plain data: ours as it is, stock tracr's (`--backend jax`) copied."""
    if isinstance(model, FastModel):
        return model
    outputs = [str(d) for d in graph.nodes[output_label][nodes.OUTPUT_BASIS]]
    return from_stock(model, model.residual_labels, outputs)


def from_stock(model: Any, residual_labels: list[str], output_labels: list[str]) -> FastModel:
    """Stock tracr's model (`--backend jax`) as the same plain data: its weights, our encodings.

    `output_labels` are the residual labels the unembedding reads, in output order.
    """
    params = {
        m: {k: np.asarray(v) for k, v in values.items()} for m, values in model.params.items()
    }
    config = model.model_config
    index = {label: i for i, label in enumerate(residual_labels)}
    unembed = np.zeros((len(residual_labels), len(output_labels)), np.float32)
    for column, label in enumerate(output_labels):
        unembed[index[label], column] = 1
    categorical = isinstance(model.output_encoder, encoder.CategoricalEncoder)
    tokens = model.input_encoder
    return FastModel(
        params=params,
        model_config=ModelConfig(
            config.num_heads,
            config.num_layers,
            config.key_size,
            config.mlp_hidden_size,
            bool(config.causal),
        ),
        residual_labels=list(residual_labels),
        input_encoder=CategoricalEncoding(
            dict(tokens.encoding_map), tokens.bos_token, tokens.pad_token
        ),
        output_encoder=CategoricalEncoding(dict(model.output_encoder.encoding_map))
        if categorical
        else NumericalEncoding(),
        unembed=unembed,
        categorical_output=categorical,
    )

"""A picture of the compiled model on one input: the residual stream and the attention patterns.

One column per stage (the embeddings, then each used half-layer, as residual_trace.py finds
them). The top row shows the residual stream after the stage, one row per residual direction;
under each
attention stage, one panel per used head shows which keys each query attends to. matplotlib is
imported inside `plot_layers` so that the rest of the engine never pays for it.
"""

import math
from typing import Any

import numpy as np

from raspstudio.pipeline.rasp_to_model import Compiled
from raspstudio.pipeline.residual_trace import StageResidual, stage_residuals

DPI = 100
INTERPOLATION = "none"  # one flat square per value, and faster than resampling
FONT = 7.0  # points, for tick labels
TITLE_FONT = 12.0
MIN_FONT = 4.0  # below this, residual labels are thinned out instead of shrunk
CELL = 0.3  # inches per position
ROW = 0.14  # inches per residual dimension
CHAR = 0.06  # inches per character of a FONT-point label
MAX_INCHES = 40.0  # 4,000 pixels per side at DPI


def plot_layers(compiled: Compiled, tokens: list, path: str, name: str) -> tuple[int, int]:
    """Write a PNG of `name` running on `tokens` to path; returns its (width, height) in pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    stages = stage_residuals(compiled.model, tokens)
    positions = [str(t) for t in [compiled.model.input_encoder.bos_token, *tokens]]
    labels = compiled.summary.residual_names
    heads = _used_heads(compiled)
    head_rows = max((len(h) for h in heads.values()), default=0)
    title = f"{name} on {' '.join(positions[1:])}"
    natural = _figure_size(len(stages), head_rows, labels, positions, len(title))
    size = (min(natural[0], MAX_INCHES), min(natural[1], MAX_INCHES))
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    grid = figure.add_gridspec(
        1 + head_rows,
        len(stages),
        height_ratios=[len(labels) * ROW] + [len(positions) * CELL] * head_rows,
    )
    residual_axes = [figure.add_subplot(grid[0, column]) for column in range(len(stages))]
    scale = size[1] / natural[1]  # how much a capped figure shrinks the residual rows
    image = _draw_residuals(residual_axes, stages, labels, positions, scale)
    figure.colorbar(image, ax=residual_axes, shrink=0.5, label="component")
    for column, step in enumerate(stages):
        if step.attention is not None:
            for row, head in enumerate(heads.get(step.stage.layer, [])):
                axes = figure.add_subplot(grid[1 + row, column])
                label = f"{step.stage.label} h{head}"
                _draw_attention(axes, step.attention[head], positions, label)
    figure.suptitle(title, fontsize=TITLE_FONT)
    figure.savefig(path, dpi=DPI)
    return canvas.get_width_height()


def _used_heads(compiled: Compiled) -> dict[int, list[int]]:
    """Per layer, the heads that write to the residual stream (from the layer table)."""
    heads: dict[int, list[int]] = {}
    for block in compiled.summary.blocks:
        if block.sublayer == "attn" and block.head is not None:
            heads.setdefault(block.layer, []).append(block.head)
    return heads


def _figure_size(
    columns: int, head_rows: int, labels: list[str], positions: list[str], title_length: int
) -> tuple[float, float]:
    """Inches (width, height) that give every label and cell its natural size."""
    tick_height = CHAR * max(len(p) for p in positions) + 0.35
    panel_width = max(len(positions) * CELL, 0.9) + 0.3
    width = CHAR * max(len(label) for label in labels) + 0.4 + columns * panel_width + 1.0
    height = 0.6 + len(labels) * ROW + tick_height
    height += head_rows * (len(positions) * CELL + 0.3 + tick_height)
    return max(width, CHAR * TITLE_FONT / FONT * title_length + 0.5), height


def _draw_residuals(
    axes: list[Any],
    stages: list[StageResidual],
    labels: list[str],
    positions: list[str],
    scale: float,
) -> Any:
    """One heatmap per stage on a shared colour scale centred at 0; labels on the first only."""
    limit = max(float(np.abs(s.residual).max()) for s in stages) or 1.0
    images = []
    for ax, step in zip(axes, stages, strict=True):
        images.append(
            ax.imshow(
                step.residual.T,
                aspect="auto",
                cmap="RdBu_r",
                vmin=-limit,
                vmax=limit,
                interpolation=INTERPOLATION,
            )
        )
        ax.set_title(step.stage.label, fontsize=FONT + 1)
        _position_ticks(ax, positions)
        _separate_variables(ax, labels)
        ax.set_yticks([])
    _residual_ticks(axes[0], labels, scale)
    return images[0]


def _residual_ticks(ax: Any, labels: list[str], scale: float) -> None:
    """Every residual label when they fit; on a capped figure, smaller, then every k-th."""
    font = min(FONT, 0.75 * ROW * scale * 72)
    step = max(1, math.ceil(MIN_FONT / font))
    shown = range(0, len(labels), step)
    ax.set_yticks(list(shown), [labels[i] for i in shown], fontsize=max(font, MIN_FONT))


def _separate_variables(ax: Any, labels: list[str]) -> None:
    """Thin lines between the direction groups of different variables (`tokens:`, `length:`)."""
    names = [label.split(":", 1)[0] for label in labels]
    for i in range(1, len(names)):
        if names[i] != names[i - 1]:
            ax.axhline(i - 0.5, color="0.8", linewidth=0.4)


def _position_ticks(ax: Any, positions: list[str]) -> None:
    """Input tokens under the columns; upright while they are short."""
    rotation = 90 if max(len(p) for p in positions) > 3 else 0
    ax.set_xticks(range(len(positions)), positions, fontsize=FONT, rotation=rotation)


def _draw_attention(ax: Any, weights: np.ndarray, positions: list[str], title: str) -> None:
    """One head's attention weights: a row per query, a column per key."""
    ax.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0, interpolation=INTERPOLATION)
    ax.set_title(title, fontsize=FONT + 1)
    _position_ticks(ax, positions)
    ax.set_yticks(range(len(positions)), positions, fontsize=FONT)
    ax.set_xlabel("key", fontsize=FONT)
    ax.set_ylabel("query", fontsize=FONT)

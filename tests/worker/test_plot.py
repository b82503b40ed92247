"""Layer plots: a PNG of the residual stream and attention patterns of a compiled model."""

import struct
import subprocess
import sys
from pathlib import Path

from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline.load import load_file
from raspstudio.pipeline.rasp_to_model import Compiled, compile_program
from raspstudio.pipeline.residual_trace import trace_residual
from raspstudio.worker.plot import plot_layers

PROGRAMS = Path(__file__).parents[2] / "programs"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CONFIG = Config(vocab=frozenset({"a", "b"}), max_seq_len=4)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has right after its signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (kind, length) == (b"IHDR", 13)
    return struct.unpack(">II", data[16:24])


def library_program(relative: str) -> Compiled:
    loaded = load_file(str(PROGRAMS / relative))
    return compile_program(loaded.programs[0].sop, loaded.config)


def chain_of_maps(length: int) -> Compiled:
    """`length` SequenceMaps in a row: one MLP stage each, same labels' widths."""
    sop = rasp.tokens
    for i in range(length):
        sop = rasp.SequenceMap(lambda x, n: x, sop, rasp.indices).named(f"m{i}")
    return compile_program(sop, CONFIG)


def test_reverse_gives_a_png_of_the_size_it_reports(tmp_path):
    path = tmp_path / "reverse.png"
    size = plot_layers(library_program("positional/reverse.py"), ["a", "b", "c"], str(path), "rev")
    assert png_size(path) == size
    assert all(100 < side <= 4000 for side in size)


def test_the_picture_widens_with_the_number_of_stages(tmp_path):
    widths = []
    for length in (1, 2, 3):
        compiled = chain_of_maps(length)
        assert len(trace_residual(compiled, ["a", "b"]).stages) == 1 + length
        path = tmp_path / f"chain{length}.png"
        size = plot_layers(compiled, ["a", "b"], str(path), f"chain{length}")
        assert png_size(path) == size
        widths.append(size[0])
    assert widths[0] < widths[1] < widths[2]


def test_a_one_layer_program(tmp_path):
    compiled = library_program("counting/histogram.py")
    assert compiled.summary.layers == 1
    path = tmp_path / "histogram.png"
    size = plot_layers(compiled, ["a", "b", "a"], str(path), "histogram")
    assert png_size(path) == size


def test_a_multi_head_program_gets_a_row_per_head(tmp_path):
    def aggregate(name: str, predicate) -> rasp.SOp:
        select = rasp.Select(rasp.indices, rasp.indices, predicate)
        return rasp.Aggregate(select, rasp.tokens).named(name)

    previous = aggregate("previous", lambda k, q: k == q - 1)
    first = aggregate("first", lambda k, q: k == 0)
    both = rasp.SequenceMap(lambda a, b: a == b, previous, first).named("same")
    compiled = compile_program(both, CONFIG)
    assert [(b.layer, b.head) for b in compiled.summary.blocks if b.sublayer == "attn"] == [
        (0, 0),
        (0, 1),
    ]
    single = compile_program(previous, CONFIG)
    sizes = {}
    for name, model in (("two", compiled), ("one", single)):
        path = tmp_path / f"{name}.png"
        sizes[name] = plot_layers(model, ["a", "b", "b"], str(path), name)
        assert png_size(path) == sizes[name]
    assert sizes["two"][1] > sizes["one"][1]


def test_a_big_model_is_capped_at_4000_pixels_a_side(tmp_path):
    """600 residual dimensions would need 8,400 pixels at full size."""
    successor = rasp.Map(lambda x: x + 1, rasp.tokens).named("successor")
    compiled = compile_program(successor, Config(vocab=frozenset(range(300)), max_seq_len=3))
    assert compiled.summary.residual_dim > 600
    path = tmp_path / "big.png"
    size = plot_layers(compiled, [1, 2, 3], str(path), "successor")
    assert png_size(path) == size
    assert size[1] == 4000


def test_the_engine_does_not_import_matplotlib_until_it_plots():
    code = (
        "import sys, raspstudio.worker.plot, raspstudio.pipeline.residual_trace; "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"

"""Ground-truth circuits: derived from the weights, and checked by ablation, not assumed."""

import json
import shutil
from pathlib import Path

import pytest

from raspstudio.testbed import ablation, circuit, folder, forward
from tests.conftest import run_rasp

ROOT = Path(__file__).parents[2]
REVERSE = ROOT / "programs/positional/reverse.py"
DYCK = ROOT / "programs/languages/dyck1_balanced.py"
FRACTION = ROOT / "programs/maps/fraction_of_a.py"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("testbeds")
    result = run_rasp("export", str(REVERSE), str(DYCK), str(FRACTION), "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _copy(exported: Path, name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(exported / name, tmp_path / name))


def test_reverse_has_the_circuit_its_program_describes(exported: Path):
    """By hand from programs/positional/reverse.py: `length` (a head counting every position,
    then an MLP), `opposite = length - indices - 1` (an MLP), `reverse = Aggregate(Select(
    indices, opposite, EQ), tokens)` (a head: query opposite, key indices, value tokens)."""
    saved = json.loads((exported / "reverse" / "circuit.json").read_text())
    embed, out = "blocks.0.hook_resid_pre", "blocks.2.hook_resid_post"
    assert {tuple(e) for e in saved["qkv_edges"]} == {
        ("blocks.0.attn.hook_result[0]", "blocks.0.hook_mlp_in"),  # length's head -> its MLP
        ("blocks.0.hook_mlp_out", "blocks.1.hook_mlp_in"),  # length -> opposite
        (embed, "blocks.1.hook_mlp_in"),  # indices -> opposite
        ("blocks.1.hook_mlp_out", "blocks.2.hook_q_input[0]"),  # opposite is the query
        (embed, "blocks.2.hook_k_input[0]"),  # indices are the keys
        (embed, "blocks.2.hook_v_input[0]"),  # tokens are the values
        ("blocks.2.attn.hook_result[0]", out),  # reverse is the output
    }
    assert {tuple(e) for e in saved["edges"]} == {
        ("blocks.0.attn.hook_result[0]", "blocks.0.hook_mlp_out"),
        ("blocks.0.hook_mlp_out", "blocks.1.hook_mlp_out"),
        (embed, "blocks.1.hook_mlp_out"),
        ("blocks.1.hook_mlp_out", "blocks.2.attn.hook_result[0]"),
        (embed, "blocks.2.attn.hook_result[0]"),
        ("blocks.2.attn.hook_result[0]", out),
    }
    operations = {n["name"]: n["operations"] for n in saved["nodes"]}
    assert operations["blocks.2.attn.hook_result[0]"] == ["reverse"]
    assert operations["blocks.1.hook_mlp_out"] == ["opposite"]
    assert operations[out] == ["reverse"]
    assert saved["checked"] == {
        "ablation": "resample",
        "inputs": 363,
        "edges": 7,
        "necessary": 7,
        "non_edges": 18,
        "spurious_found": 0,
    }


def test_redundant_edges_are_still_found_necessary(exported: Path):
    """dyck1_balanced reads both the fraction of "(" and of ")" so far, which sum to 1: an
    edge carrying one of them changes no output when replaced by its mean, but does when
    replaced by its value elsewhere, which is what the check does."""
    testbed = folder.load(exported / "dyck1_balanced")
    opens = ("blocks.0.hook_mlp_out", "blocks.1.hook_v_input[0]")
    assert list(opens) in testbed.circuit["qkv_edges"]
    check = ablation.check_circuit(testbed, forward.runner(testbed))
    assert check.holds and check.summary()["necessary"] == 20


def test_an_edge_removed_from_the_circuit_is_found(exported: Path, tmp_path: Path):
    bed = _copy(exported, "reverse", tmp_path)
    saved = json.loads((bed / "circuit.json").read_text())
    removed = ["blocks.1.hook_mlp_out", "blocks.2.hook_q_input[0]"]
    saved["qkv_edges"].remove(removed)
    saved["edges"].remove(["blocks.1.hook_mlp_out", "blocks.2.attn.hook_result[0]"])
    (bed / "circuit.json").write_text(json.dumps(saved))
    result = run_rasp("testbed", "verify", str(bed), "--format", "json")
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert verdict["circuit"]["spurious_found"] == 1
    assert verdict["problems"] == [
        "blocks.1.hook_mlp_out -> blocks.2.hook_q_input[0] is not in the circuit, but ablating "
        "it changes an output"
    ]


def test_an_edge_added_to_the_circuit_is_found(exported: Path, tmp_path: Path):
    bed = _copy(exported, "reverse", tmp_path)
    saved = json.loads((bed / "circuit.json").read_text())
    # The query is `opposite`; the embeddings already feed this head's key and value, so
    # the component edges stay as they are.
    saved["qkv_edges"].append(["blocks.0.hook_resid_pre", "blocks.2.hook_q_input[0]"])
    (bed / "circuit.json").write_text(json.dumps(saved))
    result = run_rasp("testbed", "verify", str(bed), "--format", "json")
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert verdict["circuit"]["necessary"] == verdict["circuit"]["edges"] - 1 == 7
    assert verdict["problems"] == [
        "edge blocks.0.hook_resid_pre -> blocks.2.hook_q_input[0] changes no output when ablated"
    ]


def test_every_pair_is_an_edge_or_a_non_edge(exported: Path):
    testbed = folder.load(exported / "dyck1_balanced")
    nodes, edges, non_edges = circuit.graph(testbed)
    pairs = {e.names for e in edges + non_edges}
    assert len(pairs) == len(edges) + len(non_edges)
    writers = [n for n in nodes if n.kind != "output"]
    readers = [n for n in nodes if n.kind != "embed"]
    heads = [n for n in nodes if n.kind == "head"]
    assert {n.name for n in writers} >= {n.name for n in heads}
    assert all(e.sender in writers and e.receiver.component in readers for e in edges)

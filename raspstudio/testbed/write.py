"""A testbed folder written whole or not at all.

Everything is built in a new hidden folder beside the target and renamed into place, so a
folder named like a testbed is always complete; with `--force` the old one goes only once
the new one is.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from raspstudio.testbed.folder import Testbed


def write(testbed: Testbed, source: Path, producer: str) -> Path:
    """Write `testbed` to `testbed.folder`, with `source` as program.py; `producer` names the
    tool and version in the weights' metadata."""
    folder = testbed.folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        _json(building / "model.json", testbed.model, indent=1)
        np.savez_compressed(building / "weights.npz", **testbed.arrays)
        _safetensors(testbed, building / "weights.safetensors", producer)
        _json(building / "examples.json", testbed.examples)
        _json(building / "circuit.json", testbed.circuit, indent=1)
        shutil.copyfile(source, building / "program.py")
        _usual_permissions(building)
        if folder.exists():
            shutil.rmtree(folder)
        building.rename(folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return folder


def _usual_permissions(building: Path) -> None:
    """What the user's umask gives new files and folders (a temporary folder, and files some
    libraries write, are private to their owner)."""
    building.chmod(0o777 & ~umask())
    for path in building.iterdir():
        path.chmod(0o666 & ~umask())


def umask() -> int:
    """This process's umask (reading it means setting it: it is set back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _json(path: Path, value: object, indent: int | None = None) -> None:
    path.write_text(json.dumps(value, indent=indent, default=repr) + "\n")


def _safetensors(testbed: Testbed, path: Path, producer: str) -> None:
    """The same tensors as weights.npz, for tools that load safetensors (no pickle, no code),
    with metadata saying what made them."""
    metadata = {
        "format": testbed.model["format"],
        "producer": producer,
        "program": testbed.model["program"],
        "weights": "tracr's compile_rasp_to_model parameters, bit-identical, plus unembed",
    }
    path.write_bytes(safetensors_bytes(testbed.arrays, metadata))


def safetensors_bytes(arrays: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    """A safetensors file of `arrays` and `metadata`, the same bytes in every process.

    safetensors writes the metadata in its hash map's order, which changes from process to
    process; the header is written again with the metadata sorted, so the same testbed is the
    same bytes whichever process exports it (offsets count from the end of the header, so the
    tensors stay as they are)."""
    from safetensors.numpy import save

    data = save({name: np.ascontiguousarray(a) for name, a in arrays.items()}, metadata=metadata)
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format aligns the tensors to 8 bytes
    return len(text).to_bytes(8, "little") + text + data[8 + size :]

"""Shards: K testbeds in two files, so that 100,000 testbeds are a few hundred files.

`shard-00000.safetensors` holds every testbed's tensors, each named `<testbed>/<tracr name>`;
`shard-00000.jsonl` one line per testbed, in the same order: `{"name", "model", "examples",
"circuit", "program"}` (model.json, examples.json, circuit.json and the source, as a folder
export writes them). Safetensors and JSON Lines need nothing more than a folder export does;
Parquet would be one more heavy dependency, and its columns suit tensors of one shape, not
each program's own.

Each file is written to a temporary file beside it and renamed into place, the .jsonl last:
a shard whose .jsonl exists is complete, and a failure leaves no file of the shard behind.
"""

import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from raspstudio.testbed.folder import Testbed, TestbedError, checked
from raspstudio.testbed.write import safetensors_bytes, umask

FORMAT = "rasp-studio shard 1"


def name(index: int) -> str:
    """The shard's files are this name plus .safetensors and .jsonl."""
    return f"shard-{index:05d}"


def write(folder: Path, index: int, testbeds: Sequence[tuple[Testbed, str]], producer: str) -> Path:
    """Write shard `index` of `testbeds` (each with its program's source text) to `folder`,
    named by `testbed.folder.name`; returns the path of its .jsonl."""
    stem = folder / name(index)
    lines = "".join(
        json.dumps(
            {
                "name": testbed.folder.name,
                "model": testbed.model,
                "examples": testbed.examples,
                "circuit": testbed.circuit,
                "program": source,
            },
            default=repr,
        )
        + "\n"
        for testbed, source in testbeds
    )
    arrays = {
        f"{testbed.folder.name}/{tensor}": value
        for testbed, _ in testbeds
        for tensor, value in testbed.arrays.items()
    }
    metadata = {"format": FORMAT, "producer": producer, "testbeds": str(len(testbeds))}
    tensors, jsonl = (
        stem.with_name(f"{stem.name}.safetensors"),
        stem.with_name(f"{stem.name}.jsonl"),
    )
    try:
        _replace(tensors, safetensors_bytes(arrays, metadata))
        _replace(jsonl, lines.encode())
    except BaseException:
        tensors.unlink(missing_ok=True)
        raise
    return jsonl


def remove_beyond(folder: Path, count: int) -> int:
    """Remove the shards numbered `count` and up that an earlier export left in `folder` (a
    `--force` export over a larger one), each .jsonl first so that no shard looks complete
    while it goes; returns how many there were."""
    stale = sorted(
        path
        for path in folder.glob("shard-*.jsonl")
        if re.fullmatch(r"shard-\d{5}\.jsonl", path.name) and int(path.name[6:11]) >= count
    )
    for jsonl in stale:
        jsonl.unlink()
        jsonl.with_suffix(".safetensors").unlink(missing_ok=True)
    return len(stale)


def _replace(path: Path, data: bytes) -> None:
    """`data` as `path`, whole or not at all: a temporary file, synced, then renamed."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~umask())  # mkstemp's file is private to its owner
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: str | Path) -> list[Testbed]:
    """The testbeds of a shard, given either of its files, in the shard's order, each checked
    as `folder.load` checks a folder (TestbedError says what is wrong). Each one's `folder` is
    `<shard>/<name>`: a name, not a folder on disk."""
    path = Path(path)
    stem = path.with_name(path.name.removesuffix(".jsonl").removesuffix(".safetensors"))
    tensors, jsonl = (
        stem.with_name(f"{stem.name}.safetensors"),
        stem.with_name(f"{stem.name}.jsonl"),
    )
    try:
        from safetensors.numpy import load_file

        arrays = load_file(str(tensors))
        entries = [json.loads(line) for line in jsonl.read_text().splitlines()]
    except Exception as e:  # noqa: BLE001 - any damage to the files is the same answer
        raise TestbedError(f"shard {stem} cannot be read: {e}") from None
    by_testbed: dict[str, dict] = {}
    for full, value in arrays.items():
        testbed, _, tensor = full.partition("/")
        by_testbed.setdefault(testbed, {})[tensor] = value
    testbeds = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise TestbedError(f"{jsonl} has a line that is not an object with a name")
        weights = by_testbed.get(entry["name"], {})
        model, examples, circuit = (entry.get(key) for key in ("model", "examples", "circuit"))
        testbed = Testbed(stem / entry["name"], model, weights, examples, circuit)
        testbeds.append(checked(testbed, f"{jsonl}: {entry['name']}"))
    return testbeds

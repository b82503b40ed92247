"""`rasp testbed verify DIR`: the self-check of testbed folders, for someone without the source.

DIR is one testbed (a folder with model.json), a shard (`rasp export --shard-size`: either of
its files), or a folder of them, as `rasp export` writes.
Each gets one line: its verdict with the counts behind it, or what is wrong. No program file
is run: a testbed is data (raspstudio/testbed/). Exit 0 when every testbed holds, 1 when one
does not, 2 when DIR holds no testbed or the backend cannot be loaded.
"""

import argparse
import json
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from raspstudio.cli.arguments import UsageError
from raspstudio.testbed import folder, forward, shards, verify
from raspstudio.testbed.folder import Testbed, TestbedError
from raspstudio.text import counted

LENS_MISSING = (
    "the transformer-lens backend needs the [lens] extra: "
    "pip install torch==2.13.0 'rasp-studio[lens]'"
)


def cmd_testbed(args: argparse.Namespace) -> int:
    testbeds = _testbeds(Path(args.dir))
    make_runner = _backend(args.backend)
    results = []
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        for path, read in testbeds:
            task = bar.add_task(f"verifying {path.name}", total=None)
            results.append((path, _verify(read, make_runner, bar, task)))
            bar.remove_task(task)
    if args.format == "json":
        found = [{"testbed": str(path), **verdict.to_json()} for path, verdict in results]
        print(json.dumps(found[0] if len(found) == 1 else {"testbeds": found}, indent=2))
    else:
        for path, verdict in results:
            print(_line(path, verdict))
        if len(results) > 1:
            bad = sum(not v.ok for _, v in results)
            print(f"Verified {counted(len(results), 'testbed')}: {bad} failed.")
    return 0 if all(verdict.ok for _, verdict in results) else 1


Found = Iterator[tuple[Path, Callable[[], Testbed]]]


def _testbeds(path: Path) -> Found:
    """Each testbed at `path` (a testbed folder, a shard, or a folder of them), with how to read
    it (reading raises TestbedError where it is damaged); a shard is read when its turn comes."""
    if path.is_file() and path.name.endswith((".jsonl", ".safetensors")):
        return _in_shard(path)
    if not path.is_dir():
        raise UsageError(f"no such folder: {path}")
    if (path / "model.json").exists():
        return iter([(path, partial(folder.load, path))])
    folders = sorted(
        p.parent for p in path.glob("*/model.json") if not p.parent.name.startswith(".")
    )
    found = sorted(p for p in path.glob("*.jsonl") if not p.name.startswith("."))
    if not folders and not found:
        raise UsageError(f"{path} is not a testbed and holds none (no model.json)")
    return chain(((p, partial(folder.load, p)) for p in folders), *map(_in_shard, found))


def _in_shard(path: Path) -> Found:
    try:
        testbeds = shards.load(path)
    except TestbedError as e:
        yield path, partial(_raise, e)
        return
    for testbed in testbeds:
        yield testbed.folder, lambda testbed=testbed: testbed


def _raise(error: TestbedError) -> Testbed:
    raise error


def _backend(name: str) -> Callable[[Testbed], Callable]:
    if name == "numpy":
        return forward.runner
    try:
        from raspstudio.testbed import lens
    except ImportError:
        raise UsageError(LENS_MISSING) from None
    return lambda testbed: lens.runner(lens.from_testbed(testbed))


def _verify(read: Callable[[], Testbed], make_runner, bar: Progress, task) -> verify.Verdict:
    try:
        testbed = read()
        return verify.verify(
            testbed,
            make_runner(testbed),
            lambda done, total: bar.update(task, completed=done, total=total),
        )
    except TestbedError as e:
        return verify.Verdict(problems=[str(e)])


def _line(path: Path, verdict: verify.Verdict) -> str:
    if not verdict.ok:
        more = f" (and {len(verdict.problems) - 1} more)" if len(verdict.problems) > 1 else ""
        return f"{path}: FAILED: {verdict.problems[0]}{more}"
    c = verdict.check.summary()
    return (
        f"{path}: ok: {verdict.agree} of {verdict.inputs} stored inputs agree; circuit of "
        f"{counted(c['edges'], 'edge')}, each necessary, and none of the "
        f"{c['non_edges']} other pairs changes an output under ablation"
    )

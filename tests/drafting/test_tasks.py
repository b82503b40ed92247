"""programs/tasks.jsonl, the drafting benchmark built from the library: in sync with
programs/make_tasks.py, and every task's reference runnable on its own."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LIBRARY = ROOT / "programs"
TASKS = LIBRARY / "tasks.jsonl"
KEYS = ["name", "kind", "spec", "examples", "reference", "vocab", "max_seq_len"]


def _make_tasks():
    spec = importlib.util.spec_from_file_location("make_tasks", LIBRARY / "make_tasks.py")
    make_tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_tasks)
    return make_tasks


def _tasks() -> list[dict]:
    return [json.loads(line) for line in TASKS.read_text(encoding="utf-8").splitlines()]


def _run_standalone(source: str, xs: list) -> list:
    namespace = {"__builtins__": __builtins__}
    exec(source, namespace)
    return namespace["reference"](xs)


def test_the_task_file_is_up_to_date():
    assert TASKS.read_text(encoding="utf-8") == _make_tasks().tasks_jsonl()


def test_there_is_one_well_formed_task_per_library_program():
    tasks = _tasks()
    files = sorted(LIBRARY.glob("*/*.py"), key=lambda p: (p.parent.name, p.stem))
    assert [(t["kind"], t["name"]) for t in tasks] == [(f.parent.name, f.stem) for f in files]
    assert len({t["name"] for t in tasks}) == len(tasks)
    for t in tasks:
        assert list(t) == KEYS, t["name"]
        assert t["spec"].strip() and "\n" not in t["spec"], t["name"]
        assert t["examples"] and t["vocab"] and t["max_seq_len"] > 0, t["name"]
        for example in t["examples"]:
            assert 0 < len(example["input"]) <= t["max_seq_len"], t["name"]
            assert set(example["input"]) <= set(t["vocab"]), t["name"]
            assert len(example["output"]) == len(example["input"]), t["name"]


@pytest.mark.parametrize("task", _tasks(), ids=lambda t: t["name"])
def test_every_reference_runs_standalone_and_gives_the_example_outputs(task: dict):
    assert "tracr" not in task["reference"]
    for example in task["examples"]:
        got = _run_standalone(task["reference"], list(example["input"]))
        # Through JSON as the file holds it: a reference's tuples are JSON lists.
        assert json.loads(json.dumps(got)) == example["output"], example


def test_a_reference_takes_the_helpers_and_imports_it_needs_along(tmp_path: Path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "helped.py").write_text(
        '"""Each token doubled, then offset."""\n\n'
        "import itertools\n"
        "import math\n\n"
        "VOCAB = [3, 1, 2]\n"
        "MAX_SEQ_LEN = 4\n"
        "EXAMPLES = [[1, 2], [3]]\n"
        "OFFSET = 10\n"
        "program = math.pi\n\n\n"
        "def double(x):\n"
        "    return 2 * x + OFFSET\n\n\n"
        "def reference(xs: list) -> list:\n"
        "    program = [double(x) for x in itertools.chain(xs)]  # a local, not the module's\n"
        "    return program\n"
    )
    (task,) = [json.loads(line) for line in _make_tasks().tasks_jsonl(tmp_path).splitlines()]
    assert task["examples"] == [
        {"input": [1, 2], "output": [12, 14]},
        {"input": [3], "output": [16]},
    ]
    assert task["vocab"] == [1, 2, 3] and task["max_seq_len"] == 4
    assert task["reference"] == (
        "import itertools\n\n\nOFFSET = 10\n\n\ndef double(x):\n    return 2 * x + OFFSET\n\n\n"
        "def reference(xs: list) -> list:\n"
        "    program = [double(x) for x in itertools.chain(xs)]  # a local, not the module's\n"
        "    return program\n"
    )
    assert _run_standalone(task["reference"], [1, 2]) == [12, 14]


def test_a_reference_that_needs_a_non_standard_module_is_refused(tmp_path: Path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "tied.py").write_text(
        '"""Tied to the workbench."""\n\n'
        "from raspstudio.drafting import library as draft_library\n\n"
        "VOCAB = {1}\nMAX_SEQ_LEN = 2\nEXAMPLES = [[1]]\n\n\n"
        "def reference(xs: list) -> list:\n"
        "    return [draft_library.K1 for _ in xs]\n"
    )
    with pytest.raises(ValueError, match="reference needs raspstudio"):
        _make_tasks().tasks_jsonl(tmp_path)

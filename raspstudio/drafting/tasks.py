"""`rasp draft-eval`: TracrBench's protocol for drafting, on a task file (docs/drafting.md).

Each task (one JSON object per line: name, spec, examples, reference source, vocab,
max_seq_len) is drafted with `samples` candidates and up to `rounds` repairs. We report what
TracrBench reports — solved at the first sample, solved within k samples with no feedback —
and what our loop adds: solved after repair rounds, and the furthest stage each task reached.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from raspstudio.drafting.data import STAGES, DraftRequest, DraftResult, DraftSettings, Example
from raspstudio.drafting.llm import Endpoint
from raspstudio.drafting.loop import draft
from raspstudio.engine.file_requests import Engine


class TaskFileError(Exception):
    """The task file cannot be read; the message says which line and why."""


@dataclass
class TaskResult:
    name: str
    first_stage: str  # the stage of the very first sample
    solved_at_1: bool
    solved_within_k: bool  # some sample of the first round, no feedback
    solved_with_repair: bool
    furthest_stage: str
    attempts: int
    tokens: int
    message: str

    def to_json(self) -> dict:
        return dict(vars(self))


def load_tasks(path: Path) -> list[DraftRequest]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise TaskFileError(f"cannot read {path}: {e.strerror}") from None
    tasks = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            tasks.append(_task(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            problem = f"missing key {e}" if isinstance(e, KeyError) else str(e)
            raise TaskFileError(f"{path}:{number}: not a task ({problem})") from None
    return tasks


def _task(data: object) -> DraftRequest:
    if not isinstance(data, dict):
        raise ValueError(f"a task is a JSON object, got {type(data).__name__}")
    examples = [
        Example.parse(e) if isinstance(e, str) else Example(list(e["input"]), list(e["output"]))
        for e in data.get("examples", [])
    ]
    return DraftRequest(
        spec=str(data["spec"]),
        examples=examples,
        vocab=list(data["vocab"]),
        max_seq_len=int(data["max_seq_len"]),
        reference=data.get("reference"),
        mlp_exactness=data.get("mlp_exactness"),
        name=str(data["name"]),
    )


def evaluate_task(
    task: DraftRequest,
    endpoint: Endpoint,
    engine: Engine,
    settings: DraftSettings,
    progress: Callable[[str], None] | None = None,
) -> TaskResult:
    return score(task.name or task.spec, draft(task, endpoint, engine, settings, progress))


def score(name: str, result: DraftResult) -> TaskResult:
    first_round = [a for a in result.attempts if a.round == 0]
    first = first_round[0].stage if first_round else "none"
    return TaskResult(
        name=name,
        first_stage=first,
        solved_at_1=first == "verified",
        solved_within_k=any(a.verified for a in first_round),
        solved_with_repair=result.status == "verified",
        furthest_stage=result.stage,
        attempts=len(result.attempts),
        tokens=result.tokens,
        message=result.message,
    )


def summary(results: list[TaskResult], settings: DraftSettings, model: str) -> dict:
    return {
        "model": model,
        "tasks": len(results),
        "samples": settings.samples,
        "rounds": settings.rounds,
        "solved_at_1": sum(r.solved_at_1 for r in results),
        "solved_within_k": sum(r.solved_within_k for r in results),
        "solved_with_repair": sum(r.solved_with_repair for r in results),
        "furthest_stages": {s: sum(r.furthest_stage == s for r in results) for s in STAGES},
        "tokens": sum(r.tokens for r in results),
    }

"""`rasp draft` and `rasp draft-eval`: the command-line front end of LLM drafting
(`raspstudio.drafting`).

Progress goes to stderr, results to stdout (or the -o file), so `--format json` output can be
piped. `draft-eval --jobs N` drafts N tasks at once (raspstudio.cli.jobs), results in task
order. The API key comes only from the environment: a flag would leave it in shell history.
"""

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from raspstudio.cli import jobs
from raspstudio.cli.arguments import UsageError
from raspstudio.drafting.data import DraftRequest, DraftResult, DraftSettings, Example
from raspstudio.drafting.llm import Endpoint
from raspstudio.drafting.loop import draft
from raspstudio.drafting.tasks import (
    TaskFileError,
    TaskResult,
    evaluate_task,
    load_tasks,
    summary,
)
from raspstudio.engine import Engine
from raspstudio.tokens import parse_tokens


def _settings(args: argparse.Namespace, reference_first: bool = False) -> DraftSettings:
    for flag in ("samples", "shots"):
        if getattr(args, flag) < 1:
            raise UsageError(f"--{flag} must be at least 1")
    if args.rounds < 0:
        raise UsageError("--rounds must be 0 or more")
    return DraftSettings(args.samples, args.rounds, args.shots, reference_first)


def _endpoint(args: argparse.Namespace) -> Endpoint:
    return Endpoint.configure(base_url=args.base_url, model=args.model, timeout=args.llm_timeout)


def _say(line: str) -> None:
    print(f"rasp draft: {line}", file=sys.stderr, flush=True)


def cmd_draft(args: argparse.Namespace, engine: Engine) -> int:
    try:
        examples = [Example.parse(text) for text in args.example]
    except ValueError as e:
        raise UsageError(str(e)) from None
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        raise UsageError(f"{output} exists; use --force to overwrite it")
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        # Found now, not after the model has been paid for the draft.
        where = "is a folder" if output.is_dir() else "is in a folder that does not exist"
        raise UsageError(f"cannot write the draft to {output}: it {where}")
    request = DraftRequest(
        spec=args.spec,
        examples=examples,
        vocab=parse_tokens(args.vocab) if args.vocab else None,
        max_seq_len=args.max_seq_len,
    )
    settings, endpoint = _settings(args, args.reference_first), _endpoint(args)
    result = draft(request, endpoint, engine, settings, progress=_say)
    if output is not None and result.source is not None:
        try:  # a file created while drafting is not ours to replace, unless --force
            with output.open("w" if args.force else "x", encoding="utf-8") as f:
                f.write(result.source)
        except OSError as e:  # keep the draft the model was paid for: print it instead
            _say(f"cannot write {output} ({e.strerror}); the draft follows on stdout")
            output = None
    _report(result, output, args.format)
    if result.status == "verified":
        return 0
    return 1 if endpoint.configured else 2  # no endpoint: a usage problem


def _report(result: DraftResult, output: Path | None, format_: str) -> None:
    if format_ == "json":
        print(json.dumps({**result.to_json(), "file": str(output) if output else None}, indent=2))
        return
    if result.source is not None and output is None:
        print(result.source, end="")
    where = f" -> {output}" if output is not None and result.source is not None else ""
    print(f"rasp draft: {result.status}{where}: {result.message}", file=sys.stderr)
    if result.tokens:
        print(f"rasp draft: {result.tokens} tokens used", file=sys.stderr)


def cmd_draft_eval(args: argparse.Namespace, engine: Engine) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")  # tasks[:-1] would drop the last
    try:
        tasks = load_tasks(Path(args.tasks))
    except TaskFileError as e:
        raise UsageError(str(e)) from None
    if args.only:
        wanted = set(args.only.split(","))
        if unknown := wanted - {t.name for t in tasks}:
            raise UsageError(f"no task named {', '.join(sorted(unknown))} in {args.tasks}")
        tasks = [t for t in tasks if t.name in wanted]
    tasks = tasks[: args.limit] if args.limit is not None else tasks
    if not tasks:
        raise UsageError("no tasks to run")
    settings, endpoint = _settings(args), _endpoint(args)
    if not endpoint.configured:
        raise UsageError(
            "draft-eval needs an LLM endpoint: set OPENAI_API_KEY, or OPENAI_BASE_URL for a "
            "compatible server, and RASP_LLM_MODEL (see docs/drafting.md)"
        )
    results = []
    evaluated = jobs.each(_evaluate, tasks, (endpoint, settings), engine, args.jobs, "drafting")
    for i, result in enumerate(evaluated, start=1):
        _say(f"task {i}/{len(tasks)}: {result.name}: {result.furthest_stage}")
        results.append(result)
    totals = summary(results, settings, endpoint.model)
    if args.format == "json":
        print(json.dumps({"tasks": [r.to_json() for r in results], "summary": totals}, indent=2))
    else:
        _print_eval_table(results, totals)
    if not any(r.attempts for r in results):  # nothing was measured, e.g. a wrong key
        _say(f"no task got a single draft; the first said: {results[0].message}")
        return 1
    return 0


def _evaluate(
    engine: Engine, task: DraftRequest, endpoint: Endpoint, settings: DraftSettings
) -> TaskResult:
    """One task, in whichever process `--jobs` runs it (raspstudio.cli.jobs)."""
    return evaluate_task(task, endpoint, engine, settings)


def _print_eval_table(results: list, totals: dict) -> None:
    table = Table(
        title=f"draft-eval: {totals['model']}, k={totals['samples']}, "
        f"{totals['rounds']} repair rounds"
    )
    for column in (
        "task",
        "first sample",
        "solved@1",
        "within k",
        "with repair",
        "furthest",
        "tokens",
    ):
        table.add_column(column)
    mark = {True: "yes", False: "-"}
    for r in results:
        table.add_row(
            r.name,
            r.first_stage,
            mark[r.solved_at_1],
            mark[r.solved_within_k],
            mark[r.solved_with_repair],
            r.furthest_stage,
            str(r.tokens),
        )
    console = Console(width=max(100, Console().width))
    console.print(table)
    n = totals["tasks"]
    console.print(
        f"solved@1 {totals['solved_at_1']}/{n} · within {totals['samples']} samples, no "
        f"feedback {totals['solved_within_k']}/{n} · with up to {totals['rounds']} repair "
        f"rounds {totals['solved_with_repair']}/{n} · {totals['tokens']} tokens"
    )


COMMANDS = {"draft": cmd_draft, "draft-eval": cmd_draft_eval}

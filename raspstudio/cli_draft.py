"""`rasp draft` and `rasp draft-eval`: the command-line front end of LLM drafting (draft.py).

Progress goes to stderr, results to stdout (or the -o file), so `--format json` output can be
piped. The API key comes only from the environment: a flag would leave it in shell history.
"""

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from raspstudio.draft import draft
from raspstudio.draft_data import DraftRequest, DraftResult, DraftSettings, Example
from raspstudio.draft_eval import TaskFileError, evaluate_task, load_tasks, summary
from raspstudio.draft_llm import Endpoint
from raspstudio.engine import Engine
from raspstudio.inputs import parse_tokens

_SETTINGS = DraftSettings()


class DraftUsageError(Exception):
    pass


def add_commands(commands: argparse._SubParsersAction, parser_class: type) -> None:
    llm = parser_class(add_help=False)
    group = llm.add_argument_group(
        "model (the API key is read from OPENAI_API_KEY, never from a flag)"
    )
    group.add_argument("--model", help="model name (default: $RASP_LLM_MODEL, else gpt-4o-mini)")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    group.add_argument("--samples", type=int, default=_SETTINGS.samples, metavar="K")
    group.add_argument("--rounds", type=int, default=_SETTINGS.rounds, metavar="R")
    group.add_argument("--shots", type=int, default=_SETTINGS.shots, metavar="N")
    group.add_argument(
        "--llm-timeout", type=float, metavar="SECONDS", help="per request to the model"
    )
    group.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per check of a draft"
    )

    one = commands.add_parser(
        "draft", parents=[llm], help="write a verified program from a spec with an LLM"
    )
    one.add_argument("spec", metavar="SPEC", help="what the program computes, in words")
    one.add_argument(
        "--example",
        action="append",
        default=[],
        metavar='"IN -> OUT"',
        help='an input and its output, e.g. "1 2 3 -> 3 2 1" (repeatable)',
    )
    one.add_argument("--vocab", help="tokens separated by spaces (default: the model chooses)")
    one.add_argument("--max-seq-len", type=int, metavar="N")
    one.add_argument(
        "--reference-first",
        action="store_true",
        help="ask for a plain-Python reference first and use it as the oracle",
    )
    one.add_argument("-o", "--output", metavar="FILE", help="write the draft here")
    one.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    one.add_argument("--format", choices=["text", "json"], default="text")

    many = commands.add_parser(
        "draft-eval", parents=[llm], help="TracrBench-style evaluation of drafting on a task file"
    )
    many.add_argument("tasks", metavar="TASKS.jsonl")
    many.add_argument("--limit", type=int, metavar="N", help="only the first N tasks")
    many.add_argument("--only", metavar="NAMES", help="comma-separated task names")
    many.add_argument("--format", choices=["text", "json"], default="text")


def _settings(args: argparse.Namespace, reference_first: bool = False) -> DraftSettings:
    for flag in ("samples", "shots"):
        if getattr(args, flag) < 1:
            raise DraftUsageError(f"--{flag} must be at least 1")
    if args.rounds < 0:
        raise DraftUsageError("--rounds must be 0 or more")
    return DraftSettings(args.samples, args.rounds, args.shots, reference_first)


def _endpoint(args: argparse.Namespace) -> Endpoint:
    return Endpoint.configure(base_url=args.base_url, model=args.model, timeout=args.llm_timeout)


def _say(line: str) -> None:
    print(f"rasp draft: {line}", file=sys.stderr, flush=True)


def cmd_draft(args: argparse.Namespace, engine: Engine) -> int:
    try:
        examples = [Example.parse(text) for text in args.example]
    except ValueError as e:
        raise DraftUsageError(str(e)) from None
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        raise DraftUsageError(f"{output} exists; use --force to overwrite it")
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        # Found now, not after the model has been paid for the draft.
        where = "is a folder" if output.is_dir() else "is in a folder that does not exist"
        raise DraftUsageError(f"cannot write the draft to {output}: it {where}")
    request = DraftRequest(
        spec=args.spec,
        examples=examples,
        vocab=parse_tokens(args.vocab) if args.vocab else None,
        max_seq_len=args.max_seq_len,
    )
    settings, endpoint = _settings(args, args.reference_first), _endpoint(args)
    result = draft(request, endpoint, engine, settings, progress=_say)
    if output is not None and result.source is not None:
        try:
            output.write_text(result.source, encoding="utf-8")
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
        raise DraftUsageError("--limit must be at least 1")  # tasks[:-1] would drop the last
    try:
        tasks = load_tasks(Path(args.tasks))
    except TaskFileError as e:
        raise DraftUsageError(str(e)) from None
    if args.only:
        wanted = set(args.only.split(","))
        if unknown := wanted - {t.name for t in tasks}:
            raise DraftUsageError(f"no task named {', '.join(sorted(unknown))} in {args.tasks}")
        tasks = [t for t in tasks if t.name in wanted]
    tasks = tasks[: args.limit] if args.limit is not None else tasks
    if not tasks:
        raise DraftUsageError("no tasks to run")
    settings, endpoint = _settings(args), _endpoint(args)
    if not endpoint.configured:
        raise DraftUsageError(
            "draft-eval needs an LLM endpoint: set OPENAI_API_KEY, or OPENAI_BASE_URL for a "
            "compatible server, and RASP_LLM_MODEL (see docs/drafting.md)"
        )
    results = []
    for i, task in enumerate(tasks, start=1):
        _say(f"task {i}/{len(tasks)}: {task.name}")
        result = evaluate_task(task, endpoint, engine, settings)
        _say(f"task {i}/{len(tasks)}: {task.name}: {result.furthest_stage}")
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

"""`rasp draft` and `rasp draft-eval` end to end: the real console script in a subprocess, the
real `openai` client, and a real OpenAI-compatible HTTP server on 127.0.0.1 (llm_server.py).

Each test scripts the server's replies, runs `rasp` as a user would, and checks the exit code,
what went to stdout (results) and stderr (progress), the files written, and the requests the
server received (the repair evidence, the retries, the API key on the wire and nowhere else).
"""

import json
from pathlib import Path

import pytest

from tests.conftest import run_rasp
from tests.llm_server import ChatServer, Status, code_reply

ROOT = Path(__file__).parents[2]
LIBRARY = ROOT / "programs"
TASKS = LIBRARY / "tasks.jsonl"

# The library's reverse program is a correct answer; drafts are assembled under our spec and
# constants, so its own docstring, VOCAB, MAX_SEQ_LEN, EXAMPLES and reference are dropped.
REVERSE = (LIBRARY / "positional" / "reverse.py").read_text(encoding="utf-8")
BROKEN_REVERSE = REVERSE.replace("lambda n, i: n - i - 1", "lambda n, i: n - i")
assert BROKEN_REVERSE != REVERSE

SPEC = "reverse the sequence"
SECRET = "sk-test-SECRET-123"
QUICK = ("--timeout", "10", "--llm-timeout", "10")


@pytest.fixture
def chat():
    """`chat(steps, default=...)` starts a ChatServer; every server started is closed after."""
    servers: list[ChatServer] = []

    def start(steps=(), default=None) -> ChatServer:
        server = ChatServer(list(steps), default=default)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def draft_reverse(server: ChatServer | None, *extra: str, env: dict | None = None):
    """`rasp draft` for the reverse spec on a small vocabulary, against `server`."""
    endpoint = {"OPENAI_BASE_URL": server.base_url} if server is not None else {}
    return run_rasp(
        "draft",
        SPEC,
        "--example",
        "a b c -> c b a",
        "--vocab",
        "a b c",
        "--max-seq-len",
        "4",
        "--samples",
        "1",
        *QUICK,
        *extra,
        env={**endpoint, **(env or {})},
    )


def progress_lines(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith("rasp draft: ") for line in lines), stderr
    return lines


def library_program(name: str) -> str:
    [path] = LIBRARY.glob(f"*/{name}.py")
    return path.read_text(encoding="utf-8")


def task_line(name: str) -> str:
    for line in TASKS.read_text(encoding="utf-8").splitlines():
        if json.loads(line)["name"] == name:
            return line
    raise AssertionError(f"no task {name} in {TASKS}")


def header(headers: dict, name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


# rasp draft


def test_a_file_created_while_drafting_is_not_overwritten(chat, tmp_path):
    out = tmp_path / "draft.py"

    def user_saves_a_file_meanwhile(request: dict):
        out.write_text("# the user's own work\n")
        return code_reply(REVERSE)

    server = chat(default=user_saves_a_file_meanwhile)
    result = draft_reverse(server, "-o", str(out))
    assert out.read_text() == "# the user's own work\n"
    assert f"cannot write {out} (File exists); the draft follows on stdout" in result.stderr
    assert "rasp.Aggregate" in result.stdout


def test_verified_draft_is_written_to_the_file_and_reported_as_one_json_document(chat, tmp_path):
    server = chat(default=code_reply(REVERSE))
    out = tmp_path / "reverse_draft.py"
    result = draft_reverse(server, "-o", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr

    report = json.loads(result.stdout)  # fails on anything but exactly one JSON document
    assert report["status"] == report["stage"] == "verified"
    assert [a["stage"] for a in report["attempts"]] == ["verified"]
    assert report["tokens"] > 0
    assert report["file"] == str(out)
    assert out.read_text(encoding="utf-8") == report["source"]

    # The file is our spec and constants around the model's operations, not the library's.
    source = report["source"]
    assert source.startswith(f'"""{SPEC}"""\n')
    assert "VOCAB = {'a', 'b', 'c'}" in source and "MAX_SEQ_LEN = 4" in source
    assert "EXAMPLES = [['a', 'b', 'c']]" in source
    assert "MAX_SEQ_LEN = 5" not in source and "def reference" not in source

    checked = run_rasp("check", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    lines = progress_lines(result.stderr)
    assert any(server.base_url in line for line in lines)
    assert "rasp draft: round 0, draft 1/1: verified" in lines

    [request] = server.requests
    assert request["n"] == 1
    ask = request["messages"][-1]["content"]
    assert f"Spec: {SPEC}" in ask and "a b c -> c b a" in ask and "MAX_SEQ_LEN = 4" in ask


def test_a_broken_draft_is_repaired_with_the_counterexample_and_intermediate_values(chat):
    server = chat([code_reply(BROKEN_REVERSE)], default=code_reply(REVERSE))
    result = draft_reverse(server, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "verified"
    assert [(a["round"], a["stage"]) for a in report["attempts"]] == [(0, "runs"), (1, "verified")]
    assert "lambda n, i: n - i - 1" in report["source"]

    assert len(server.requests) == 2
    previous, repair = server.requests[1]["messages"][-2:]
    assert previous["role"] == "assistant" and "lambda n, i: n - i," in previous["content"]
    assert repair["role"] == "user"
    text = repair["content"]
    assert "lambda n, i: n - i," in text  # the draft as checked, with line numbers
    assert "Smallest failing input: ['a', 'b', 'c']" in text
    assert "the program gives [None, 'c', 'b'], expected ['c', 'b', 'a']" in text
    assert "Values of the operations on ['a', 'b', 'c']:" in text
    assert "`opposite` (SequenceMap, categorical) = [3, 2, 1]" in text
    assert "`flip` (Select) = 0 0 0 / 0 0 1 / 0 1 0" in text
    assert "`reverse` (Aggregate, categorical) = [None, 'c', 'b']" in text
    assert "Fix the program." in text

    lines = progress_lines(result.stderr)
    assert any("repairs (round 1)" in line for line in lines)
    assert "rasp draft: round 1, draft 1/1: verified" in lines


def test_unverified_prints_the_best_draft_on_stdout_and_the_reason_on_stderr(chat):
    server = chat(default=code_reply(BROKEN_REVERSE))
    result = draft_reverse(server, "--rounds", "1")
    assert result.returncode == 1
    assert len(server.requests) == 2  # the draft and one repair

    assert result.stdout.startswith(f'"""{SPEC}"""\n')
    assert "lambda n, i: n - i," in result.stdout and "rasp draft" not in result.stdout
    lines = progress_lines(result.stderr)
    assert any(
        line.startswith("rasp draft: unverified: no draft verified (2 tried)")
        and "the best reached `runs`" in line
        and "expected ['c', 'b', 'a']" in line
        for line in lines
    ), result.stderr


@pytest.mark.parametrize(
    ("steps", "shows"),
    [
        ([Status(401)], "refused the API key (HTTP 401): check OPENAI_API_KEY"),
        (
            [Status(500, message=f"invalid key {SECRET} for this model")] * 3,
            "answered HTTP 500: Error code: 500 - invalid key *** for this model",
        ),
    ],
    ids=["401", "500-echoes-the-key"],
)
@pytest.mark.parametrize("format_", ["text", "json"])
def test_the_api_key_is_never_shown_when_the_endpoint_fails(chat, tmp_path, steps, shows, format_):
    server = chat(steps)
    out = tmp_path / "draft.py"
    env = {"OPENAI_API_KEY": SECRET}
    result = draft_reverse(server, "-o", str(out), "--format", format_, env=env)
    assert result.returncode == 1
    assert len(server.requests) == len(steps)  # 401 is not retried; 500 is, twice
    assert all(header(h, "authorization") == f"Bearer {SECRET}" for h in server.headers)

    assert SECRET not in result.stdout and SECRET not in result.stderr
    shown = result.stdout if format_ == "json" else result.stderr
    assert shows in shown
    if format_ == "json":
        report = json.loads(result.stdout)
        assert (report["status"], report["attempts"], report["source"]) == ("failed", [], None)
    assert not out.exists()


def test_the_api_key_is_used_on_the_wire_only_in_a_verified_run(chat, tmp_path):
    server = chat(default=code_reply(REVERSE))
    out = tmp_path / "draft.py"
    result = draft_reverse(server, "-o", str(out), env={"OPENAI_API_KEY": SECRET})
    assert result.returncode == 0, result.stderr
    assert [header(h, "authorization") for h in server.headers] == [f"Bearer {SECRET}"]
    assert SECRET not in result.stdout + result.stderr
    assert SECRET not in out.read_text(encoding="utf-8")
    assert f"verified -> {out}" in result.stderr


def test_without_an_endpoint_it_exits_2_and_points_at_the_closest_library_program(tmp_path):
    out = tmp_path / "draft.py"
    result = draft_reverse(None, "-o", str(out))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "OPENAI_API_KEY" in result.stderr and "OPENAI_BASE_URL" in result.stderr
    assert "programs/positional/reverse.py" in result.stderr
    assert not out.exists()


def test_without_an_endpoint_json_names_the_closest_program():
    result = draft_reverse(None, "--format", "json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["status"] == "failed" and report["attempts"] == []
    assert Path(report["closest"]) == (LIBRARY / "positional" / "reverse.py").resolve()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--example", "a b c"], "an example looks like `1 2 3 -> 3 2 1`, got 'a b c'"),
        (["--example", "a b -> a"], "needs one output per input token, got 'a b -> a' (2 in, 1"),
        (["-o", "{existing}"], "exists; use --force to overwrite it"),
        (["--samples", "0"], "--samples must be at least 1"),
        (["--rounds", "-1"], "--rounds must be 0 or more"),
        (["-o", "{missing}/draft.py"], "is in a folder that does not exist"),
    ],
    ids=["no-arrow", "length", "existing-output", "samples-0", "rounds-negative", "no-dir"],
)
def test_usage_errors_exit_2_with_one_line_before_asking_the_model(chat, tmp_path, args, says):
    server = chat(default=code_reply(REVERSE))
    existing = tmp_path / "existing.py"
    existing.write_text("keep me\n", encoding="utf-8")
    paths = {"existing": existing, "missing": tmp_path / "missing"}
    args = [a.format(**paths) for a in args]
    result = run_rasp(
        "draft", SPEC, "--samples", "1", *QUICK, *args, env={"OPENAI_BASE_URL": server.base_url}
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("rasp: error: ") and says in line, line
    assert server.requests == []
    assert existing.read_text(encoding="utf-8") == "keep me\n"


def test_overwriting_an_existing_file_needs_force(chat, tmp_path):
    server = chat(default=code_reply(REVERSE))
    out = tmp_path / "draft.py"
    out.write_text("old\n", encoding="utf-8")
    result = draft_reverse(server, "-o", str(out), "--force", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == json.loads(result.stdout)["source"]


def test_http_429_is_retried_and_the_draft_still_verifies(chat):
    server = chat([Status(429)], default=code_reply(REVERSE))
    result = draft_reverse(server, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "verified"
    assert len(server.requests) == 2
    assert server.requests[0] == server.requests[1]  # the same request, sent again


# rasp draft-eval

# Task A is answered correctly at once; task B gets a broken draft, then the fix on repair.
EVAL_TASKS = ("reverse", "token_parity")
PARITY = library_program("token_parity")
BROKEN_PARITY = PARITY.replace("lambda x: x % 2", "lambda x: (x + 1) % 2")
assert BROKEN_PARITY != PARITY


def eval_answer(tasks: list[dict]):
    """A step answering each task by the spec in the request's last message."""
    replies = {
        "reverse": (REVERSE, REVERSE),
        "token_parity": (BROKEN_PARITY, PARITY),
    }

    def answer(request: dict):
        last = request["messages"][-1]["content"]
        for task in tasks:
            if task["spec"] in last:
                first, repaired = replies[task["name"]]
                return code_reply(repaired if "Fix the program" in last else first)
        return Status(400, message="no task matches this request")

    return answer


@pytest.fixture
def eval_tasks(tmp_path) -> tuple[Path, list[dict]]:
    lines = [task_line(name) for name in EVAL_TASKS]
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, [json.loads(line) for line in lines]


def draft_eval(server: ChatServer | None, tasks: Path | str, *extra: str, cwd=None):
    endpoint = {"OPENAI_BASE_URL": server.base_url} if server is not None else {}
    return run_rasp(
        "draft-eval", str(tasks), "--samples", "1", "--rounds", "1", *QUICK, *extra,
        env=endpoint, cwd=cwd,
    )  # fmt: skip


def test_draft_eval_scores_first_sample_and_repair_as_json(chat, eval_tasks):
    path, tasks = eval_tasks
    server = chat(default=eval_answer(tasks))
    result = draft_eval(server, path, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)

    by_name = {t["name"]: t for t in report["tasks"]}
    assert list(by_name) == list(EVAL_TASKS)
    reverse, parity = by_name["reverse"], by_name["token_parity"]
    assert (reverse["first_stage"], reverse["furthest_stage"], reverse["attempts"]) == (
        "verified",
        "verified",
        1,
    )
    assert reverse["solved_at_1"] and reverse["solved_within_k"] and reverse["solved_with_repair"]
    assert (parity["first_stage"], parity["furthest_stage"], parity["attempts"]) == (
        "runs",
        "verified",
        2,
    )
    assert not parity["solved_at_1"] and not parity["solved_within_k"]
    assert parity["solved_with_repair"]
    assert all(t["tokens"] > 0 for t in report["tasks"])

    totals = report["summary"]
    assert (totals["tasks"], totals["samples"], totals["rounds"]) == (2, 1, 1)
    assert totals["solved_at_1"] == 1
    assert totals["solved_within_k"] == 1
    assert totals["solved_with_repair"] == 2
    assert totals["furthest_stages"]["verified"] == 2
    assert totals["tokens"] == reverse["tokens"] + parity["tokens"]

    assert len(server.requests) == 3  # reverse once; parity's draft and its repair
    # A task's own library program is never one of its few-shot examples.
    first_ask = server.requests[0]["messages"]
    assert tasks[0]["spec"] in first_ask[-1]["content"]
    assert not any(tasks[0]["spec"] in m["content"] for m in first_ask[:-1])

    progress = progress_lines(result.stderr)
    assert "rasp draft: task 1/2: reverse: verified" in progress
    assert "rasp draft: task 2/2: token_parity: verified" in progress


def test_draft_eval_text_shows_the_table_and_the_summary_line(chat, eval_tasks):
    path, tasks = eval_tasks
    server = chat(default=eval_answer(tasks))
    result = draft_eval(server, path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if "│" in line}
    assert "reverse" in rows and "token_parity" in rows
    assert rows["reverse"].split("│")[2].strip() == "verified"  # first sample
    assert rows["token_parity"].split("│")[2].strip() == "runs"
    assert "solved@1 1/2" in result.stdout
    assert "with up to 1 repair rounds 2/2" in result.stdout


NO_SPEC = '{"name": "x", "vocab": ["a"], "max_seq_len": 3}'


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        (["TASK", "this is not json"], ":2: not a task (Expecting value"),
        (["TASK", "", NO_SPEC], ":3: not a task (missing key 'spec')"),
        (["42"], ":1: not a task (a task is a JSON object, got int)"),
    ],
    ids=["not-json", "missing-spec", "not-an-object"],
)
def test_draft_eval_rejects_a_malformed_task_file_naming_file_and_line(chat, tmp_path, lines, says):
    server = chat(default=code_reply(REVERSE))
    path = tmp_path / "tasks.jsonl"
    good = task_line("reverse")
    text = "\n".join(good if line == "TASK" else line for line in lines) + "\n"
    path.write_text(text, encoding="utf-8")
    result = draft_eval(server, path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"rasp: error: {path}{says}"), line
    assert server.requests == []


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ((), "draft-eval needs an LLM endpoint: set OPENAI_API_KEY, or OPENAI_BASE_URL"),
        (("--limit", "0"), "--limit must be at least 1"),
        (("--only", "no_such_task"), "no task named no_such_task in"),
    ],
    ids=["no-endpoint", "limit-0", "only-unknown"],
)
def test_draft_eval_usage_errors_exit_2(eval_tasks, extra, says):
    path, _ = eval_tasks
    result = draft_eval(None, path, *extra)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("rasp: error: ") and says in line, line


def test_draft_eval_runs_the_shipped_task_file(chat):
    first = json.loads(TASKS.read_text(encoding="utf-8").splitlines()[0])
    server = chat(default=code_reply(library_program(first["name"])))
    shipped = "programs/tasks.jsonl"
    result = draft_eval(server, shipped, "--limit", "1", "--format", "json", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["tasks"] == 1
    [task] = report["tasks"]
    assert task["name"] == first["name"]
    assert task["first_stage"] == task["furthest_stage"] == "verified"
    assert report["summary"]["solved_at_1"] == 1
    [request] = server.requests
    assert first["spec"] in request["messages"][-1]["content"]


def test_draft_eval_exits_1_when_the_endpoint_failed_every_task(chat, eval_tasks):
    path, _ = eval_tasks
    server = chat(default=Status(401))
    result = draft_eval(server, path, "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["solved_with_repair"] == 0
    assert "no task got a single draft; the first said: " in result.stderr
    assert "refused the API key (HTTP 401)" in result.stderr


def test_draft_eval_with_two_jobs_prints_what_one_job_prints(chat, eval_tasks):
    path, tasks = eval_tasks
    server = chat(default=eval_answer(tasks))
    one = draft_eval(server, path, "--format", "json")
    two = draft_eval(server, path, "--format", "json", "--jobs", "2")
    assert (two.returncode, two.stdout) == (one.returncode, one.stdout) == (0, one.stdout)
    assert (
        progress_lines(two.stderr)
        == progress_lines(one.stderr)
        == [
            "rasp draft: task 1/2: reverse: verified",
            "rasp draft: task 2/2: token_parity: verified",
        ]
    )
    assert len(server.requests) == 2 * 3  # each run asked the same three questions

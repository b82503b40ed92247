"""The drafting loop against a real OpenAI-compatible HTTP server on 127.0.0.1.

The real `openai` client talks to tests/llm_server.py, which plays scripted replies and logs
every request; drafts are checked by the real engine in a real worker.
"""

from pathlib import Path

import pytest

from raspstudio.drafting.data import DraftRequest, DraftSettings, Example
from raspstudio.drafting.llm import Endpoint
from raspstudio.drafting.loop import draft, scratch_file
from raspstudio.engine.file_requests import Engine
from raspstudio.engine.worker_client import Worker
from tests.llm_server import OFF_BY_ONE, REVERSE, ChatServer, Raw, Reply, Status, code_reply

REQUEST = DraftRequest(
    "Reverse the sequence.", [Example([1, 2, 3], [3, 2, 1])], vocab=[1, 2, 3], max_seq_len=4
)
ONE_AT_A_TIME = DraftSettings(samples=1, rounds=2)


@pytest.fixture(scope="module")
def engine():
    engine = Engine(Worker(timeout=3))
    yield engine
    engine.close()


@pytest.fixture
def chat():
    servers: list[ChatServer] = []

    def start(*steps, default=None) -> ChatServer:
        servers.append(ChatServer(list(steps), default=default))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _endpoint(server: ChatServer, **kwargs) -> Endpoint:
    return Endpoint(base_url=server.base_url, model="test-model", **kwargs)


def _repair_text(server: ChatServer, index: int) -> str:
    return server.requests[index]["messages"][-1]["content"]


def test_a_broken_draft_is_repaired_with_its_counterexample(chat, engine):
    server = chat(code_reply(OFF_BY_ONE), code_reply(REVERSE))
    lines = []
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME, lines.append)
    assert result.status == "verified"
    assert [a.stage for a in result.attempts] == ["runs", "verified"]
    assert "n - i - 1" in result.source and "VOCAB = {1, 2, 3}" in result.source
    repair = _repair_text(server, 1)
    assert "on example [1, 2, 3] the program gives [None, 3, 2], expected [3, 2, 1]" in repair
    assert "Smallest failing input: [1, 2, 3]" in repair
    # the values of the intermediate operations on it, located by line
    assert "`opposite` (SequenceMap, categorical) = [3, 2, 1]" in repair
    assert "`reverse` (Aggregate, categorical) = [None, 3, 2]" in repair
    assert "  11 | opposite = rasp.SequenceMap(lambda n, i: n - i, length" in repair
    # the repair continues the conversation: the broken draft is the assistant's last turn
    assert server.requests[1]["messages"][-2]["role"] == "assistant"
    assert "n - i," in server.requests[1]["messages"][-2]["content"]
    assert any("round 1, draft 1/1: verified" in line for line in lines)
    assert result.tokens > 0


def test_the_repair_message_carries_the_located_diagnostic(chat, engine):
    raising = REVERSE.replace(
        'program = rasp.Aggregate(flip, rasp.tokens).named("reverse")',
        'moved = rasp.Aggregate(flip, rasp.tokens).named("moved")\n'
        'program = rasp.Map(lambda x: 6 // (x - 2), moved).named("inverse")',
    )
    server = chat(code_reply(raising), code_reply(REVERSE))
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME)
    assert result.status == "verified"
    first = result.attempts[0]
    assert first.stage == "none"
    assert [d["code"] for d in first.diagnostics if d["severity"] == "error"] == ["RASP201"]
    repair = _repair_text(server, 1)
    assert "line 14, column 11, RASP201: `inverse` (Map) fails on input [2]" in repair
    assert "ZeroDivisionError" in repair
    assert "Smallest failing input: [2]" in repair
    assert "`moved` (Aggregate, categorical) = [2]" in repair


def test_a_reference_is_the_oracle(chat, engine):
    request = DraftRequest(
        "Reverse the sequence.",
        vocab=[1, 2, 3],
        max_seq_len=3,
        reference="def reference(xs):\n    return xs[::-1]\n",
    )
    server = chat(code_reply(OFF_BY_ONE), code_reply(REVERSE))
    result = draft(request, _endpoint(server), engine, ONE_AT_A_TIME)
    assert result.status == "verified"
    assert result.attempts[0].stage == "runs"
    assert "RASP502" in _repair_text(server, 1)
    assert "on input [1]: reference gives [1], the program gives [None]" in _repair_text(server, 1)
    assert "def reference(xs):" in result.source  # the verified file keeps its ground truth


def test_samples_come_from_one_request_and_drafting_stops_at_the_first_verified(chat, engine):
    server = chat(code_reply(OFF_BY_ONE, REVERSE, OFF_BY_ONE))
    result = draft(REQUEST, _endpoint(server), engine, DraftSettings(samples=3, rounds=1))
    assert result.status == "verified"
    assert [a.stage for a in result.attempts] == ["runs", "verified"]  # the third is not run
    assert len(server.requests) == 1 and server.requests[0]["n"] == 3


def test_a_server_that_ignores_n_is_asked_again(chat, engine):
    server = chat(code_reply(OFF_BY_ONE), code_reply(OFF_BY_ONE))
    result = draft(REQUEST, _endpoint(server), engine, DraftSettings(samples=2, rounds=0))
    assert [r["n"] for r in server.requests] == [2, 1]
    assert result.status == "unverified" and len(result.attempts) == 2


def test_out_of_rounds_the_best_draft_is_returned_unverified(chat, engine):
    server = chat(default=code_reply(OFF_BY_ONE))
    result = draft(REQUEST, _endpoint(server), engine, DraftSettings(samples=1, rounds=2))
    assert result.status == "unverified"
    assert len(server.requests) == 3 and len(result.attempts) == 3
    assert "n - i," in result.source
    assert "the best reached `runs`" in result.message


def test_a_reply_without_code_is_asked_again(chat, engine):
    server = chat(Reply(["I would use a Select and an Aggregate."]), code_reply(REVERSE))
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME)
    assert result.status == "verified"
    assert result.attempts[0].problem == "the reply has no ```python code block"
    assert "no ```python code block" in _repair_text(server, 1)


@pytest.mark.parametrize(
    ("attack", "named"),
    [
        ("import os\nos.system('touch {marker}')\n", "imports `os`"),
        ("open('{marker}', 'w').write('x')\n", "uses `open`"),
        ("().__class__.__base__.__subclasses__()\nopen('{marker}', 'w')\n", "`.__class__`"),
    ],
)
def test_a_draft_breaking_the_policy_is_refused_and_never_run(
    chat, engine, tmp_path: Path, attack: str, named: str
):
    marker = tmp_path / "ran"
    server = chat(code_reply(attack.format(marker=marker) + REVERSE), code_reply(REVERSE))
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME)
    refused = result.attempts[0]
    assert refused.stage == "none" and refused.source is None
    assert refused.problem.startswith("refused before running: line ")
    assert named in refused.problem
    assert "The draft was not run" in _repair_text(server, 1)
    assert not marker.exists()
    assert result.status == "verified"


def test_only_refused_drafts_fail_without_a_file(chat, engine):
    server = chat(default=code_reply("import subprocess\n" + REVERSE))
    result = draft(REQUEST, _endpoint(server), engine, DraftSettings(samples=1, rounds=1))
    assert result.status == "failed" and result.source is None
    assert "imports `subprocess`" in result.message


def test_a_draft_that_hangs_times_out_and_is_repaired(chat, engine):
    hangs = "while True:\n    pass\n" + REVERSE
    server = chat(code_reply(hangs), code_reply(REVERSE))
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME)
    first = result.attempts[0]
    assert first.stage == "none" and "RASP106" in first.problem
    assert "did not finish within 3 s" in first.problem
    assert "RASP106" in _repair_text(server, 1)
    assert result.status == "verified"


@pytest.mark.parametrize("status", [429, 500])
def test_rate_limits_and_server_errors_are_retried(chat, engine, status: int):
    server = chat(Status(status), code_reply(REVERSE))
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME)
    assert result.status == "verified"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("step", "says"),
    [
        (Status(500), "answered HTTP 500"),
        (Status(429), "rate limiting (HTTP 429), still after 2 retries"),
        (Status(401), "refused the API key (HTTP 401)"),
        (Raw(b"{not json"), "not chat-completions JSON"),
        (Raw(b'{"choices": "many"}'), "not chat-completions JSON"),
        (Reply([]), "answered with no choices"),
    ],
)
def test_endpoint_failures_end_with_a_clear_message(chat, engine, step, says: str):
    server = chat(default=step)
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME)
    assert result.status == "failed"
    assert says in result.message
    assert f"test-model at {server.base_url}" in result.message


def test_a_model_that_does_not_answer_in_time(chat, engine):
    server = chat(default=Reply(["late"], delay=2))
    endpoint = _endpoint(server, timeout=0.3, max_retries=1)
    result = draft(REQUEST, endpoint, engine, ONE_AT_A_TIME)
    assert result.status == "failed"
    assert "did not answer within 0.3 s (1 retries)" in result.message
    assert len(server.requests) == 2


def test_an_endpoint_error_after_some_drafts_keeps_the_best(chat, engine):
    server = chat(code_reply(OFF_BY_ONE), default=Status(500))
    result = draft(REQUEST, _endpoint(server), engine, ONE_AT_A_TIME)
    assert result.status == "unverified" and "n - i," in result.source
    assert "then test-model at" in result.message and "HTTP 500" in result.message


def test_the_api_key_is_sent_but_never_shown(chat, engine):
    secret = "sk-test-SECRET-4242"
    server = chat(default=Status(401))
    lines = []
    endpoint = _endpoint(server, api_key=secret)
    result = draft(REQUEST, endpoint, engine, ONE_AT_A_TIME, lines.append)
    assert server.headers[0]["authorization"] == f"Bearer {secret}"
    assert secret not in repr(endpoint)
    assert secret not in str(result.to_json()) + "".join(lines)


def test_without_an_endpoint_the_closest_library_program_is_offered(engine):
    result = draft(REQUEST, Endpoint(base_url=None, model="m"), engine)
    assert result.status == "failed" and result.attempts == []
    assert "OPENAI_API_KEY" in result.message and "OPENAI_BASE_URL" in result.message
    assert result.closest.endswith("programs/positional/reverse.py")
    assert "programs/positional/reverse.py (Reverse the sequence.)" in result.message


def test_few_shot_examples_are_library_programs_like_the_spec(chat, engine):
    server = chat(code_reply(REVERSE))
    draft(REQUEST, _endpoint(server), engine, DraftSettings(samples=1, rounds=0, shots=2))
    messages = server.requests[0]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant"] * 1 + [
        "user",
        "assistant",
        "user",
    ]
    assert messages[1]["content"] == "Spec: Reverse the sequence."  # reverse.py's own spec
    assert "def reference" not in messages[2]["content"]
    assert "Examples (input -> output):\n  1 2 3 -> 3 2 1" in messages[-1]["content"]


def test_draft_eval_leaves_the_task_out_of_its_own_examples(chat, engine):
    server = chat(code_reply(REVERSE))
    request = DraftRequest("Reverse the sequence.", vocab=[1, 2], max_seq_len=3, name="reverse")
    draft(request, _endpoint(server), engine, DraftSettings(samples=1, rounds=0))
    shown = [m["content"] for m in server.requests[0]["messages"] if m["role"] == "user"]
    assert "Spec: Reverse the sequence." not in shown[:-1]


def test_reference_first_asks_for_the_oracle_then_drafts(chat, engine):
    reference = "```python\ndef reference(xs):\n    return list(reversed(xs))\n```"
    server = chat(Reply([reference]), code_reply(OFF_BY_ONE), code_reply(REVERSE))
    settings = DraftSettings(samples=1, rounds=1, reference_first=True)
    lines = []
    result = draft(REQUEST, _endpoint(server), engine, settings, lines.append)
    assert "plain Python" in server.requests[0]["messages"][-1]["content"]
    assert "using the model's reference as the oracle" in lines
    assert result.status == "verified" and "return list(reversed(xs))" in result.source


def test_a_reference_that_contradicts_the_examples_is_dropped(chat, engine):
    wrong = "```python\ndef reference(xs):\n    return xs\n```"
    server = chat(Reply([wrong]), code_reply(REVERSE))
    settings = DraftSettings(samples=1, rounds=0, reference_first=True)
    lines = []
    result = draft(REQUEST, _endpoint(server), engine, settings, lines.append)
    assert any("gives [1, 2, 3] on 1 2 3 -> 3 2 1; drafting without" in line for line in lines)
    assert result.status == "verified" and "def reference" not in result.source


def test_an_error_message_echoing_the_key_is_scrubbed(chat, engine):
    secret = "sk-test-SECRET-4242"
    server = chat(default=Status(500, message=f"upstream rejected key {secret}"))
    result = draft(REQUEST, _endpoint(server, api_key=secret), engine, ONE_AT_A_TIME)
    assert "upstream rejected key ***" in result.message
    assert secret not in result.message


def test_scratch_drafts_never_overwrite_an_earlier_one(tmp_path: Path):
    first = scratch_file("Reverse the sequence!", "one\n", tmp_path)
    second = scratch_file("Reverse the sequence!", "two\n", tmp_path)
    assert (first.name, second.name) == ("reverse_the_sequence.py", "reverse_the_sequence_2.py")
    assert first.read_text() == "one\n" and second.read_text() == "two\n"

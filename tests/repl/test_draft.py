"""`:draft SPEC | IN -> OUT` in the REPL, against a real model server on 127.0.0.1
(tests/llm_server.py) and the session's own worker."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from raspstudio.repl import draft as repl_draft
from raspstudio.repl.app import Repl
from tests.llm_server import OFF_BY_ONE, REVERSE, ChatServer, code_reply

HANGS = "from tracr.rasp import rasp\n\nwhile True:\n    pass\n" + REVERSE.split("\n\n", 1)[1]
DRAFT = ":draft reverse the sequence | a b c -> c b a"


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ChatServer]:
    """A model server the REPL finds through the environment; drafts land in tmp_path."""
    server = ChatServer([])
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("RASP_LLM_MODEL", "test-model")
    monkeypatch.setattr(repl_draft, "DRAFTS", tmp_path / "drafts")
    yield server
    server.close()


@pytest.fixture
def said(repl: Repl, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The progress lines :draft prints."""
    lines: list[str] = []
    monkeypatch.setattr(repl, "say", lines.append)
    return lines


def test_a_verified_draft_is_written_and_loaded(
    repl: Repl, chat: ChatServer, said: list[str], tmp_path: Path
):
    chat.steps.append(code_reply(REVERSE, REVERSE, REVERSE))  # the three samples at once
    shown = repl.handle(DRAFT)
    path = tmp_path / "drafts" / "reverse_the_sequence.py"
    source = path.read_text()
    assert shown.startswith(source.rstrip())
    assert "VOCAB = {'a', 'b', 'c'}" in source and "MAX_SEQ_LEN = 5" in source  # the session's
    assert "EXAMPLES = [['a', 'b', 'c']]" in source
    assert "\nverified: draft 1 (round 0) compiles" in shown
    assert "verified: verified" not in shown
    assert f"written to {path} and loaded:" in shown
    assert "`program` compiled: 3 layers, 2 heads, 2 MLPs" in shown
    assert len(chat.requests) == 1 and chat.requests[0]["model"] == "test-model"
    # The draft's names are the session's now (`program` is `.named("reverse")`).
    assert repl.handle("program").splitlines()[-1].split() == ["reverse", "c", "b", "a"]
    assert repl.handle(":run program a b").splitlines() == [
        "input:       a  b",
        "interpreter: b  a",
        "compiled:    b  a",
        "agree",
    ]
    assert said[0].startswith("using 4 library programs as examples: reverse")
    assert said[1] == f"asking test-model at {chat.base_url} for 3 drafts"
    assert said[2:] == ["round 0, draft 1/3: verified"]


def test_an_unverified_draft_is_loaded_with_what_is_wrong(
    repl: Repl, chat: ChatServer, said: list[str]
):
    chat.default = code_reply(*[OFF_BY_ONE] * 3)  # every round: samples and repairs
    shown = repl.handle(DRAFT)
    assert "\nunverified: no draft verified (9 tried); the best reached `runs`" in shown
    assert "written to " in shown and "lambda n, i: n - i," in shown  # the best, loaded
    assert len(chat.requests) == 3  # the first sampling and two repair rounds
    asked = [line.split(" for ")[-1] for line in said if line.startswith("asking")]
    assert asked == ["3 drafts", "3 repairs (round 1)", "3 repairs (round 2)"]
    assert said[-1].startswith("round 2, draft 3/3: runs (on example")


def test_without_an_endpoint_it_points_to_a_library_program(
    repl: Repl, said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(repl_draft, "DRAFTS", tmp_path / "drafts")
    shown = repl.handle(DRAFT)
    assert shown.startswith("error: no LLM endpoint is configured: set OPENAI_API_KEY")
    load = shown.splitlines()[-1]
    assert load.startswith("to start from it: :load ") and load.endswith("reverse.py")
    assert Path(load.removeprefix("to start from it: :load ")).is_file()
    assert not (tmp_path / "drafts").exists()
    assert said == []


def test_usage_errors(repl: Repl, chat: ChatServer):
    assert repl.handle(":draft") == (
        "error: give a spec, e.g. :draft reverse the sequence | a b c -> c b a"
    )
    assert repl.handle(":draft  | a -> a").startswith("error: give a spec")
    assert repl.handle(":draft x | 1 2") == (
        "error: an example looks like `1 2 3 -> 3 2 1`, got '1 2'"
    )
    assert repl.handle(":draft x | a b -> a").startswith(
        "error: an example needs one output per input token"
    )
    assert chat.requests == []


def test_a_hanging_draft_costs_the_session_nothing(repl: Repl, chat: ChatServer, said: list[str]):
    assert repl.handle("x = rasp.Map(lambda t: t, rasp.tokens)").startswith("x · Map")
    session_worker = repl.client.worker._process.pid
    chat.steps.append(code_reply(HANGS, REVERSE, REVERSE))
    shown = repl.handle(DRAFT)
    assert "\nverified: draft 2 (round 0) compiles" in shown
    assert "did not finish within 3 s" in said[2]  # the first sample, stopped in its own worker
    assert said[3] == "round 0, draft 2/3: verified"
    assert repl.client.worker._process.pid == session_worker
    assert repl.handle("x").startswith("x · Map · categorical")
    assert repl.handle("program").startswith("reverse · Aggregate")

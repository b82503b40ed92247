"""Shared by the test_repl_* modules: a Repl over a real worker, reset for every test."""

import pytest

from raspstudio.worker import Worker
from repl.app import Repl
from repl.client import SessionClient, SessionState


@pytest.fixture(scope="module")
def shared_repl():
    client = SessionClient(Worker(timeout=3))
    client.start_in_background()
    yield Repl(client, width=100)
    client.close()


@pytest.fixture
def repl(shared_repl: Repl) -> Repl:
    """A fresh session with the vocabulary a b c."""
    shared_repl.client.state = SessionState()
    shared_repl.client.request("repl_start", settings={}, example=None)
    shared_repl.handle(":vocab a b c")
    return shared_repl

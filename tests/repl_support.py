"""Shared by the modules of tests/repl/: a Repl over a real worker, reset for every test."""

import pytest

from raspstudio.engine import ReplSession, Worker
from raspstudio.repl.app import Repl


@pytest.fixture(scope="module")
def shared_repl():
    client = ReplSession(Worker(timeout=3))
    client.start_in_background()
    yield Repl(client, width=100)
    client.close()


@pytest.fixture
def repl(shared_repl: Repl) -> Repl:
    """A fresh session with the vocabulary a b c."""
    shared_repl.client.restart()
    shared_repl.handle(":vocab a b c")
    return shared_repl

"""Diagnostics that hold still while the user types and saves, and documents that do not wait
for each other (issue 17, items 1 and 2)."""

import asyncio
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import (
    FIXTURES,
    client_fixture,
    codes,
    open_document,
    pulling_capabilities,
    settled,
    wait_until,
)

client = client_fixture()
refreshed = client_fixture(
    profiles=["vscode-pull-refresh"], capabilities=lambda: pulling_capabilities(True)
)
pusher = client_fixture(profiles=["neovim@v0.7.0"], options={"timeout": 60})

MISCOMPILED = (FIXTURES / "negative_numerical_map.py").read_text() + "# note: \n"
TYPED = "clipped to 0"  # typed into the comment, one character per change
SAVE_AFTER = 10  # keystrokes before the save in the middle
GAP = 0.05  # seconds between keystrokes


def _pulls(client: LanguageClient) -> bool:
    return client.capabilities.text_document.diagnostic is not None


async def _pull(client: LanguageClient, uri: str) -> list[str]:
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    return [str(d.code) for d in report.items]


def _type(client: LanguageClient, uri: str, line: int, column: int, char: str, version: int):
    at = lsp.Position(line=line, character=column)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                lsp.TextDocumentContentChangePartial(range=lsp.Range(start=at, end=at), text=char)
            ],
        )
    )


async def test_a_miscompilation_never_leaves_pushed_diagnostics_while_typing(client, tmp_path):
    await _type_a_comment(client, tmp_path)


async def test_a_miscompilation_never_leaves_pulled_diagnostics_while_typing(refreshed, tmp_path):
    await _type_a_comment(refreshed, tmp_path)


async def _type_a_comment(client: LanguageClient, tmp_path: Path) -> None:
    """20 keystrokes (and a save after the 10th) that leave the program as it is: the RASP501
    is in every diagnostics push and every pull answer the client gets, from first to last."""
    path = tmp_path / "miscompiled.py"
    path.write_text(MISCOMPILED)
    uri = await open_document(client, path, MISCOMPILED)
    seen: list[list[str]] = []
    if _pulls(client):
        seen.append(await _pull(client, uri))
    else:
        client.published.clear()
        seen.append(codes(client, uri))
    line = len(MISCOMPILED.splitlines()) - 1
    column = len("# note: ")
    before = len(client.progress_reports)
    for i, char in enumerate((TYPED * 2)[:20]):
        _type(client, uri, line, column + i, char, version=2 + i)
        if i + 1 == SAVE_AFTER:
            client.text_document_did_save(
                lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
            )
        await asyncio.sleep(GAP)
        if _pulls(client):
            seen.append(await _pull(client, uri))
    await settled(client, before)
    if _pulls(client):
        seen.append(await _pull(client, uri))
    else:
        seen += [found for published, _, found in client.published if published == uri]
    assert all("RASP501" in found for found in seen), seen


async def test_saving_the_text_last_checked_checks_nothing(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "negative_numerical_map.py")
    checks = _began(client, "Checking negative_numerical_map.py")
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    # A document opened after the save is checked after the save's quiet time has passed.
    await open_document(client, FIXTURES / "sample.py")
    assert _began(client, "Checking negative_numerical_map.py") == checks


LOOPING = '''"""A program whose Map waits until the test releases it."""
import time
from pathlib import Path

from tracr.rasp import rasp

VOCAB = {1, 2}
MAX_SEQ_LEN = 2


def spin(x):
    while not Path(RELEASE).exists():
        time.sleep(0.01)
    return x


program = rasp.Map(spin, rasp.tokens)
'''


def _began(client: LanguageClient, title: str) -> int:
    return sum(
        isinstance(r, lsp.WorkDoneProgressBegin) and r.title == title
        for reports in client.progress_reports.values()
        for r in reports
    )


def _running(client: LanguageClient, title: str) -> bool:
    """Whether a progress titled `title` has begun and not ended."""
    return any(
        isinstance(reports[0], lsp.WorkDoneProgressBegin)
        and reports[0].title == title
        and not isinstance(reports[-1], lsp.WorkDoneProgressEnd)
        for reports in client.progress_reports.values()
        if reports
    )


async def test_a_looping_document_does_not_hold_up_another(pusher: LanguageClient, tmp_path):
    """While A's check is stuck in its program (until the test releases it), B's edit gets
    B's diagnostics. With one worker for all documents, B waited for A. How soon they come
    is measured by benchmarks/lsp_latency.py, not here."""
    looping, other = tmp_path / "looping.py", tmp_path / "other.py"
    looping.write_text((FIXTURES / "sample.py").read_text())
    other.write_text((FIXTURES / "sample.py").read_text())
    a, b = looping.as_uri(), other.as_uri()
    release = tmp_path / "release"
    before = len(pusher.progress_reports)
    for path in (looping, other):  # at once: both engines start (and warm up) now
        pusher.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=path.as_uri(), language_id="python", version=1, text=path.read_text()
                )
            )
        )
    await settled(pusher, before)
    checks_of_a = _began(pusher, "Checking looping.py")
    stuck = f"RELEASE = {str(release)!r}\n" + LOOPING
    pusher.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=a, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=stuck)],
        )
    )
    await wait_until(lambda: _began(pusher, "Checking looping.py") > checks_of_a, "A's check")
    pusher.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=b, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="import tracr\n(")],
        )
    )
    try:
        await wait_until(lambda: "RASP101" in codes(pusher, b), "B's diagnostics")
        assert _running(pusher, "Checking looping.py"), "A's check ended before B's came"
    finally:
        release.touch()  # A's program returns; its check ends

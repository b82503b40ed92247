"""Shared by the modules of tests/lsp/: a real `rasp serve` over stdio and a pytest-lsp client.

Each feature test module builds its client with `client_fixture()`; it runs once per client
capability profile (Neovim 0.7 and VS Code), so every feature is exercised the way those
editors ask for it.
"""

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _make_client() -> LanguageClient:
    """pytest-lsp's client, recording every diagnostics push and the refresh requests the VS
    Code profile says it accepts."""
    client = LanguageClient(converter_factory=default_converter)
    keep_default = DEFAULT_CLIENT_FEATURES[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    features = dict(DEFAULT_CLIENT_FEATURES)
    del features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    register_lsp_features(client, features)
    client.refreshes = []
    client.published = []  # every publishDiagnostics, in order: (uri, version, codes)

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(ls: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
        keep_default(ls, params)
        codes = [str(d.code) for d in params.diagnostics]
        client.published.append((params.uri, params.version, codes))

    for method in (lsp.WORKSPACE_CODE_LENS_REFRESH, lsp.WORKSPACE_INLAY_HINT_REFRESH):

        @client.feature(method)
        def refresh(params: None, method: str = method) -> None:
            client.refreshes.append(method)

    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-P", "-m", "raspstudio", "serve"], client_factory=_make_client
)
PROFILES = ["neovim@v0.7.0", "visual-studio-code"]
SETTLE_TIMEOUT = 60.0


def pulling_capabilities(refresh: bool) -> lsp.ClientCapabilities:
    """VS Code's profile, pulling diagnostics (with or without `workspace/diagnostic/refresh`)."""
    capabilities = client_capabilities("visual-studio-code")
    capabilities.text_document.diagnostic = lsp.DiagnosticClientCapabilities(
        related_document_support=False
    )
    capabilities.workspace.diagnostics = lsp.DiagnosticWorkspaceClientCapabilities(
        refresh_support=refresh
    )
    return capabilities


def client_fixture(
    options: dict | None = None,
    profiles: list[str] | None = None,
    capabilities: Callable[[], lsp.ClientCapabilities] | None = None,
) -> Any:
    """A module's `client` fixture: a fresh server per test, initialised with `options`.

    `capabilities` replaces the profile's own (built from it) where a test needs a variant.
    """

    @pytest_lsp.fixture(config=SERVER, params=profiles or PROFILES)
    async def client(lsp_client: LanguageClient, request: Any):
        params = lsp.InitializeParams(
            capabilities=capabilities() if capabilities else client_capabilities(request.param),
            initialization_options=options,
            root_uri=ROOT.as_uri(),
        )
        await lsp_client.initialize_session(params)
        yield
        await lsp_client.shutdown_session()

    return client


def _runs(client: LanguageClient) -> tuple[int, int]:
    """How many analyses (progress tokens) have begun and ended."""
    began = ended = 0
    for reports in client.progress_reports.values():
        began += any(isinstance(r, lsp.WorkDoneProgressBegin) for r in reports)
        ended += any(isinstance(r, lsp.WorkDoneProgressEnd) for r in reports)
    return began, ended


async def settled(client: LanguageClient, began_before: int) -> None:
    """Wait until an analysis started after `began_before` runs and every run has ended."""
    deadline = asyncio.get_running_loop().time() + SETTLE_TIMEOUT
    while True:
        began, ended = _runs(client)
        if began > began_before and began == ended:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the server did not finish analysing")
        await asyncio.sleep(0.02)


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait for `condition` to hold; SETTLE_TIMEOUT is only a guard against a hang."""
    deadline = asyncio.get_running_loop().time() + SETTLE_TIMEOUT
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{what} never happened")
        await asyncio.sleep(0.05)


async def open_document(
    client: LanguageClient, path: Path, text: str | None = None, version: int = 1
) -> str:
    """Open `path` (with `text` instead of its content, if given) and wait for its analysis
    (a file that does not mention tracr is not analysed: there is nothing to wait for)."""
    uri = path.resolve().as_uri()
    before = _runs(client)[0]
    text = path.read_text() if text is None else text
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )
    if "tracr" in text:
        await settled(client, before)
    return uri


async def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Send the whole new text as one change and wait for its analysis."""
    before = _runs(client)[0]
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await settled(client, before)


def codes(client: LanguageClient, uri: str) -> list[str]:
    return [str(d.code) for d in client.diagnostics.get(uri, [])]

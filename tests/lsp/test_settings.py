"""Settings over LSP: defaults for files without a vocabulary, budgets, and `execute: false`."""

from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from raspstudio.lsp.settings import Settings, parse_settings
from tests.lsp_support import ROOT, client_fixture, codes, open_document, settled

NO_VOCAB = """from tracr.rasp import rasp

program = rasp.Map(lambda x: x, rasp.tokens).named("program")
"""

RUNS_CODE = """import pathlib

pathlib.Path(__file__).with_name("ran.txt").write_text("user code ran")
from tracr.rasp import rasp

VOCAB = {1}
program = rasp.Map(lambda x: x, rasp.tokens).named("program")
"""

client = client_fixture({"rasp": {"vocab": "a b", "maxSeqLen": 2, "maxInputs": 3}})
untrusted = client_fixture({"execute": False}, profiles=["visual-studio-code"])
plain = client_fixture(profiles=["neovim@v0.7.0"])


async def _lens_titles(client: LanguageClient, uri: str) -> list[str]:
    found = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    return [lens.command.title for lens in found]


async def test_vocab_setting_is_a_default_for_files_without_one(client, tmp_path: Path):
    uri = await open_document(client, tmp_path / "no_vocab.py", NO_VOCAB)
    assert codes(client, uri) == []
    titles = await _lens_titles(client, uri)
    # maxInputs 3: a sample of the 6 inputs a, b, aa, ..., and the block-wise proof for all
    assert any("✓" in t and "verified on all 6 inputs (block-wise)" in t for t in titles)


async def test_a_files_own_vocab_wins_over_the_setting(client: LanguageClient):
    uri = await open_document(client, ROOT / "programs/positional/reverse.py")
    assert codes(client, uri) == []  # its EXAMPLES use "c", outside the setting's vocab


async def test_configuration_changes_apply_to_open_documents(plain: LanguageClient, tmp_path):
    uri = await open_document(plain, tmp_path / "no_vocab.py", NO_VOCAB)
    assert codes(plain, uri) == ["RASP103"]
    before = len(plain.progress_reports)
    plain.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"rasp": {"vocab": [1, 2, 3]}})
    )
    await settled(plain, before)
    assert codes(plain, uri) == []


async def test_invalid_settings_are_reported_and_ignored(plain: LanguageClient):
    plain.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"rasp": {"maxSeqLen": "long"}})
    )
    await plain.wait_for_notification(lsp.WINDOW_SHOW_MESSAGE)
    assert "rasp.maxSeqLen must be a positive integer" in plain.messages[-1].message


async def test_untrusted_workspaces_run_nothing(untrusted: LanguageClient, tmp_path: Path):
    uri = await open_document(untrusted, tmp_path / "runs_code.py", RUNS_CODE)
    assert not (tmp_path / "ran.txt").exists()
    assert codes(untrusted, uri) == []
    text = "from tracr.rasp import rasp\nprogram = (\n"
    broken = await open_document(untrusted, tmp_path / "broken.py", text)
    assert codes(untrusted, broken) == ["RASP101"]


def test_settings_parse_camel_case_and_nested_sections():
    settings = parse_settings({"rasp": {"vocab": "0 1 x", "timeout": 3, "debounceMs": 20}})
    assert settings.vocab == (0, 1, "x")
    assert settings.timeout == 3.0 and settings.debounce == 0.02
    assert settings.defaults() == {"vocab": (0, 1, "x")}
    assert parse_settings({"maxInputs": 50}).overrides() == {"max_inputs": 50}


def test_null_resets_a_setting_to_its_default():
    changed = parse_settings({"execute": False})
    assert parse_settings({"execute": None}, changed).execute == Settings().execute


async def test_untrusted_workspaces_refuse_commands_that_run_code(untrusted, tmp_path: Path):
    uri = await open_document(untrusted, tmp_path / "runs_code.py", RUNS_CODE)
    for command, arguments in (
        ("rasp.server.showLayers", [uri]),
        ("rasp.server.runOnInput", [uri, "1"]),
        ("rasp.server.restartWorker", []),
    ):
        with pytest.raises(JsonRpcException, match="runs no code in this workspace"):
            await untrusted.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command=command, arguments=arguments)
            )
    assert not (tmp_path / "ran.txt").exists()

"""A program built in a helper module, as the editor shows it: each diagnostic on the open
document at the call that led into the helper, linked to the helper's own line (a file the
editor can open) and to the calls between; no quick fix is offered at the call."""

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import FIXTURES, client_fixture, open_document

client = client_fixture()
CASE = FIXTURES / "helper_module" / "case.py"  # calls the builders of helpers.py beside it
HELPERS = (FIXTURES / "helper_module" / "helpers.py").resolve().as_uri()


def _start(location: lsp.Location | lsp.Diagnostic) -> tuple[int, int]:
    return location.range.start.line, location.range.start.character


async def test_a_diagnostic_in_a_helper_shows_at_the_call_and_links_to_the_helper(client):
    uri = await open_document(client, CASE)
    (wrong,) = [d for d in client.diagnostics[uri] if d.code == "RASP501"]
    assert _start(wrong) == (7, 10)  # `helpers.make_minus_two()` on line 8
    assert wrong.message.startswith("helpers.py:7:27: miscompilation: ")
    where, *calls = wrong.related_information
    assert (where.location.uri, _start(where.location)) == (HELPERS, (6, 26))
    assert [(c.location.uri, _start(c.location), c.message) for c in calls] == [
        (HELPERS, (11, 11), "`shifted()` is called here"),
        (uri, (7, 10), "`make_minus_two()` is called here"),
    ]
    (averaging,) = [d for d in client.diagnostics[uri] if d.code == "RASP302"]
    assert _start(averaging) == (12, 11)  # `helpers.mean_of(every)` in make_mean
    assert averaging.related_information[0].location.uri == HELPERS


async def test_no_quick_fix_is_offered_at_the_call(client: LanguageClient):
    uri = await open_document(client, CASE)
    (unnamed,) = [d for d in client.diagnostics[uri] if d.code == "RASP605"]  # in helpers.py
    assert unnamed.related_information[0].location.uri == HELPERS
    fixes = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=unnamed.range,
            context=lsp.CodeActionContext(diagnostics=[unnamed]),
        )
    )
    assert not fixes  # `.named(...)` on the call would name a copy, not the helper's Map

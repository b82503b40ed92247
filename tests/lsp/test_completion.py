"""Completion and signature help for RASP program files."""

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from raspstudio.lsp.completion import completions, signature_help
from tests.lsp_support import client_fixture, open_document

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures"

# -- pure functions --


def _end(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines) - 1, len(lines[-1])


def complete(before: str, after: str = "") -> dict[str, types.CompletionItem]:
    """Items with the cursor after `before`, by label."""
    return {item.label: item for item in completions(before + after, *_end(before))}


def signature(before: str, after: str = "") -> types.SignatureHelp | None:
    return signature_help(before + after, *_end(before))


def active_name(help_: types.SignatureHelp) -> str:
    """The text of the highlighted parameter in the signature label."""
    information = help_.signatures[0]
    start, end = information.parameters[help_.active_parameter].label
    return information.label[start:end]


def doc(item: types.CompletionItem) -> str:
    assert isinstance(item.documentation, types.MarkupContent)
    assert item.documentation.kind == types.MarkupKind.Markdown
    return item.documentation.value


def test_rasp_members_have_their_kind_and_docs():
    items = complete("x = rasp.")
    kinds = {
        "Map": "Class",
        "SequenceMap": "Class",
        "LinearSequenceMap": "Class",
        "Aggregate": "Class",
        "Select": "Class",
        "SelectorWidth": "Class",
        "SelectorAnd": "Class",
        "SelectorOr": "Class",
        "SelectorNot": "Class",
        "Full": "Class",
        "ConstantSOp": "Class",
        "ConstantSelector": "Class",
        "Comparison": "Enum",
        "numerical": "Function",
        "categorical": "Function",
        "tokens": "Variable",
        "indices": "Variable",
        "length": "Variable",
    }
    assert {name: items[name].kind.name for name in kinds} == kinds
    assert all(doc(item) for item in items.values())
    assert items["Aggregate"].detail == "rasp.Aggregate(selector, sop, default=None)"


def test_rasp_table_matches_tracr():
    """Every entry is a real attribute of tracr's rasp module, with tracr's parameter names."""
    from tracr.rasp import rasp

    for label, item in complete("rasp.").items():
        assert hasattr(rasp, label), label
        if "(" in item.detail:
            written = item.detail[item.detail.index("(") + 1 : -1].split(", ")
            expected = inspect.signature(getattr(rasp, label)).parameters.values()
            assert [p.partition("=")[0] for p in written] == [p.name for p in expected], label


def test_docs_state_what_compiles():
    items = complete("rasp.")
    assert "value set" in doc(items["Map"]) and "clipped to 0" in doc(items["Map"])
    aggregate = doc(items["Aggregate"])
    assert "at most one position" in aggregate and "`default` must be None" in aggregate
    assert "0 or 1" in aggregate and "`default` must be 0" in aggregate
    assert "does not compile" in doc(items["length"]) and "lib.make_length()" in doc(
        items["length"]
    )
    assert "does not compile" in doc(items["Full"])
    assert "Does not compile" in doc(items["ConstantSOp"])
    assert "same* keys and queries" in doc(items["SelectorAnd"])
    assert "predicate(keys[k], queries[q])" in doc(items["Select"])


def test_prefix_filters_members():
    items = complete("sel = rasp.Sel")
    assert {"Select", "SelectorWidth", "SelectorAnd", "SelectorOr", "SelectorNot"} <= set(items)
    assert "Map" not in items and "tokens" not in items
    assert set(complete("x = rasp.tok")) == {"tokens"}


def test_comparison_members_say_what_they_select():
    items = complete("rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.")
    assert set(items) == {"EQ", "LT", "LEQ", "GT", "GEQ", "NEQ", "TRUE", "FALSE"}
    assert all(item.kind == types.CompletionItemKind.EnumMember for item in items.values())
    assert doc(items["LT"]).startswith("`key < query`")
    assert doc(items["GEQ"]).startswith("`key >= query`")
    assert set(complete("rasp.Comparison.L")) == {"LT", "LEQ"}


def test_comparison_docs_match_tracr_predicates():
    """The docs put the key first because tracr calls predicate(key, query)."""
    from tracr.rasp import rasp

    items = complete("rasp.Comparison.")
    assert rasp.Comparison.LT(1, 2) and "`key < query`" in doc(items["LT"])
    assert rasp.Comparison.GT(2, 1) and "`key > query`" in doc(items["GT"])


def test_lib_functions_come_from_introspection():
    items = complete("lib.")
    assert {"make_length", "make_frac_prevs", "make_sort", "shift_by", "make_hist"} <= set(items)
    assert all(item.kind == types.CompletionItemKind.Function for item in items.values())
    assert "length" not in items  # a module-level SOp in lib, not a function
    assert not any(label.startswith("_") for label in items)
    assert doc(items["make_frac_prevs"]).startswith("Count the fraction of previous tokens")
    assert items["make_sort"].detail == (
        "lib.make_sort(vals: rasp.SOp, keys: rasp.SOp, *, max_seq_len: int, min_key: float)"
    )
    assert set(complete("lib.make_s")) == {
        "make_shuffle_dyck",
        "make_shuffle_dyck2",
        "make_sort",
        "make_sort_freq",
        "make_sort_unique",
    }


def test_bare_names_are_rasp_lib_and_the_files_operations():
    text = (FIXTURES / "sample.py").read_text()
    items = complete(text + "x = ")
    assert list(items)[:2] == ["rasp", "lib"]
    assert {"length", "opp_index", "flip", "program"} <= set(items)
    assert "VOCAB" not in items and "reference" not in items
    assert items["flip"].kind == types.CompletionItemKind.Variable
    assert items["flip"].detail == 'Select "flip"'
    assert set(complete(text + "x = fl")) == {"flip"}


def test_names_inside_make_functions():
    text = textwrap.dedent(
        """
        from tracr.rasp import rasp

        def make_count(token="a"):
            is_token = rasp.numerical(rasp.Map(lambda x: x == token, rasp.tokens))
            return is_token

        def helper():
            hidden = rasp.Map(lambda x: x, rasp.tokens)
        """
    )
    items = complete(text + "program = make_count().named(")
    assert items["make_count"].kind == types.CompletionItemKind.Function
    assert items["is_token"].detail == "numerical Map"
    assert "helper" not in items and "hidden" not in items


def test_mid_edit_text_skips_the_line_being_typed():
    text = (ROOT / "programs/positional/reverse.py").read_text()
    items = complete(text + "program2 = rasp.Aggregate(fl")
    assert set(items) == {"flip"}
    assert items["flip"].detail == 'Select "flip"'  # the rest of the file still parses


def test_mid_edit_text_falls_back_to_a_line_scan():
    text = (ROOT / "programs/positional/reverse.py").read_text()
    broken = text.replace("def reference(xs: list) -> list:", "def reference(xs: list")
    before = broken + "program2 = rasp.Aggregate(fl"
    assert set(complete(before)) == {"flip"}
    assert {"length", "opposite", "program", "rasp", "lib"} <= set(complete(before[:-2]))
    assert "reference" not in complete(before[:-2])


def test_nothing_inside_strings_or_comments():
    assert complete("# see rasp.") == {}
    assert complete('x = "rasp.') == {}
    assert complete('"""Docstring\nmentions rasp.') == {}
    assert complete('x = "done"\nx = rasp.M')  # a closed string does not count


def test_unknown_qualifiers_and_positions_give_nothing():
    assert complete("np.") == {}
    assert complete("foo.rasp.") == {}
    assert complete("x = 1.") == {}
    assert completions("rasp.", 5, 0) == []
    assert completions("rasp.", -1, 0) == []
    assert signature_help("rasp.Map(", 3, 0) is None


@pytest.mark.parametrize(
    "path", [FIXTURES / "sample.py", ROOT / "programs/ordering/sort.py", FIXTURES / "hostile"]
)
def test_never_raises_at_any_point_of_a_half_typed_file(path):
    paths = sorted(path.glob("*.py")) if path.is_dir() else [path]
    for text in (p.read_text() for p in paths):
        for end in range(len(text) + 1):
            half = text[:end]
            completions(half, *_end(half))
            signature_help(half, *_end(half))


def test_signature_of_map_with_active_parameter():
    help_ = signature("rasp.Map(")
    assert help_.signatures[0].label == "rasp.Map(f, inner, simplify=True)"
    assert "value set" in help_.signatures[0].documentation.value
    assert active_name(help_) == "f"
    assert active_name(signature("rasp.Map(lambda x: x + 1, ", ")")) == "inner"


def test_commas_in_nested_brackets_strings_and_lambdas_do_not_count():
    before = 'rasp.SequenceMap(lambda x, y: f(x, [y, 1], {"a": 2}), "a,b", '
    assert active_name(signature(before)) == "snd"
    inner = signature("rasp.Map(lambda x: max(x, ")
    assert inner.signatures[0].label.startswith("rasp.Map(")  # max( is not ours: the enclosing
    assert active_name(inner) == "f"


def test_signature_across_lines():
    before = "program = rasp.Aggregate(\n    rasp.Select(rasp.indices,\n"
    assert active_name(signature(before)) == "queries"
    before = "program = rasp.Aggregate(\n    rasp.Select(rasp.indices, opp, rasp.Comparison.EQ),\n"
    assert active_name(signature(before + "    rasp.tokens,\n    ")) == "default=None"


def test_keyword_argument_selects_its_parameter():
    assert active_name(signature("rasp.Aggregate(sel, sop, default=")) == "default=None"
    assert active_name(signature("lib.make_sort(v, k, min_key=")) == "min_key: float"


def test_lib_signatures_keep_positional_and_keyword_markers():
    help_ = signature("lib.shift_by(1, ")
    assert help_.signatures[0].label == "lib.shift_by(offset: int, /, sop: rasp.SOp)"
    assert active_name(help_) == "sop: rasp.SOp"
    assert active_name(signature("lib.make_nary_sequencemap(f, a, b, c")) == "*sops"
    assert signature("lib.make_length(").active_parameter is None
    parameter = signature("lib.make_frac_prevs(").signatures[0].parameters[0]
    assert parameter.documentation.value.startswith("SOp mapping a sequence")


def test_no_signature_outside_a_known_call():
    assert signature("x = rasp.Map(f, rasp.tokens)") is None
    assert signature("print(") is None
    assert signature('x = "rasp.Map(') is None
    assert signature("rasp.Comparison(") is None


def test_lib_completion_does_not_import_jax():
    code = (
        "import sys, raspstudio.lsp.completion as c; items = c.completions('lib.', 0, 4); "
        "assert any(i.label == 'make_length' for i in items); "
        "c.signature_help('lib.make_sort(', 0, 14); assert 'jax' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# -- over LSP --

client = client_fixture()

TYPING = """from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2}
MAX_SEQ_LEN = 3

doubled = rasp.Map(lambda x: 2 * x, rasp.tokens).named("doubled")
program = rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.EQ), doubled)
"""


async def test_completion_over_lsp(client: LanguageClient, tmp_path: Path):
    uri = await open_document(client, tmp_path / "typing.py", TYPING + "x = rasp.Se\n")
    found = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=8, character=11),
        )
    )
    labels = {item.label for item in found.items}
    assert {"Select", "SelectorWidth", "SequenceMap"} <= labels
    assert "Map" not in labels


async def test_file_names_complete_over_lsp(client: LanguageClient, tmp_path: Path):
    uri = await open_document(client, tmp_path / "typing.py", TYPING + "y = dou\n")
    found = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=8, character=7),
        )
    )
    assert "doubled" in {item.label for item in found.items}


async def test_signature_help_over_lsp(client: LanguageClient, tmp_path: Path):
    uri = await open_document(client, tmp_path / "typing.py", TYPING + "z = rasp.Map(f, \n")
    found = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=8, character=16),
        )
    )
    (signature,) = found.signatures
    assert signature.label == "rasp.Map(f, inner, simplify=True)"
    assert signature.active_parameter == 1  # `inner`, after one comma

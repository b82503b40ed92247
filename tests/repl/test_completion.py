"""REPL completion: a pure function of the text before the cursor, and its adapter."""

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from raspstudio.repl.completion import ReplCompleter, complete

NAMES = {
    "scope": ["flip", "length", "lib", "opposite", "program", "rasp"],
    "rasp": ["Aggregate", "Map", "Select", "SelectorWidth", "SequenceMap", "tokens"],
    "lib": ["make_length", "make_sort"],
    "Comparison": ["EQ", "GEQ", "GT", "LEQ", "LT", "NEQ", "TRUE", "FALSE"],
}


def _texts(text: str) -> list[str]:
    return [c for c, _, _ in complete(text, NAMES)]


def test_rasp_members_after_the_dot():
    assert _texts("x = rasp.Se") == ["Select", "SelectorWidth", "SequenceMap"]
    assert "Map" in _texts("rasp.")


def test_comparisons_and_lib():
    assert _texts("rasp.Select(k, q, rasp.Comparison.G") == ["GEQ", "GT"]
    assert _texts("lib.make_") == ["make_length", "make_sort"]


def test_names_in_scope():
    assert _texts("rasp.Aggregate(fl") == ["flip"]
    assert _texts("op") == ["opposite"]


def test_nothing_after_other_attributes_or_after_a_complete_name():
    assert _texts("something.fl") == []
    assert _texts("flip") == []
    assert _texts("x = ") == []


def test_meta_commands_and_their_program_names():
    assert _texts(":la") == ["layers"]
    assert {"help", "load", "quit", "trace"} <= set(_texts(":"))
    assert _texts(":trace pro") == ["program"]
    assert _texts(":trace program a") == []  # tokens are not completed
    assert _texts(":example a") == []


def test_adapter_replaces_the_typed_prefix():
    completer = ReplCompleter(lambda: NAMES)
    document = Document("y = rasp.Agg")
    (found,) = completer.get_completions(document, CompleteEvent())
    assert (found.text, found.start_position) == ("Aggregate", -3)
    assert found.display_meta_text == "rasp"

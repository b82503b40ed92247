"""How the REPL shows RASP values: SOps as token and value rows, Selectors as 0/1 matrices."""

from raspstudio.repl.echo import format_echo, format_outcome
from raspstudio.report import Echo, Outcome


def test_an_sop_shows_its_values_under_the_tokens():
    echo = Echo("opposite", "Map", "categorical", ["a", "b", "c"], values=["2", "1", "0"])
    assert format_echo(echo) == (
        "opposite · Map · categorical\n  tokens    a  b  c\n  opposite  2  1  0"
    )


def test_columns_are_as_wide_as_their_widest_cell():
    echo = Echo("frac", "Aggregate", "numerical", [1, 22], values=["0.3333", "1"])
    assert format_echo(echo).splitlines()[1:] == [
        "  tokens       1  22",
        "  frac    0.3333   1",
    ]


def test_a_selector_is_a_matrix_of_queries_over_keys():
    matrix = [[False, False, True], [False, True, False], [True, False, False]]
    echo = Echo("flip", "Select", None, ["a", "b", "c"], matrix=matrix)
    assert format_echo(echo) == (
        "flip · Select\n     a b c   ← keys\n  a  · · 1\n  b  · 1 ·\n  c  1 · ·"
    )


def test_an_expression_that_fails_on_the_example_says_why():
    echo = Echo("bad", "Map", "categorical", ["a"], error="`bad` fails on ['a']: KeyError")
    assert format_echo(echo) == "bad · Map · categorical\n  ✗ `bad` fails on ['a']: KeyError"


def test_an_outcome_prints_output_echoes_value_and_error_in_order():
    echo = Echo("t", "tokens", "categorical", ["a"], values=["a"])
    shown = format_outcome(Outcome([echo], printed="hello\n", value="42", error="line 1: boom"))
    assert shown.splitlines() == [
        "hello",
        "t · tokens · categorical",
        "  tokens  a",
        "  t       a",
        "42",
        "error: line 1: boom",
    ]
    assert format_outcome(Outcome()) == ""

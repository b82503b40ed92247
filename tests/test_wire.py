"""The worker boundary's encoding: our data round-trips, nothing else crosses, decoding runs
nothing."""

import json

import numpy as np
import pytest

from raspstudio import wire
from raspstudio.report import Diagnostic, FileReport, ProgramReport, Span


def test_reports_tokens_and_arrays_round_trip():
    report = FileReport(
        path="/p.py",
        programs=[ProgramReport("program", 3, compiled=True, verified_inputs=7)],
        diagnostics=[
            Diagnostic("RASP501", "m", Span(1, 2, 1, 5), related=[(Span(3, 1, 3, 2), "here")])
        ],
    )
    value = {
        "report": report,
        "pair": (1, "a"),
        "tokens": {1, 2},
        "by_token": {1: "a", "b": 2},
        "weights": np.arange(6, dtype=np.float32).reshape(2, 3),
        "scalar": np.int64(4),
    }
    back = wire.decode(wire.encode(value))
    assert back["report"] == report
    assert back["pair"] == (1, "a") and back["tokens"] == {1, 2}
    assert back["by_token"] == {1: "a", "b": 2}
    assert back["weights"].dtype == np.float32 and back["weights"].tolist() == [
        [0, 1, 2],
        [3, 4, 5],
    ]
    assert back["scalar"] == 4 and type(back["scalar"]) is int


class Rider:
    def __reduce__(self):
        return (print, ("ran",))


def test_a_users_dict_that_looks_like_a_tag_stays_a_dict():
    looks_like_a_tag = {"__type__": "Popen", "args": ["sh"]}
    assert wire.decode(wire.encode(looks_like_a_tag)) == looks_like_a_tag


@pytest.mark.parametrize("value", [Rider(), print, np.array([Rider()], dtype=object)])
def test_anything_else_cannot_leave(value):
    with pytest.raises(wire.NotPlainData):
        wire.encode(value)


@pytest.mark.parametrize(
    "message",
    [
        {"__type__": "Popen", "args": ["sh"]},
        {"__array__": {"dtype": "|O", "shape": [1], "data": ""}},
        {"__dict__": [[[1], 2]]},
    ],
)
def test_decoding_refuses_unknown_shapes(message):
    with pytest.raises(ValueError):
        wire.decode(json.dumps(message).encode())
